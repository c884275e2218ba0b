"""Provenance: where on a page a credit stands decides what it speaks for.

A picture's caption credits the picture, not the story around it; an outlet's name alone in
the page head (the byline slot) credits the story; a wire's text credit closing a gallery
blurb credits it on an aggregator's page; an embedded post's signature credits that post
only, and a quoted post's copies on other pages decide nothing. All cases are written here.
"""

from __future__ import annotations

import pytest
from helpers import trace_pages
from test_tracing import cluster, make_doc, outlets_of, rules_of, trace_one

from dedupe_audit.provenance.cues import CueError, load_cues
from dedupe_audit.provenance.outlets import load_registry

STORY = [
    "The mayor said on Tuesday that the new bridge would open to traffic before the winter.",
    "Engineers have inspected the main span twice this month and found no faults, she added.",
    "Residents on both banks have waited nearly a decade for the crossing to be finished.",
]



# ------------------------------------------------------------------ captions


def test_caption_copyright_does_not_credit_the_opinion_piece_below_it():
    found = trace_one([
        "What the summit should settle first",
        "[photo-caption] FILE - In this file photo, two leaders shake hands in Hamburg, Germany."
        " (AP Photo/Jane Roe, File) (Copyright 2017 The Associated Press. All rights reserved.)",
        *STORY,
    ], site="foxnews.com")
    assert outlets_of(found)[2:] == ["Fox News"] * 3
    assert all(rules_of(p) == ["own-site"] for p in found[2:])


def test_caption_kept_as_body_credits_only_itself():
    found = trace_one([
        "A caption the furniture rules missed: the leaders meet in Hamburg. (AP Photo/Jane Roe,"
        " File) Copyright 2017 The Associated Press.",
        *STORY,
    ], site="foxnews.com")
    assert found[0].outlet == "AP"  # the caption's own credit
    assert outlets_of(found)[1:] == ["Fox News"] * 3


def test_name_with_wire_tag_under_a_headline_is_a_photo_credit():
    found = trace_one([
        "Veteran reporter says the probe is no witch hunt",
        "[photo-caption] Jane Roe (AP)",
        "[byline] By John Smith | Sunday, 15 July 2018 09:27 PM",
        *STORY,
    ], site="newsmax.com")
    assert outlets_of(found)[3:] == ["Newsmax"] * 3


def test_dateline_with_wire_tag_still_credits_its_story():
    found = trace_one(["WASHINGTON (AP) — The Senate passed the bill late on Friday night.", *STORY],
                  site="newsmax.com")
    assert outlets_of(found) == ["AP"] * 4


def test_dateline_filed_from_two_places():
    found = trace_one(["TURNBERRY/GLASGOW, Scotland (Reuters) - The leaders met on Saturday.", *STORY],
                  site="yahoo.com")
    assert outlets_of(found) == ["Reuters"] * 4


def test_byline_taken_for_a_photo_credit_still_credits_the_story():
    found = trace_one([
        "Leaders prepare for a tense meeting",
        "[photo-credit] Jane Roe, Associated Press",
        *STORY,
    ], site="chron.com")
    assert outlets_of(found)[2:] == ["AP"] * 3


# ------------------------------------------------------------------ the byline slot


def test_outlet_name_alone_under_the_headline_credits_an_aggregators_story():
    found = trace_one([
        "Leaders prepare for a tense meeting",
        "Bloomberg",
        "•",
        "[written-timestamp] July 13, 2018",
        *STORY,
    ], site="yahoo.com")
    assert found[1].outlet == "Bloomberg" and rules_of(found[1]) == ["outlet-alone-in-head"]
    assert outlets_of(found)[4:] == ["Bloomberg"] * 3


@pytest.mark.parametrize(("name", "outlet", "story"), [
    ("Інтерфакс-Україна", "Interfax-Ukraine",
     ["У Києві в середу відкрили новий міст через Дніпро для руху транспорту.",
      "Будівництво тривало майже десять років, повідомили в міській адміністрації."]),
    ("РИА Новости", "RIA Novosti",
     ["В Москве в среду открыли новый мост через реку для движения транспорта.",
      "Строительство продолжалось почти десять лет, сообщили в мэрии города."]),
])
def test_outlet_name_alone_in_the_head_uk_ru(name, outlet, story):
    found = trace_one(["Новий міст відкрили", name, *story])
    assert outlets_of(found)[2:] == [outlet] * 2


def test_outlet_name_with_its_publication_stamp_credits_a_network_papers_story():
    """A network paper's page carrying the national desk's story names that desk in the byline
    slot with its stamp; the page's own site is only the relay."""
    found = trace_one([
        "Leaders prepare for a tense meeting",
        "[posted-at] USA TODAY Published 4:57 a.m. CT July 16, 2018",
        *STORY,
    ], site="tennessean.com")
    assert outlets_of(found)[2:] == ["USA Today"] * 3
    # a stamp with no outlet's name before it credits nothing
    found = trace_one(["Leaders prepare for a tense meeting",
                   "[posted-at] Staff Published 4:57 a.m. CT July 16, 2018", *STORY],
                  site="tennessean.com")
    assert "USA Today" not in outlets_of(found)


def test_byline_slot_under_a_cut_headline_over_a_cut_story():
    """A title cut short ("...") ends no sentence; a story the scraper cut mid-sentence is
    still the story under the head."""
    cut_story = " ".join(STORY)[:-40]
    found = trace_one([
        "Mayor says the new bridge will open before the winter despite the...",
        "Reuters•",
        "[written-timestamp] July 13, 2018",
        cut_story,
    ], site="yahoo.com")
    assert found[3].outlet == "Reuters"


def test_caption_credit_without_brackets_is_not_the_story_start():
    """A long caption closed by a wire's credit with no brackets is still a caption: the
    wire's name under the headline below it is the story's byline slot."""
    caption = ("The mayor walks across the unfinished span of the new bridge with engineers and"
               " city officials on Sunday, July 15, 2018, on the eve of the vote on the final"
               " budget for the works. PA via AP Jane Roe")
    found = trace_one([
        "Bridge to open before the winter",
        caption,
        "Bridge to open before the winter",
        "[headline-among-furniture] The Associated Press",
        *STORY,
    ], site="miamiherald.com")
    assert outlets_of(found)[4:] == ["AP"] * 3
    assert found[2].outlet == "AP"  # the headline of the wire's story


def test_outlet_name_alone_after_the_first_sentence_is_not_a_byline():
    found = trace_one([STORY[0], "Reuters", *STORY[1:]], site="yahoo.com")
    assert outlets_of(found) == [None] * 4


def test_lone_wire_name_under_a_caption_is_the_pictures_credit():
    found = trace_one([
        "Leaders prepare for a tense meeting",
        "[photo-caption] The two leaders shake hands before talks in Helsinki, Finland, Monday,"
        " July 16, 2018.",
        "AP",
        *STORY,
    ], site="yahoo.com")
    assert outlets_of(found) == [None] * 6


def test_aggregator_name_alone_is_its_label_not_a_credit():
    found = trace_one(["Leaders prepare for a tense meeting", "Yahoo News", *STORY], site="yahoo.com")
    assert outlets_of(found) == [None] * 5


def test_own_masthead_is_own_site_not_a_credit():
    found = trace_one(["The Columbus Dispatch", "Leaders prepare for a tense meeting", *STORY],
                  site="dispatch.com")
    assert outlets_of(found) == ["The Columbus Dispatch"] * 5
    assert all(rules_of(p) == ["own-site"] for p in found)


# ------------------------------------------------------------------ trailing text credits


def test_trailing_wire_credit_credits_a_gallery_story_on_an_aggregator():
    found = trace_one([
        "1 / 12",
        STORY[0],
        STORY[1],
        "[photo-caption] Thousands of people walked to the central square on the eve of the vote. (AFP)",
    ], site="yahoo.com")
    assert outlets_of(found)[1:3] == ["AFP", "AFP"]


def test_trailing_credit_on_an_outlets_own_page_stays_with_its_caption():
    found = trace_one([
        "Leaders meet at the palace",
        "The two presidents met on Monday in Finland. (CBS)",
        *STORY,
    ], site="nydailynews.com")
    assert found[1].outlet == "CBS News"
    assert outlets_of(found)[2:] == ["New York Daily News"] * 3


# ------------------------------------------------------------------ embedded posts


def test_outlets_embedded_post_credits_the_post_only():
    found = trace_one([
        STORY[0],
        "WATCH: The mayor tells @CBSEveningNews the bridge opens before winter pic.twitter.com/abc123",
        "— CBS News (@CBSNews) July 15, 2018",
        STORY[1],
    ], site="dispatch.com")
    assert outlets_of(found) == ["The Columbus Dispatch", "CBS News", "CBS News", "The Columbus Dispatch"]
    assert rules_of(found[1]) == ["embedded-post-signature"]


def test_show_account_signature_names_its_outlet():
    found = trace_one([STORY[0], "The governor calls the meeting very concerning.",
                   "— CNN Newsroom (@CNNnewsroom) July 16, 2018", STORY[1]], site="dispatch.com")
    assert found[1].outlet == "CNN"


def test_persons_post_is_not_an_outlets():
    found = trace_one([STORY[0], "Our bridge will be the best bridge, believe me!",
                   "— Jane Roe (@janeroe) July 16, 2018", STORY[1]], site="dispatch.com")
    assert outlets_of(found) == ["The Columbus Dispatch"] * 4


def test_quoted_posts_copies_decide_nothing():
    post = "Our bridge will be the best bridge ever built, and it will open soon, believe me!"
    pages = [
        make_doc([STORY[0], post, "— Jane Roe (@janeroe) July 16, 2018"], site="dispatch.com"),
        make_doc([STORY[1], f"“{post}”", STORY[2]], site="newsmax.com"),
        make_doc(["WASHINGTON (AP) — " + STORY[2], post, "— Jane Roe (@janeroe) July 16, 2018"],
                 site="apnews.com"),
    ]
    found = trace_pages(pages, [cluster((0, 1), (1, 1), (2, 1))], load_registry())
    assert found[0][1].outlet == "The Columbus Dispatch"
    assert found[1][1].outlet == "Newsmax" and rules_of(found[1][1]) == ["own-site"]


def test_copies_still_decide_for_ordinary_paragraphs():
    """The control case of the one above: without a signature the own site's copy decides."""
    text = "The bridge will open to traffic before the winter, the city's chief engineer said."
    pages = [
        make_doc(["WASHINGTON (AP) — " + STORY[0], text], site="apnews.com"),
        make_doc([STORY[1], text, STORY[2]], site="newsmax.com"),
    ]
    found = trace_pages(pages, [cluster((0, 1), (1, 1))], load_registry())
    assert found[1][1].outlet == "AP"


# ------------------------------------------------------------------ rule files


def test_unknown_slot_is_refused(tmp_path):
    extra = tmp_path / "cues.toml"
    extra.write_text('[[cue]]\nname = "mine"\npattern = "^{outlet}$"\nslot = "footer"\n',
                     encoding="utf-8")
    with pytest.raises(CueError, match="slot 'footer'"):
        load_cues(load_registry(), (str(extra),))
