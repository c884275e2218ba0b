"""Page dates, era knowledge, staleness verdicts, conflicts and recycled text."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from helpers import SEED_000, SEED_001, assess_pages, date_pages, dated, page, seed, verdicts

from dedupe_audit.config import Config
from dedupe_audit.dating.eras import EraDataError, find_mentions
from dedupe_audit.dating.staleness import load_eras, paragraph_markers
from dedupe_audit.model import (
    BODY,
    Cluster,
    ClusterMember,
    PageDate,
    Paragraph,
    ParagraphRef,
    SegmentedDocument,
)

ROOT = Path(__file__).resolve().parents[2]
# Measured with `python benchmarks/staleness_eval.py` (71 cases): stale precision 0.964,
# recall 1.000, accuracy 0.986. The floors leave a little room for new, harder cases.
STALE_PRECISION_FLOOR = 0.9
STALE_RECALL_FLOOR = 0.9
ACCURACY_FLOOR = 0.9



# --------------------------------------------------------------------------- page dates


def test_metadata_date_wins_and_is_evidenced():
    seg = page(["Some text.", "01.01.24, 10:00 • 5 views"], published="2025-04-25",
               published_source="html-meta")
    (result,) = date_pages([seg])
    assert (result.date, result.source) == ("2025-04-25", "metadata")
    assert result.evidence[0].rule == "meta:html-meta"
    assert result.confidence < 0.9  # the page's own stamp disagrees


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("26.04.25, 09:55 • 7212 views", "2025-04-26"),
        ("Updated: 25 April 2025", "2025-04-25"),
        ("Оновлено 25 квітня 2025, 14:30", "2025-04-25"),
        ("25 апреля 2025, 14:30", "2025-04-25"),
        ("Published 2025-04-25", "2025-04-25"),
        ("KYIV, April 25, 2025 — Ukraine rejected the plan, officials said on Friday.",
         "2025-04-25"),
    ],
)
def test_own_stamps_date_the_page(line, expected):
    seg = page(["Body text of the article goes here.", line])
    (result,) = date_pages([seg])
    assert (result.date, result.source) == (expected, "text")
    assert result.confidence >= 0.6
    evidence = result.evidence[0]
    assert seg.document.text[evidence.start : evidence.end] == evidence.phrase


def test_teaser_alone_dates_weakly():
    seg = page(["An undated article body.", "Other story - Reuters25.04.25, 15:31 • 3643 views"],
               {1: "teaser"})
    (result,) = date_pages([seg])
    assert result.date == "2025-04-25"
    assert result.confidence <= 0.5
    assert [e.rule for e in result.evidence] == ["teaser-date"]
    assert seg.document.text[result.evidence[0].start : result.evidence[0].end] == "25.04.25, 15:31"


def test_teasers_use_the_median_and_stamp_beats_teasers():
    teasers = page(["Body.", "A 20.04.25, 10:00", "B 25.04.25, 10:00", "C 26.04.25, 10:00"],
                   {1: "teaser", 2: "teaser", 3: "teaser"})
    assert date_pages([teasers])[0].date == "2025-04-25"
    stamped = page(["Body.", "10.03.25, 09:00", "Old related story 01.01.24, 10:00"],
                   {2: "teaser"})
    result = date_pages([stamped])[0]
    assert result.date == "2025-03-10"
    assert any("not used" in e.detail for e in result.evidence)


def test_prose_dates_do_not_date_a_page_and_as_of_is_a_last_resort():
    seg = page(["The ceasefire signed on 25 April 2023 collapsed within days, officials said."])
    assert date_pages([seg])[0].date is None
    assert date_pages([seg])[0].source == "undated"
    assert date_pages([seg])[0].evidence
    with_as_of = date_pages([seg], as_of="2025-05-01")[0]
    assert (with_as_of.date, with_as_of.source) == ("2025-05-01", "as-of")
    stamped = page(["Body.", "26.04.25, 09:55"])
    assert date_pages([stamped], as_of="2025-05-01")[0].date == "2025-04-26"
    with pytest.raises(ValueError, match="as_of"):
        date_pages([seg], as_of="May 1st")


# --------------------------------------------------------------------------- era data


def test_shipped_eras_load(eras):
    ids = {f.fact_id for f in eras.facts}
    assert {"us-president-biden", "us-president-trump", "ukraine-president-zelensky",
            "russia-defence-minister-belousov", "nato-secretary-general-rutte"} <= ids
    trump = next(f for f in eras.facts if f.fact_id == "us-president-trump")
    assert [str(t.start) for t in trump.terms] == ["2017-01-20", "2025-01-20"]
    assert trump.terms[-1].end is None


def test_user_file_overrides_and_extends(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[[facts]]
id = "us-national-security-adviser-waltz"
office = "us-national-security-adviser"
holder = "Mike Waltz"
start = "2025-01-20"
end = "2025-05-02"
names = ['(?:Mike\\s+)?Waltz']

[offices.springfield-mayor]
label = "Mayor of Springfield"
titles = ['(?:Springfield\\s+)?Mayor']

[[facts]]
id = "springfield-mayor-quimby"
office = "springfield-mayor"
holder = "Joe Quimby"
start = "2017-05-14"
names = ['(?:Joe\\s+)?Quimby']
""",
        encoding="utf-8",
    )
    eras = load_eras([extra])
    waltz = next(f for f in eras.facts if f.fact_id == "us-national-security-adviser-waltz")
    assert str(waltz.terms[0].end) == "2025-05-02" and waltz.source == str(extra)
    assert [m.fact.holder for m in find_mentions("Springfield Mayor Quimby said", eras)] == [
        "Joe Quimby"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('office = "us-president"\nholder = "X"\nstart = "2025-13-01"\nnames = ["X"]',
         "not an ISO date"),
        ('office = "us-president"\nholder = "X"\nstart = "2025-01-01"\nnames = ["(unclosed"]',
         "bad regex"),
        ('office = "nowhere"\nholder = "X"\nstart = "2025-01-01"\nnames = ["X"]',
         "unknown office"),
        ('office = "us-president"\nholder = "X"\nstart = "2025-01-01"\nend = "2024-01-01"\n'
         'names = ["X"]', "not after start"),
        ('office = "us-president"\nholder = "X"\nstrat = "2025-01-01"\nnames = ["X"]',
         "unknown keys"),
    ],
)
def test_bad_entries_name_file_and_entry(tmp_path, body, problem):
    extra = tmp_path / "bad.toml"
    extra.write_text(f'[[facts]]\nid = "broken-fact"\n{body}\n', encoding="utf-8")
    with pytest.raises(EraDataError) as err:
        load_eras([extra])
    assert str(extra) in str(err.value) and "broken-fact" in str(err.value)
    assert problem in str(err.value)


def test_bad_cue_is_an_error(tmp_path):
    extra = tmp_path / "cues.toml"
    extra.write_text('[[cues]]\nid = "odd"\nwhere = "around"\npattern = "x"\n', encoding="utf-8")
    with pytest.raises(EraDataError, match="odd"):
        load_eras([extra])


# --------------------------------------------------------------------------- markers


def test_markers_carry_document_spans_and_fact_dates(eras):
    seg = page(["Intro line.", "Держсекретар США Ентоні Блінкен прибув до Києва."])
    (_, second) = verdicts(seg, "2025-04-25", eras)
    assert second.verdict == "stale"
    marker = second.markers[0]
    assert seg.document.text[marker.start : marker.end] == marker.phrase
    assert (marker.fact, marker.valid_from, marker.valid_to) == (
        "US secretary of state: Antony Blinken", "2021-01-26", "2025-01-21")
    assert second.gap_days == 94


@pytest.mark.parametrize(
    "text",
    [
        "Former President Joe Biden said Ukraine must not be abandoned.",
        "The move reverses the Biden administration's 2023 decision on cluster munitions.",
        "Then-Secretary of State Antony Blinken visited Kyiv.",
        "Обама, який тоді був президентом, не надав Україні зброї.",
        "Тогдашний госсекретарь США Энтони Блинкен посетил Киев.",
        "Russia has held the region since the 2022 invasion.",
    ],
)
def test_retrospective_mentions_are_not_stale(eras, text):
    (result,) = verdicts(page([text]), "2025-04-25", eras)
    assert result.verdict == "undetermined"


def test_anchored_year_expression(eras):
    text = "Both parties are preparing for next year's 2024 elections."
    assert verdicts(page([text]), "2025-04-25", eras)[0].verdict == "stale"
    assert verdicts(page([text]), "2023-04-25", eras)[0].verdict == "current"


def test_relative_expressions_are_resolved_but_do_not_decide(eras):
    (result,) = verdicts(page(["Talks continue this week in Riyadh."]), "2025-04-25", eras)
    assert result.verdict == "undetermined"
    assert result.markers[0].valid_from == "2025-04-21"


def test_newest_era_outvotes_older_in_one_paragraph(eras):
    text = "The Trump administration reversed the Biden administration's arms policy."
    (result,) = verdicts(page([text]), "2025-03-15", eras)
    assert result.verdict == "current"
    assert "retrospective" in result.explanation


# --------------------------------------------------------------------------- blocks


def test_block_inheritance_only_inside_a_foreign_block(eras):
    """A block opened by another outlet's dateline is pasted text: its era evidence speaks,
    weaker, for its other paragraphs. The page's own story inherits nothing."""
    pasted = page([
        "Kyiv talks resume as officials meet.",
        "WASHINGTON (Reuters) - But the Biden administration has been hesitant to offer such"
        " guarantees.",
        "This fundamental disagreement over war aims has complicated discussions.",
        "A separate story with no era markers at all.",
    ])
    _, own, inherited, alone = verdicts(pasted, "2025-04-25", eras, blocks=[0, 1, 1, 2])
    assert (own.verdict, inherited.verdict, alone.verdict) == ("stale", "stale", "undetermined")
    assert inherited.confidence < own.confidence
    assert inherited.markers[0].phrase == "Biden administration"
    assert "block" in inherited.explanation
    story = page([
        "But the Biden administration has been hesitant to offer such guarantees.",
        "This fundamental disagreement over war aims has complicated discussions.",
    ])
    own, neighbour = verdicts(story, "2025-04-25", eras, blocks=[0, 0])
    assert (own.verdict, neighbour.verdict) == ("stale", "undetermined")


def test_inheritance_stops_at_a_paragraph_with_its_own_evidence(eras):
    seg = page([
        "Opening line of the host page.",
        "WASHINGTON (Reuters) - The Biden administration is weighing new sanctions.",
        "Former President Barack Obama spoke at the event.",
        "No marker in this paragraph.",
    ])
    _, own, retro, beyond = verdicts(seg, "2025-04-25", eras, blocks=[0, 1, 1, 1])
    assert own.verdict == "stale"
    assert retro.verdict == "undetermined" and "retrospective" in retro.explanation
    assert beyond.verdict == "undetermined"


def test_a_paragraph_that_knows_a_later_year_inherits_nothing(eras):
    """A writer's own paragraph left inside a pasted block ("faster than in 2024") was
    written after the block's era: the block's markers do not speak for it. A plan for a
    later year ("will be finished by 2030") is no such knowledge."""
    seg = page([
        "Opening line of the host page.",
        "WASHINGTON (Reuters) - Defense Secretary Jim Mattis is weighing new deployments.",
        "Officials say results will be posted faster than in 2024.",
        "The new depot is expected to be finished by 2030.",
        "Since 2021 the state has counted ballots by hand.",
    ])
    _, own, compared, plan, since = verdicts(seg, "2026-03-02", eras, blocks=[0, 1, 1, 1, 1])
    assert own.verdict == "stale"
    assert compared.verdict == "undetermined" and "after the block's era" in compared.explanation
    assert plan.verdict == "stale" and "block" in plan.explanation
    assert since.verdict == "undetermined"


def test_boilerplate_is_never_stale(eras):
    seg = page(["President Joe Biden visits Kyiv 20.02.23, 10:00", "Body text."],
               {0: "teaser"})
    first, _ = verdicts(seg, "2025-04-25", eras, blocks=[0, 0])
    assert first.verdict == "undetermined" and "boilerplate" in first.explanation


def test_undated_page_is_undetermined(eras):
    seg = page(["President Joe Biden said on Tuesday."])
    report = assess_pages([seg], [PageDate(None, "undated", 0.0)], (), [(0,)], eras)
    assert report.per_paragraph[0][0].verdict == "undetermined"


# --------------------------------------------------------------------------- conflicts


def test_two_sitting_presidents_conflict(eras):
    seg = page(["President Joe Biden said on Tuesday.", "Body.",
                "US President Donald Trump said on Friday."])
    report = assess_pages([seg], [dated("2025-04-25")], (), [(0, 1, 2)], eras)
    (conflict,) = report.conflicts
    assert (conflict.first_paragraph, conflict.second_paragraph) == (0, 2)
    assert {conflict.first.fact, conflict.second.fact} == {
        "US president: Joe Biden", "US president: Donald Trump"}


def test_same_holder_two_terms_and_different_offices_do_not_conflict(eras):
    seg = page(["President Donald Trump met NATO Secretary General Mark Rutte.",
                "Secretary of State Marco Rubio attended."])
    assert assess_pages([seg], [dated("2025-04-25")], (), [(0, 1)], eras).conflicts == ()


# --------------------------------------------------------------------------- recycled


def _cluster(*refs: ParagraphRef) -> Cluster:
    members = tuple(ClusterMember(r, 1.0, 100.0) for r in refs)
    return Cluster("C0001", "exact", members, (), 1.0, "fp")


def test_recycled_against_an_older_dated_copy(eras):
    text = "Ukrainian officials declined to comment on specific details of the talks."
    old, new = page([text], reference=True), page(["Intro.", text])
    clusters = [_cluster(ParagraphRef(0, 0), ParagraphRef(1, 1))]
    report = assess_pages([old, new], [dated("2024-06-01"), dated("2025-04-25")], clusters,
                          [(0,), (0, 0)], eras)
    (found,) = report.recycled
    assert (found.ref, found.older) == (ParagraphRef(1, 1), ParagraphRef(0, 0))
    assert (found.older_date, found.page_date, found.gap_days) == (
        "2024-06-01", "2025-04-25", 328)
    close = assess_pages([old, new], [dated("2025-03-01"), dated("2025-04-25")], clusters,
                         [(0,), (0, 0)], eras, recycled_days=180)
    assert close.recycled == ()
    as_of = PageDate("2024-01-01", "as-of", 0.3)
    assert assess_pages([old, new], [as_of, dated("2025-04-25")], clusters, [(0,), (0, 0)],
                        eras).recycled == ()


# --------------------------------------------------------------------------- labels


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "staleness_eval", ROOT / "benchmarks" / "staleness_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_labelled_cases_meet_the_floor():
    bench = _benchmark()
    cases = bench.load_cases()
    assert len(cases) >= 40 and {c["lang"] for c in cases} == {"en", "uk", "ru"}
    scores, accuracy, _ = bench.evaluate(cases)
    stale = next(s for s in scores if s.verdict == "stale")
    assert stale.precision >= STALE_PRECISION_FLOOR
    assert stale.recall >= STALE_RECALL_FLOOR
    assert accuracy >= ACCURACY_FLOOR


# --------------------------------------------------------------------------- seeds

CNN_FIRST = "CNN — While US officials"
CNN_LAST = '"We are grateful to the United States'


def _cnn_run(seg: SegmentedDocument) -> range:
    texts = [p.text for p in seg.paragraphs]
    first = next(i for i, t in enumerate(texts) if t.startswith(CNN_FIRST))
    last = next(i for i, t in enumerate(texts) if t.startswith(CNN_LAST))
    return range(first, last + 1)


def _hand_blocks(seg: SegmentedDocument) -> tuple[int, ...]:
    """Blocks as a reader sees them: the CNN run is one, every other paragraph its own."""
    run = _cnn_run(seg)
    return tuple(run.start if i in run else 10_000 + i for i in range(len(seg.paragraphs)))


@pytest.fixture(scope="module")
def seeds():
    return [seed(SEED_000), seed(SEED_001)]


def _check_seeds(segs, report, page_dates):
    assert [d.date for d in page_dates] == ["2025-04-26", "2025-04-25"]
    assert "26.04.25, 09:55" in [e.phrase for e in page_dates[0].evidence]
    assert [(e.rule, e.phrase) for e in page_dates[1].evidence] == [
        ("teaser-date", "25.04.25, 15:31")]
    for seg, results, day in zip(segs, report.per_paragraph, ["2025-04-26", "2025-04-25"],
                                 strict=True):
        run = _cnn_run(seg)
        assert len(run) >= 10
        for i in run:
            result = results[i]
            assert result.verdict == "stale", seg.paragraphs[i].text[:60]
            assert result.page_date == day
            biden = [m for m in result.markers if m.phrase == "Biden administration"]
            assert biden and (biden[0].valid_from, biden[0].valid_to) == (
                "2021-01-20", "2025-01-20")
        for para, result in zip(seg.paragraphs, results, strict=True):
            if not para.is_body:
                assert result.verdict != "stale"
    texts0 = [p.text for p in segs[0].paragraphs]
    nyt = next(i for i, t in enumerate(texts0) if "President JD Vance this week" in t)
    assert report.per_paragraph[0][nyt].verdict == "current"
    texts1 = [p.text for p in segs[1].paragraphs]
    kellogg = next(i for i, t in enumerate(texts1) if "Keith Kellogg" in t)
    assert report.per_paragraph[1][kellogg].verdict == "current"
    glued = next(i for i, t in enumerate(texts1) if CNN_FIRST in t and len(t) > 2000)
    assert report.per_paragraph[1][glued].verdict == "stale"
    for doc in (0, 1):
        facts = {frozenset((c.first.fact, c.second.fact)) for c in report.conflicts
                 if c.doc == doc}
        assert frozenset(("US president: Joe Biden", "US president: Donald Trump")) in facts


def test_seed_acceptance_with_hand_blocks(seeds, eras):
    page_dates = date_pages(seeds)
    blocks = [_hand_blocks(s) for s in seeds]
    _check_seeds(seeds, assess_pages(seeds, page_dates, (), blocks, eras), page_dates)


def test_seed_acceptance_through_the_pipeline(seeds, eras):
    from dedupe_audit.dedup.detect import detect_duplicates
    from dedupe_audit.provenance.blocks import find_blocks

    clusters = detect_duplicates(seeds, Config())
    blocks = [find_blocks(s, i, clusters) for i, s in enumerate(seeds)]
    page_dates = date_pages(seeds)
    report = assess_pages(seeds, page_dates, clusters, blocks, eras)
    _check_seeds(seeds, report, page_dates)
    assert report.recycled == ()  # the copies are one day apart


def test_era_knowledge_carries_its_screens(eras):
    """The literal screen is built with the registry and the joint screen of time rules and era
    facts with the run's DatingKnowledge; a hand-made registry without a screen answers the same."""
    import dataclasses
    from datetime import date

    from dedupe_audit.dating.eras import screened_facts
    from dedupe_audit.dating.staleness import DatingKnowledge

    assert eras.screen is not None and screened_facts(eras) is eras.screen.facts
    bare = dataclasses.replace(eras, screen=None)  # made by hand: its screen is built when asked
    assert bare.joint_screens == [] and bare == eras
    knowledge = DatingKnowledge.of(eras)
    assert knowledge.eras is eras and DatingKnowledge.of(eras, knowledge.lang).screen is knowledge.screen
    texts = ("President Joe Biden says the talks will go on.",  # present tense: a clue
             "Прем'єр-міністр Шмигаль заявляє про нові кроки.", "Nothing about any office here.")
    assert find_mentions(texts[0], bare) == find_mentions(texts[0], eras) != ()
    for text in texts:
        para = Paragraph(0, 0, len(text), 1, 1, text, BODY, None)
        found = paragraph_markers(para, date(2025, 4, 25), knowledge)
        assert bool(found.clues) == (text != texts[-1]), text
