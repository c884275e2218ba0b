"""Provenance: credit slots on syndication and tabloid pages (issue 18, real-check5 shapes).

A lone wire name right under a picture's marker credits the picture; a provider label under a
title asked as a question, or naming the wire's regional edition, credits the story; a dateline
glued to a social prompt still opens its story; summary bullets under a headline are the page's
own story, not trailing titles. Every case is written here.
"""

from __future__ import annotations

from test_tracing import outlets_of, rules_of, trace_one

from dedupe_audit.provenance.cues import load_cues
from dedupe_audit.provenance.outlets import load_registry

STORY = [
    "The council voted on Tuesday to close the old harbour bridge for repairs until spring.",
    "Engineers found cracks in two of the main supports during an inspection last month.",
    "Ferries will run every twenty minutes while the crossing is shut, the council said.",
]


# ------------------------------------------------------------------ a picture's credit


def test_lone_wire_name_under_a_picture_marker_credits_the_picture_only():
    found = trace_one(["Modal Trigger", "Reuters", *STORY], site="nypost.com")
    assert found[1].outlet == "Reuters"  # the photo's credit keeps its name
    assert outlets_of(found)[2:] == ["New York Post"] * 3
    assert all(rules_of(p) == ["own-site"] for p in found[2:])


def test_picture_marker_is_compared_whole_and_without_case():
    found = trace_one(["ENLARGE THIS IMAGE", "AP", *STORY], site="nypost.com")
    assert outlets_of(found)[2:] == ["New York Post"] * 3
    # a line that only mentions an image is no marker: the lone name is the story's credit
    found = trace_one(["Image of the week", "Reuters", *STORY], site="yahoo.com")
    assert outlets_of(found)[2:] == ["Reuters"] * 3


def test_lone_wire_name_in_the_byline_slot_still_credits_the_story():
    found = trace_one(["Harbour bridge to close for repairs", "Reuters", *STORY], site="yahoo.com")
    assert outlets_of(found)[2:] == ["Reuters"] * 3


def test_story_sentence_under_a_picture_marker_keeps_its_dateline():
    # the caption was lost: the line under the marker is the story's dateline, not a credit
    found = trace_one(["Image", "PORTLAND, Ore. (Reuters) - " + STORY[0], *STORY[1:]],
                      site="nypost.com")
    assert outlets_of(found)[1:] == ["Reuters"] * 3


def test_photo_credit_shapes_in_the_head_credit_no_story():
    # a photographer and an agency, a picture label: the photo's credit, never a byline
    for line in ("AFP/Getty Images", "Reuters/Jane Roe", "AP Photo/John Smith", "Photo: AFP",
                 "JANE ROE/AFP/Getty Images", "AP Photo"):
        found = trace_one(["Harbour bridge to close for repairs", line, *STORY], site="nypost.com")
        assert outlets_of(found)[2:] == ["New York Post"] * 3, line


def test_picture_markers_are_data():
    markers = load_cues(load_registry()).blocks.picture_markers
    assert "modal trigger" in markers and "enlarge this image" in markers
    assert all(m == m.strip().lower() for m in markers)


# ------------------------------------------------------------------ provider labels


def test_provider_label_under_a_question_title_credits_the_story():
    found = trace_one([
        "Will the old harbour bridge ever reopen to traffic after the repairs?",
        "[source-label] The Guardian•",
        "[written-timestamp] July 14, 2018",
        *STORY,
    ], site="yahoo.com")
    assert outlets_of(found)[3:] == ["The Guardian"] * 3
    assert found[3].via == ("Yahoo News",)


def test_question_in_the_story_is_not_a_title():
    # the question is the story's second line, not the page's first: the head has ended
    found = trace_one([STORY[0], "Will the bridge ever reopen?", "Reuters", *STORY[1:]],
                      site="yahoo.com")
    assert "Reuters" not in outlets_of(found)[3:]


def test_wire_regional_edition_names_the_wire():
    found = trace_one([
        "Harbour bridge to close for repairs",
        "[source-label] Reuters India•",
        "Harbour bridge to close for repairs",
        "[section-label] More",
        *STORY,
    ], site="yahoo.com")
    assert outlets_of(found)[4:] == ["Reuters"] * 3
    # an edition word is not any word: "Reuters Weekly" is no label of Reuters
    found = trace_one(["Harbour bridge to close", "[source-label] Reuters Weekly•", *STORY],
                      site="yahoo.com")
    assert "Reuters" not in outlets_of(found)


# ------------------------------------------------------------------ glued furniture


def test_dateline_glued_to_a_follow_prompt_opens_the_story():
    found = trace_one([
        "Harbour bridge to close for repairs",
        "Follow KXYZ Facebook | Twitter PORTLAND, Ore. (AP) — " + STORY[0],
        *STORY[1:],
    ], site="yahoo.com")
    assert outlets_of(found)[1:] == ["AP"] * 3
    assert rules_of(found[1])[0] == "dateline-after-follow-prompt"


def test_follow_prompt_without_a_dateline_credits_nothing():
    found = trace_one([
        "Harbour bridge to close for repairs",
        "Follow us on Twitter for updates on the bridge (CNN has more) and the ferries.",
        *STORY,
    ], site="yahoo.com")
    assert "CNN" not in outlets_of(found)[2:]


# ------------------------------------------------------------------ lead summary bullets

BULLETS = [
    "The council is closing the old harbour bridge on Tuesday for repairs until spring",
    "Engineers have found cracks in two of the main supports of the ninety-year-old crossing",
    "Ferries will run every twenty minutes while commuters wait for the bridge to reopen",
]


def test_summary_bullets_under_a_headline_are_the_page_s_own_story():
    headline = ("Bridge closed! Commuters face months of ferry rides as the council shuts the old"
                " harbour crossing after engineers find cracks in its supports")
    found = trace_one(["Next", headline, *BULLETS], site="dailymail.co.uk")
    assert outlets_of(found)[2:] == ["Daily Mail"] * 3
    assert all(rules_of(p) == ["own-site"] for p in found[2:])


def test_short_summary_bullets_under_a_headline_are_the_page_s_own_story():
    # key points of 30-60 characters ("He meets the mayor for an hour"), no navigation above
    headline = ("Bridge closed! Commuters face months of ferry rides as the council shuts the old"
                " harbour crossing after engineers find cracks in its supports")
    bullets = ["The council meets on Tuesday to vote", "Engineers found cracks last month",
               "He blamed the budget for the delay"]
    found = trace_one([headline, *bullets], site="dailymail.co.uk")
    assert outlets_of(found)[1:] == ["Daily Mail"] * 3


def test_title_list_after_a_story_stays_unknown():
    links = [
        "Council shuts the old harbour bridge for repairs until spring next year",
        "Engineers find cracks in two main supports of the ninety-year-old crossing",
    ]
    found = trace_one([*STORY, *links], site="dailymail.co.uk")
    assert outlets_of(found)[3:] == [None, None]


def test_short_titles_under_a_headline_stay_unknown():
    headline = ("Bridge closed! Commuters face months of ferry rides as the council shuts the old"
                " harbour crossing after engineers find cracks in its supports")
    found = trace_one([headline, "More on the bridge", "Ferry timetables"], site="dailymail.co.uk")
    assert outlets_of(found)[1:] == [None, None]
