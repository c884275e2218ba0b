"""Provenance on the shapes real scraped pages take (issue 18): own-site reporting, stories
that run across furniture and captions, quote sources kept apart from the author, real credit
lines, aggregators as relays, the registry, coreference only backwards. Cases written here."""

from __future__ import annotations

from helpers import trace_pages
from test_tracing import make_doc, trace_one

from dedupe_audit.provenance.blocks import find_blocks
from dedupe_audit.provenance.outlets import load_registry


def outlets(result: tuple) -> list[str | None]:
    return [p.outlet for p in result]


# ------------------------------------------------------------------ own site


def test_own_site_reporting_of_a_registered_news_outlet():
    result = trace_one([
        "Senators question the budget deal",
        "The Senate spent Tuesday arguing over a spending bill that neither party likes.",
        "Negotiators said talks would resume after the recess.",
    ], site="washingtonpost.com")
    assert outlets(result) == ["The Washington Post"] * 3
    assert {p.role for p in result} == {"own"}
    assert result[1].evidence[0].rule == "own-site"
    assert result[1].confidence < 0.9  # weaker than a credit in the text


def test_no_own_site_for_aggregators_or_unregistered_sites():
    lines = ["The council approved the budget on Thursday.", "The vote was 5-2."]
    for site in ("yahoo.com/news", "news.google.com", "msn.com", "beforeitsnews.com"):
        result = trace_one(lines, site=site)
        assert outlets(result) == [None, None], site
        assert result[0].via and result[0].role == "unknown"
    assert outlets(trace_one(lines, site="some-unknown-blog.example")) == [None, None]


def test_own_site_yields_to_a_wire_credit_in_the_story():
    result = trace_one([
        "LONDON (Reuters) - Britain's economy grew faster than expected in the second quarter.",
        "The pound rose after the figures were published.",
    ], site="cnbc.com")
    assert outlets(result) == ["Reuters", "Reuters"]
    assert result[1].via == ("CNBC",)


def test_own_interview_on_the_sites_page_is_its_own():
    result = trace_one(["Песков сказал РИА Новости, что новые санкции не повлияют на экономику."],
                       site="ria.ru")
    assert outlets(result) == ["RIA Novosti"]


# ------------------------------------------------------------------ stories as wholes


def test_story_runs_across_a_caption_and_furniture():
    result = trace_one([
        "HELSINKI (AP) — The two leaders met for four hours on Monday.",
        "Officials described the talks as frank.",
        "FILE - In this June 12, 2018 file photo, the two leaders shake hands. (AP Photo/Jane Doe, File)",
        "[share] Share this article",
        "Neither side released a joint statement afterwards.",
        "Analysts expect a second meeting later this year.",
    ], site="dailymail.co.uk")
    assert outlets(result) == ["AP", "AP", "AP", None, "AP", "AP"]
    assert result[3].role == "furniture"  # furniture never inherits an outlet
    assert result[4].via == ("Daily Mail",)


def test_a_subhead_does_not_end_the_story_but_a_credited_headline_does():
    lines = [
        "HELSINKI (Reuters) - The summit began with a handshake.",
        "LOW EXPECTATIONS",
        "Neither side expected a breakthrough.",
        "Ukraine wants guarantees",
        "KYIV (AFP) - Ukraine asked for security guarantees on Tuesday.",
        "The request was sent to Washington.",
    ]
    seg = make_doc(lines)
    blocks = find_blocks(seg, 0, [])
    assert blocks[0] == blocks[1] == blocks[2]
    assert blocks[3] == blocks[4] == blocks[5] != blocks[2]
    assert outlets(trace_one(lines)) == ["Reuters"] * 3 + ["AFP"] * 3


def test_furniture_keeps_its_own_block_and_the_story_resumes():
    seg = make_doc(["CNN — The vote passed.", "[ad] Advertisement", "It now goes to the Senate."])
    blocks = find_blocks(seg, 0, [])
    assert blocks[0] == blocks[2] != blocks[1]


def test_a_teaser_ends_the_story():
    result = trace_one([
        "KYIV (Reuters) - Talks resumed on Friday.",
        "[teaser] Markets rally after the ceasefire news",
        "The weather in Kyiv was mild on Saturday.",
    ])
    assert outlets(result)[2] is None


# ------------------------------------------------------------------ quote and fact sources


def test_told_and_interview_name_a_quote_source_not_the_author():
    result = trace_one([
        "HELSINKI (Reuters) - The leaders met on Monday.",
        "Ahead of the summit, both sides talked it down, with the president telling CBS he had low"
        " expectations.",
        "\"We will see,\" the president said in an interview with Fox News last month.",
    ], site="yahoo.com/news")
    assert outlets(result) == ["Reuters"] * 3
    sources = [e for e in result[1].evidence if e.rule.startswith("source:")]
    assert sources and "CBS News" in sources[0].detail


def test_mid_sentence_according_to_on_a_news_site_is_a_fact_source():
    result = trace_one([
        "The president has made thousands of false claims, according to The Washington Post's"
        " tally, and the White House did not respond.",
    ], site="cnn.com")
    assert outlets(result) == ["CNN"]
    assert any(e.rule == "source:en-according-to" for e in result[0].evidence)


def test_framing_relay_formula_stays_an_author_cue_on_a_retelling_page():
    result = trace_one(["According to Bloomberg, the EU is preparing new sanctions."], site="yahoo.com/news")
    assert outlets(result) == ["Bloomberg"]
    uk = trace_one(["Як пише Bloomberg, ЄС готує нові санкції проти Росії."], site="ukrinform.ua")
    assert outlets(uk) == ["Bloomberg"]


def test_a_framing_source_on_a_newspapers_own_story_is_a_fact_source():
    """A newspaper's writer citing a wire or agency for one fact ("..., the Associated Press
    reported.", "According to Interfax, ...") still wrote the paragraph: the outlet named is
    kept as a source, the author is the story's (its byline, else the site's own)."""
    own = trace_one([
        "According to Bloomberg, the EU is preparing new sanctions.",
        "About 1,500 people marched through the city on Sunday, the Associated Press reported.",
    ], site="cnn.com")
    assert outlets(own) == ["CNN", "CNN"]
    assert [e.rule for e in own[1].evidence if e.rule.startswith("source:")]
    bylined = trace_one([
        "By Jane Roe The Washington Post",
        "The summit opened with a handshake.",
        "\"We hope for a first step,\" the spokesman said, according to Interfax.",
    ], site="bostonglobe.com")
    assert outlets(bylined)[1:] == ["The Washington Post", "The Washington Post"]


def test_an_outlet_and_a_date_stamp_credit_the_story_below():
    wire = trace_one(["The Associated Press | Monday, July 16, 2018, 7:24 a.m.",
                      "HELSINKI — The leaders met on Monday.", "The talks lasted two hours."],
                     site="triblive.com")
    assert outlets(wire) == ["AP"] * 3
    assert outlets(trace_one(["Reuters • 16 July 2018", "The leaders met on Monday."],
                             site="startribune.com")) == ["Reuters"] * 2
    # a section name before the bar is not a credit
    assert outlets(trace_one(["Weather | July 16, 2018", "It was hot."],
                             site="startribune.com")) == ["Star Tribune"] * 2


def test_interview_in_russian_and_ukrainian_is_not_the_author():
    ru = trace_one(["МОСКВА (Рейтер) - Переговоры продолжатся.",
                    "Министр заявил в интервью CNN, что ждет результатов."])
    assert outlets(ru) == ["Reuters", "Reuters"]
    uk = trace_one(["КИЇВ (Reuters) - Переговори тривають.",
                    "Міністр заявив в інтерв'ю CNN, що чекає результатів."])
    assert outlets(uk) == ["Reuters", "Reuters"]


# ------------------------------------------------------------------ credit forms


def test_glued_byline_and_bylines_naming_the_outlet():
    glued = trace_one(["Jane Roe and Ivan PetrovAssociated Press",
                       "The summit ended without an agreement."], site="chicagotribune.com")
    assert outlets(glued) == ["AP", "AP"]
    named = trace_one(["By JANE ROE, JOHN DOE AND MARY POE, CNN",
                       "The senators wrote a letter on Saturday."], site="click2houston.com")
    assert outlets(named) == ["CNN", "CNN"]
    spaced = trace_one(["By Jane Roe and John Doe New York Times", "WASHINGTON — It was a jarring moment."],
                       site="bostonglobe.com")
    assert outlets(spaced) == ["The New York Times"] * 2


def test_title_case_headline_ending_in_an_outlet_is_not_a_byline():
    result = trace_one(["What The President Told Fox News", "He said the talks went well."])
    assert "byline" not in " ".join(e.rule for p in result for e in p.evidence)


def test_lone_and_dashless_datelines():
    assert outlets(trace_one(["Washington (CNN)", "The president returned on Sunday."])) == ["CNN"] * 2
    assert outlets(trace_one(["(CNN) The president returned on Sunday."])) == ["CNN"]
    assert outlets(trace_one(["London (AFP) – Here are five highlights of the trip."])) == ["AFP"]


def test_spaced_and_dated_datelines():
    # reposts space the brackets and date the line instead of placing it
    assert outlets(trace_one(["12 March, 2019 ( AFP )* — The talks resumed on Tuesday.",
                              "Both sides called them useful."], site="example-blog.net")) == ["AFP"] * 2
    assert outlets(trace_one(["PARIS ( Reuters ) - Prices rose in March."])) == ["Reuters"]
    # a date and an outlet's name in brackets that is not at the start is no dateline
    assert outlets(trace_one(["He said on 12 March, 2019 (AFP) that prices rose."],
                             site="example-blog.net")) == [None]


def test_the_wire_running_update_format_names_the_wire():
    result = trace_one([
        "OSLO — The Latest on the climate talks in Norway (all times local):",
        "3:10 p.m.",
        "Delegates from 40 countries have agreed on a draft text after two days of talks.",
    ], site="startribune.com")
    assert outlets(result)[0] == "AP" and outlets(result)[2] == "AP"
    assert result[0].evidence[0].rule == "wire-the-latest"
    # the words alone, without the format's "(all times local)", are the site's own
    result = trace_one(["The latest on the storm: roads are closed across the county."],
                       site="startribune.com")
    assert outlets(result) == ["Star Tribune"]


def test_closing_credits_speak_for_the_story_above():
    reuters = trace_one([
        "The two men praised each other from afar.",
        "Many politicians remain angry over the annexation.",
        "(Reporting by Jane Roe and John Doe; Writing by John Doe; Editing by Mary Poe)",
    ], site="yahoo.com/news")
    assert outlets(reuters) == ["Reuters"] * 3
    ap = trace_one([
        "The president spent the weekend at his golf resort.",
        "He also continued to criticize the press.",
        "[copyright] Copyright 2018 The Associated Press. All rights reserved.",
    ], site="newsmax.com")
    assert outlets(ap)[:2] == ["AP", "AP"]
    assert ap[2].role == "furniture"
    slashed = trace_one([
        "The ministry welcomed the remarks on Twitter.",
        "The talks were expected to last about two hours.",
        "[copyright] © 2019 Thomson/Reuters.  All rights reserved.",
    ], site="newsmax.com")
    assert outlets(slashed)[:2] == ["Reuters", "Reuters"]


def test_contributed_to_this_report_is_a_contributor_not_the_author():
    result = trace_one([
        "The council voted to close the plant.",
        "— The Associated Press contributed to this report.",
    ], site="startribune.com")
    assert outlets(result) == ["Star Tribune", "Star Tribune"]
    assert any("AP" in (e.detail or "") for e in result[1].evidence)


def test_a_source_link_credits_the_excerpt_above_it():
    result = trace_one([
        "The disconnect is so profound that two policies seem to run side by side.",
        "\"It is a three-legged race,\" a former official said.",
        "nytimes.com/2018/07/14/us/politics/some-story.html",
    ], site="hotair.com")
    assert outlets(result) == ["The New York Times"] * 3


# ------------------------------------------------------------------ registry


def test_registry_covers_real_news_with_kinds_and_sources():
    registry = load_registry()
    assert len(registry.outlets) >= 300
    for domain, name, kind in [
        ("cnbc.com", "CNBC", "broadcaster"), ("usatoday.com", "USA Today", "newspaper"),
        ("nationalreview.com", "National Review", "magazine"), ("yahoo.com", "Yahoo News", "aggregator"),
        ("hosted.ap.org", "AP", "wire"), ("unian.ua", "UNIAN", "agency"), ("meduza.io", "Meduza", "digital"),
    ]:
        outlet = registry.by_domain(domain)
        assert outlet is not None and (outlet.name, outlet.kind) == (name, kind), domain
    assert registry.get("CNBC").basis  # every added entry says where its facts come from
    assert registry.lookup("Громадське").name == "Hromadske"
    assert registry.lookup("Коммерсант").name == "Kommersant"


# ------------------------------------------------------------------ coreference


def test_the_agency_means_the_outlet_named_before_never_after():
    before = trace_one(["Reuters reported the talks stalled, writes UNN.",
                        "According to the agency, the next round is in May."])
    assert outlets(before)[1] == "Reuters"
    after = trace_one(["According to the agency, the next round is in May.",
                       "Bloomberg reported the talks stalled, writes UNN."])
    assert after[0].outlet != "Bloomberg" or after[0].evidence[0].rule.startswith("inherited")
    assert not any(e.rule == "en-publication" and "Bloomberg" in (e.detail or "") for e in after[0].evidence)
    uk = trace_one(["Як пише Reuters, переговори зупинилися.",
                    "Як зазначає видання, наступний раунд у травні."])
    assert outlets(uk)[1] == "Reuters"


def test_aggregator_is_the_relay_of_the_original():
    page = make_doc(["WASHINGTON (AP) — The House passed the bill."], site="yahoo.com/news")
    result = trace_pages([page], [], load_registry())[0]
    assert (result[0].outlet, result[0].via) == ("AP", ("Yahoo News",))


# ------------------------------------------------------------------ open world


def test_a_dateline_names_an_outlet_the_registry_lacks():
    result = trace_one(["TEHRAN (Press TV) — Officials said talks would go on.",
                        "A second round is planned."])
    assert outlets(result) == ["Press TV", "Press TV"]
    assert "not in the registry" in result[0].evidence[0].detail
    registered = trace_one(["DANANG, Vietnam (Kyodo) - Leaders met."])
    assert outlets(registered) == ["Kyodo News"]


def test_bracketed_words_that_are_not_outlets_stay_unknown():
    for word in ("Updated", "Video", "Analysis"):
        assert outlets(trace_one([f"WASHINGTON ({word}) - The vote passed."])) == [None], word


def test_several_names_a_slash_and_the_wire_is_a_byline_but_one_name_is_a_photo_credit():
    byline = trace_one(["JANE ROE, JOHN DOE and MARY POE / AP",
                        "The two leaders met for four hours."], site="yahoo.com/news")
    assert outlets(byline) == ["AP", "AP"]
    photo = trace_one(["Jane Roe / AP", "The council met on Tuesday."], site="yahoo.com/news")
    assert outlets(photo) == [None, None]


def test_byline_with_a_publication_time_after_the_outlet():
    result = trace_one(["Jane Roe and John Doe , USA TODAY Published 3:55 a.m. ET July 16, 2018",
                        "HELSINKI — The summit opened late."], site="freep.com")
    assert outlets(result) == ["USA Today", "USA Today"]
