"""Provenance: credit lines that say who wrote a story, and those that only say who helped.

A wire naming its own writers who contributed ("Associated Press writer Jane Doe contributed")
credits the wire with the story; an organisation that contributed does not. All cases are
written here (none is copied from an eval set).
"""

from __future__ import annotations

import pytest
from test_tracing import outlets_of, rules_of, trace_one

from dedupe_audit.provenance.cues import CueError, load_cues
from dedupe_audit.provenance.outlets import RegistryError, load_registry

STORY = [
    "KARACHI – The port authority said on Tuesday that the new terminal would open before winter.",
    "Engineers have inspected the main crane twice this month and found no faults, it added.",
    "Dock workers have waited nearly a decade for the expansion to be finished.",
]



# ------------------------------------------------------------------ contributors


@pytest.mark.parametrize("credit", [
    "[wire-credit] Associated Press writer Jane Roe in Lahore, Pakistan, contributed to this report.",
    "Associated Press writers John Doe and Jane Roe in Washington, D.C., contributed to this report.",
    "Doe reported from Karachi. Associated Press writers John Roe and Mary Major in Washington contributed.",
])
def test_wire_writers_who_contributed_make_the_story_the_wires(credit):
    found = trace_one([*STORY, credit], site="foxnews.com")
    assert outlets_of(found)[:3] == ["AP"] * 3
    assert all(e.rule == "inherited:wire-staff-contributed" for p in found[:3] for e in p.evidence[:1])


def test_wire_as_an_organisation_that_contributed_stays_a_contributor():
    found = trace_one([*STORY, "Fox News' John Doe and The Associated Press contributed to this report."],
                  site="foxnews.com")
    assert outlets_of(found)[:3] == ["Fox News"] * 3


def test_newspaper_staff_who_contributed_name_no_author():
    """"The Washington Post's ..." under another paper's story: a contributor (author_kinds)."""
    found = trace_one([*STORY, "Washington Post reporter Jane Roe in Helsinki contributed to this report."],
                  site="sfgate.com")
    assert outlets_of(found)[:3] == ["San Francisco Chronicle"] * 3
    assert "contributed to the report: The Washington Post (not the author)" in found[3].evidence[-1].detail


def test_own_byline_above_keeps_the_story_with_its_author():
    found = trace_one(["By Jane Doe, Reuters", *STORY,
                   "Associated Press writer John Roe in Lahore contributed to this report."],
                  site="dispatch.com")
    assert outlets_of(found)[1:4] == ["Reuters"] * 3


def test_writer_who_merely_said_something_is_no_credit():
    found = trace_one([*STORY, "Associated Press writer Jane Roe said. The fund contributed $5 million."],
                  site="foxnews.com")
    assert outlets_of(found)[:3] == ["Fox News"] * 3


def test_author_kinds_must_be_registry_kinds(tmp_path):
    extra = tmp_path / "cues.toml"
    extra.write_text('[[cue]]\nname = "mine"\npattern = "{outlet} helped"\nauthor_kinds = ["blog"]\n',
                     encoding="utf-8")
    with pytest.raises(CueError, match="author_kinds"):
        load_cues(load_registry(), (str(extra),))


# ------------------------------------------------------------------ bylines naming a paper


@pytest.mark.parametrize(("byline", "paper"), [
    ("By The Hudson Sentinel", "The Hudson Sentinel"),
    ("[byline] By Jane Doe | The Valley Courier", "The Valley Courier"),
    ("BY JANE DOE, Riverside Ledger-Star", "Riverside Ledger-Star"),
    ("By Jane Doe / Valley Courier", "Valley Courier"),
])
def test_byline_names_a_paper_the_registry_lacks(byline, paper):
    found = trace_one(["Terminal to open before winter", byline, *STORY], site="nj.com")
    assert outlets_of(found)[2:] == [paper] * 3
    assert rules_of(found[2]) == ["inherited:byline-open-world"]


@pytest.mark.parametrize("byline", [
    "By Jane Doe, Staff Writer", "By The Numbers", "By Jane Doe | July 15, 2018 3:21 PM EDT",
    "By Jane Doe, Special to The Sun",
    "By Tim Post", "By Jane Doe, Tim Post",  # a writer whose surname is a title word
])
def test_byline_naming_no_paper_leaves_the_page_its_own(byline):
    found = trace_one(["Terminal to open before winter", byline, *STORY], site="nj.com")
    assert outlets_of(found)[2:] == ["NJ.com"] * 3


def test_byline_naming_a_registered_paper_is_the_cue_rules_business():
    found = trace_one(["Terminal to open before winter", "By The Associated Press", *STORY], site="nj.com")
    assert outlets_of(found)[2:] == ["AP"] * 3
    assert not any("byline-open-world" in rules_of(p) for p in found)


# ------------------------------------------------------------------ reposts "via" an outlet


@pytest.mark.parametrize("credit", [
    "[byline] Authored by Jane Doe via Oilwatch.com,",
    "Submitted by Jane Doe and John Roe, via Oilwatch.com:",
])
def test_repost_credit_names_the_outlet_after_via(credit):
    found = trace_one([credit, *STORY], site="zerohedge.com")
    assert outlets_of(found)[1:] == ["Oilwatch.com"] * 3
    assert found[1].via == ("ZeroHedge",)


def test_repost_via_a_platform_names_no_outlet():
    found = trace_one(["Authored by Jane Doe via Twitter,", *STORY], site="zerohedge.com")
    assert outlets_of(found)[1:] == ["ZeroHedge"] * 3


def test_repost_via_a_registered_outlet_resolves_it():
    found = trace_one(["[byline] Authored by Jane Doe via RT,", *STORY], site="zerohedge.com")
    assert outlets_of(found)[1:] == ["RT"] * 3


# ------------------------------------------------------------------ quotations introduced by an outlet

BLOG = [
    "I doubt the port will be ready by winter, and nobody in the city believes it either.",
    "Frankly the whole plan looks like a press release dressed up as a policy.",
]


@pytest.mark.parametrize(("intro", "outlet"), [
    ("The port authority keeps promising. Per Reuters:", "Reuters"),
    ("Nobody believes it. According to a Bloomberg tally:", "Bloomberg"),
    ("As CNN reported last month, the cranes were late. But as the network pointed out:", "CNN"),
    ("Порт обіцяє відкриття взимку. Як повідомляє Bloomberg:", "Bloomberg"),
    ("Порт обещает открытие зимой. Как сообщает ТАСС:", "TASS"),
])
def test_paragraph_under_an_introduction_naming_an_outlet_is_its_text(intro, outlet):
    found = trace_one([BLOG[0], intro, STORY[1], BLOG[1]], site="hotair.com")
    assert outlets_of(found) == ["Hot Air", "Hot Air", outlet, "Hot Air"]
    assert found[2].role == "quote" and rules_of(found[2]) == ["quote-intro"]


def test_quotation_over_several_paragraphs_runs_to_its_closing_mark():
    found = trace_one([BLOG[0], "Per Reuters:", "“The terminal will open before winter,",
                   "“and the cranes are already on site,", "“the authority said.”", BLOG[1]],
                  site="hotair.com")
    assert outlets_of(found) == ["Hot Air", "Hot Air", "Reuters", "Reuters", "Reuters", "Hot Air"]


@pytest.mark.parametrize("intro", [
    "The mayor told CNN:",  # the speaker's words, not CNN's text
    "The mayor said on Tuesday:",  # no outlet
    "Per Reuters, the port is late. The mayor disagreed, and he said so in a long statement:",
    "Reuters says the port is late.",  # no colon: no quotation follows
])
def test_introduction_naming_no_quoted_outlet_credits_nothing(intro):
    found = trace_one([BLOG[0], intro, STORY[1], BLOG[1]], site="hotair.com")
    assert found[2].outlet == "Hot Air"


def test_dateline_over_a_colon_goes_on_with_its_story():
    found = trace_one(["WASHINGTON (AP) — The port authority said in a statement on Tuesday:",
                   "“The terminal will open before winter.”", STORY[2]], site="dispatch.com")
    assert outlets_of(found) == ["AP"] * 3
    assert found[1].role == "reported" and rules_of(found[1]) == ["inherited:dateline-parenthesised"]


# ------------------------------------------------------------------ posts signed by an outlet's account


def test_post_signed_by_a_shows_account_is_the_outlets():
    found = trace_one([BLOG[0], "The minister tells @janeroe the port opens before winter pic.twitter.com/x1",
                   "[embed-credit] — Sunday Morning Talk (@ThisWeekABC) July 15, 2018", BLOG[1]],
                  site="hotair.com")
    assert outlets_of(found) == ["Hot Air", "ABC News", None, "Hot Air"]
    assert rules_of(found[1]) == ["embedded-post-account"]


def test_persons_account_with_an_outlets_letters_is_no_outlets():
    """Handles are listed per outlet: a reporter's own account is not matched by its letters."""
    found = trace_one([BLOG[0], "The port opens before winter, the minister says.",
                   "— Jane Roe (@JaneRoeCNN) July 15, 2018", BLOG[1]], site="hotair.com")
    assert outlets_of(found) == ["Hot Air"] * 4


def test_handle_claimed_by_two_outlets_is_refused(tmp_path):
    extra = tmp_path / "outlets.toml"
    extra.write_text('[[outlet]]\nname = "Harbour Radio"\nkind = "broadcaster"\n'
                     'handles = ["thisweekabc"]\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="handle 'thisweekabc' already belongs to 'ABC News'"):
        load_registry([str(extra)])


# ------------------------------------------------------------------ republication notices


@pytest.mark.parametrize(("notice", "outlet"), [
    ("This story was originally published at The Washington Post. Read it here.", "The Washington Post"),
    ("[source-label] Republished with permission from Reuters.", "Reuters"),
    ("(Originally published by Bloomberg)", "Bloomberg"),
    ("Вперше опубліковано на сайті Радіо Свобода.", "Radio Free Europe/Radio Liberty"),
    ("Впервые опубликовано на сайте ТАСС.", "TASS"),
])
def test_republication_notice_credits_the_story_above_it(notice, outlet):
    found = trace_one([*STORY, notice], site="seattletimes.com")
    assert outlets_of(found)[:3] == [outlet] * 3


@pytest.mark.parametrize("line", [
    "The memoir, first published in The New York Times in 1987, sold well.",
    "Originally published July 14, 2018 at 6:54 pm",
])
def test_first_publication_in_passing_credits_nothing(line):
    found = trace_one([*STORY, line], site="seattletimes.com")
    assert outlets_of(found)[:3] == ["The Seattle Times"] * 3
