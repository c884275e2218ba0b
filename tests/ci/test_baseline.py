import json

import pytest

from dedupe_audit.ci import baseline
from dedupe_audit.ci.findings import collect
from dedupe_audit.config import Config
from dedupe_audit.pipeline import run_audit

A = ("The regional council approved a new plan on Monday to rebuild the old harbour bridge, "
     "which has been closed to heavy traffic since the storms of last winter damaged it.")
B = ("Farmers in the northern valleys report that the late frost destroyed most of the apple "
     "blossom this year, and prices at the local market are expected to rise sharply.")
FILLER = "An unrelated line about the weather at the seaside, sunny with a light breeze all day long."


def findings_of(tmp_path, pages, order=None):
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    names = order or sorted(pages)
    return [f for f in collect(run_audit([str(tmp_path / n) for n in names], Config()))
            if f.category == "duplicate"]


def test_fingerprints_survive_inserted_lines_and_file_order(tmp_path):
    pages = {"x.txt": f"{A}\n\n{B}\n", "y.txt": f"{B}\n\n{A}\n"}
    before = {f.fingerprint for f in findings_of(tmp_path, pages)}
    shifted = {"x.txt": f"{FILLER}\n\nA short second line.\n\n{A}\n\n{B}\n", "y.txt": f"{B}\n\n{A}\n"}
    after = {f.fingerprint for f in findings_of(tmp_path, shifted, order=["y.txt", "x.txt"])}
    assert before == after and len(before) == 2


def test_dump_is_sorted_versioned_and_round_trips(tmp_path):
    entries = baseline.build(findings_of(tmp_path, {"x.txt": f"{A}\n\n{B}\n", "y.txt": f"{B}\n\n{A}\n"}))
    path = tmp_path / "base.json"
    baseline.save(str(path), entries)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["version"] == baseline.BASELINE_VERSION
    assert [f["fingerprint"] for f in data["findings"]] == sorted(f["fingerprint"] for f in data["findings"])
    assert all("label" in f and "note" in f for f in data["findings"])
    assert baseline.load(str(path)) == entries
    assert baseline.dumps(baseline.load(str(path))) == text


def test_update_keeps_labels_and_new_copies_are_new(tmp_path):
    pages = {"x.txt": f"{A}\n\n{B}\n", "y.txt": f"{B}\n\n{A}\n"}
    path = tmp_path / "base.json"
    baseline.save(str(path), baseline.build(findings_of(tmp_path, pages)))
    data = json.loads(path.read_text())
    data["findings"][0]["label"] = "accepted"
    data["findings"][0]["note"] = "syndicated on purpose"
    path.write_text(json.dumps(data))
    previous = baseline.load(str(path))

    pages["z.txt"] = f"{FILLER}\n\n{A}\n"
    current = findings_of(tmp_path, pages)
    comparison = baseline.compare(current, previous)
    [grown] = comparison.new
    assert [o.path.rsplit("/", 1)[-1] for o in grown.occurrences] == ["z.txt"]
    assert len(comparison.known) == 1 and not comparison.gone

    updated = baseline.build(current, previous)
    labelled = [e for e in updated if e.label == "accepted"]
    assert len(labelled) == 1 and labelled[0].note == "syndicated on purpose"
    assert baseline.compare(current, updated).new == ()


def test_disappeared_findings_are_reported(tmp_path):
    previous = baseline.build(findings_of(tmp_path, {"x.txt": f"{A}\n\n{B}\n", "y.txt": f"{B}\n\n{A}\n"}))
    current = findings_of(tmp_path, {"x.txt": f"{A}\n", "y.txt": f"{FILLER}\n\n{A}\n"})
    comparison = baseline.compare(current, previous)
    assert len(comparison.gone) == 1 and comparison.gone[0].excerpt.startswith("Farmers")
    assert comparison.new == ()


@pytest.mark.parametrize("content", ["{", '{"version": 99, "findings": []}', '{"version": 1}'])
def test_bad_baseline_files_are_errors_naming_the_file(tmp_path, content):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(baseline.BaselineError, match="b.json"):
        baseline.load(str(path))
