import dataclasses

from dedupe_audit.ci import baseline
from dedupe_audit.ci.findings import collect
from dedupe_audit.ci.gate import evaluate
from dedupe_audit.config import Config
from dedupe_audit.model import Staleness
from dedupe_audit.pipeline import run_audit

SHARED = ("The regional council approved a new plan on Monday to rebuild the old harbour bridge, "
          "which has been closed to heavy traffic since the storms of last winter damaged it.")
OTHER = ("Farmers in the northern valleys report that the late frost destroyed most of the apple "
         "blossom this year, and prices at the local market are expected to rise sharply.")
THIRD = "A quiet afternoon in the park, where children played football and their parents chatted for hours."


def result_for(tmp_path, pages: dict[str, str], config: Config | None = None):
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return run_audit([str(tmp_path / name) for name in sorted(pages)], config or Config())


def with_stale(result, doc: int, index: int):
    """Mark one paragraph stale by hand (the staleness stage may not run in this test)."""
    rows = []
    for d, report in enumerate(result.documents):
        rows.append(tuple(
            Staleness("stale" if (d, p.index) == (doc, index) else "current", None, 400 if (d, p.index)
                      == (doc, index) else None, 0.9, "era ended 400 days before the page date")
            for p in report.paragraphs
        ))
    summary = dataclasses.replace(result.summary, stale=1)
    return dataclasses.replace(result, staleness=tuple(rows), summary=summary)


def test_duplicates_fail_by_default_and_name_locations(tmp_path):
    result = result_for(tmp_path, {"a.txt": f"{SHARED}\n\n{OTHER}\n", "b.txt": f"{THIRD}\n\n{SHARED}\n"})
    outcome = evaluate(collect(result), result.summary, Config())
    assert not outcome.passed
    failed = {r.rule: r for r in outcome.failed}
    assert set(failed) == {"fail-on duplicate"}
    assert failed["fail-on duplicate"].measured == "1 findings"
    assert any(o.endswith("a.txt:1") for o in failed["fail-on duplicate"].offenders)
    assert any(o.endswith("b.txt:3") for o in failed["fail-on duplicate"].offenders)


def test_thresholds_and_min_similarity(tmp_path):
    result = result_for(tmp_path, {"a.txt": f"{SHARED}\n\n{OTHER}\n", "b.txt": f"{THIRD}\n\n{SHARED}\n"})
    findings = collect(result)
    lenient = Config(fail_on=(), max_clusters=1, max_duplicated_share=0.5)
    outcome = evaluate(findings, result.summary, lenient)
    assert outcome.passed and {r.rule for r in outcome.rules} == {"max-clusters", "max-duplicated-share"}
    share = next(r for r in outcome.rules if r.rule == "max-duplicated-share")
    assert share.measured == "50.0%"  # 2 of 4 body paragraphs
    strict = evaluate(findings, result.summary, Config(fail_on=(), max_clusters=0, max_duplicated_share=0.4))
    assert {r.rule for r in strict.failed} == {"max-clusters", "max-duplicated-share"}
    # exact copies have similarity 1.0; a minimum above that would ignore them
    assert evaluate(findings, result.summary, Config(min_similarity=1.0)).failed
    assert all(f.similarity == 1.0 for f in findings if f.category == "duplicate")


def test_stale_rules_on_a_hand_built_result(tmp_path):
    result = with_stale(result_for(tmp_path, {"a.txt": f"{THIRD}\n\n{OTHER}\n"}), 0, 1)
    findings = [f for f in collect(result) if f.category != "unknown-provenance"]
    assert [f.rule for f in findings] == ["stale"]
    outcome = evaluate(findings, result.summary, Config(fail_on=("stale",)))
    assert [r.rule for r in outcome.failed] == ["fail-on stale"]
    assert outcome.failed[0].offenders[0].endswith("a.txt:3")
    assert evaluate(findings, result.summary, Config(fail_on=(), max_stale=1)).passed
    assert not evaluate(findings, result.summary, Config(fail_on=(), max_stale=0)).passed


def test_baseline_counts_only_new_findings(tmp_path):
    pages = {"a.txt": f"{SHARED}\n\n{OTHER}\n", "b.txt": f"{THIRD}\n\n{SHARED}\n"}
    first = collect(result_for(tmp_path, pages))
    entries = baseline.build(first)
    (tmp_path / "c.txt").write_text(f"{OTHER}\n\nSomething new about a ferry timetable change today.\n")
    result = run_audit([str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")], Config())
    findings = collect(result)
    outcome = evaluate(findings, result.summary, Config(), baseline.compare(findings, entries))
    assert outcome.baseline
    assert [f.rule for f in outcome.known if f.category == "duplicate"] == ["exact-duplicate"]
    [new] = [f for f in outcome.counted if f.category == "duplicate"]
    assert new.excerpt == OTHER
    assert not outcome.passed and outcome.failed[0].rule == "fail-on duplicate"
