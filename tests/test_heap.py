import gc
import weakref

from dedupe_audit.heap import frozen, long_lived_heap


class _Node:
    pass


def test_survivors_of_a_full_collection_are_frozen_and_cycles_still_collected():
    assert gc.get_freeze_count() == 0
    with long_lived_heap():
        kept = [_Node() for _ in range(1_000)]
        gc.collect()
        assert gc.get_freeze_count() >= len(kept)  # walked once, not again
        cycle = _Node()
        cycle.self = cycle
        dead = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert dead() is None
        with long_lived_heap():  # nested: the outer block stays in charge
            pass
        assert len([c for c in gc.callbacks if c.__module__ == "dedupe_audit.heap"]) == 1
    assert gc.get_freeze_count() == 0
    assert not [c for c in gc.callbacks if c.__module__ == "dedupe_audit.heap"]


def test_an_audit_gives_the_collector_back_as_it_was(tmp_path):
    from dedupe_audit.audit import run_audit
    from dedupe_audit.config import Config

    (tmp_path / "a.txt").write_text("One paragraph of a page that is long enough to count here.\n",
                                    encoding="utf-8")
    callbacks = list(gc.callbacks)
    result = run_audit([str(tmp_path)], Config())
    assert len(result.documents) == 1
    assert gc.callbacks == callbacks and gc.get_freeze_count() == 0


def test_freezing_for_workers_keeps_a_long_lived_heap_frozen():
    with frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with long_lived_heap():
        with frozen():
            pass
        assert gc.get_freeze_count() > 0  # not rescanned after the workers are done
    assert gc.get_freeze_count() == 0
