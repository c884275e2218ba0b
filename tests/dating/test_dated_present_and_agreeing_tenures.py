"""A present-tense sentence that names one day reads its office holders as sitting on that day
(the caption shape), and a holder of several tenures is read in the tenure that agrees with
the most other holders of its paragraph. Cases written for these tests (EN, UK, RU)."""

from __future__ import annotations

import pytest
from helpers import page, verdict, verdicts

from dedupe_audit.dating.time_expressions import parse_time_language


@pytest.mark.parametrize("text", [
    "President Donald Trump greets Defense Secretary Jim Mattis as they arrive for talks at "
    "the Pentagon on March 3, 2018.",
    "German Chancellor Angela Merkel and President Donald Trump shake hands before their "
    "meeting in Washington on April 27, 2018.",
    "Президент Дональд Трамп зустрічається з канцлеркою Німеччини Ангелою Меркель у Вашингтоні "
    "27 квітня 2018 року.",
    "Президент Дональд Трамп встречается с канцлером Германии Ангелой Меркель в Вашингтоне "
    "27 апреля 2018 года.",
])
def test_a_present_sentence_of_a_dated_day_speaks_from_that_day(eras, text):
    found, why = verdict(text, "2025-09-01", eras)
    assert found == "stale", why
    assert "2018" in why and "on '" in why


def test_the_dated_day_reads_the_holder_in_the_tenure_holding_it(eras):
    # Trump holds office again in 2025; the named day puts the caption in his first term
    found, why = verdict("President Donald Trump speaks to reporters on the South Lawn on "
                         "June 5, 2019.", "2025-09-01", eras)
    assert found == "stale", why
    assert "2017-01-20..2021-01-20" in why


@pytest.mark.parametrize("text, day", [
    # the holders still sit at the page date: an older day's picture fits the page
    ("President Donald Trump meets Russian President Vladimir Putin during a summit in "
     "Hamburg on July 7, 2017.", "2018-07-16"),
    # past narration of a dated day is history, told at any later time
    ("German Chancellor Angela Merkel met President Donald Trump in Washington on April 27, "
     "2018.", "2025-09-01"),
    # an archive frame, a period's edge and a timeline's entry are no present of that day
    ("In this April 27, 2018 file photo, German Chancellor Angela Merkel shakes hands with "
     "President Donald Trump.", "2025-09-01"),
    ("German Chancellor Friedrich Merz has led the government since May 6, 2025, and meets "
     "President Donald Trump today.", "2025-09-01"),
    ("April 27, 2018: German Chancellor Angela Merkel visits the White House.", "2025-09-01"),
])
def test_no_present_of_a_dated_day(eras, text, day):
    found, why = verdict(text, day, eras)
    assert found != "stale", why


def test_the_rule_is_data():
    base = {"months": {"1": ["january"]}, "stamp_cues": {"published": ["posted"], "updated": ["updated"]}}
    with_rule = parse_time_language({**base, "present_day": {
        "lead_words": 2, "not_after": ["since"], "frames": ["file\\s+photo"]}})
    assert with_rule.present_day is not None
    assert with_rule.present_day.not_after.search("in office since ")
    assert not with_rule.present_day.not_after.search("in office on ")
    assert with_rule.present_day.frames.search("a file photo of")
    assert parse_time_language(base).present_day is None


def test_a_several_tenure_holder_takes_the_tenure_most_holders_agree_on(eras):
    # a senator sitting in both Trump terms fits either; the majority leader and the speaker
    # only fit the first, so the paragraph speaks from it
    text = ("Senate Majority Leader Mitch McConnell has offered no reaction yet, and House "
            "Speaker Paul Ryan has issued a statement, while Sen. Lindsey Graham says "
            "President Trump should press the issue.")
    found, why = verdict(text, "2026-07-15", eras)
    assert found == "stale", why


def test_a_tie_keeps_the_tenure_of_the_page(eras):
    text = "Sen. Lindsey Graham says President Trump should press the issue."
    found, why = verdict(text, "2026-07-15", eras)
    assert found == "current", why


def test_the_block_votes_only_when_nothing_fits_today(eras):
    # the block's single-tenure holder (Pompeo) may not move a reading that fits the page
    # with the paragraph's own holders
    seg = page(["Secretary of State Mike Pompeo met the delegation on Sunday.",
                "Senate Minority Leader Chuck Schumer said President Trump must not give in."],
               url="https://example.org/a", site="example.org")
    found = verdicts(seg, "2025-09-01", eras, blocks=[0, 0])
    assert found[1].verdict != "stale", found[1].explanation


@pytest.mark.parametrize("text", [
    "The chief executive is stepping down in May 2020, the board said.",
    "The carmakers are launching the electric model in 2021.",
    "Johnson will leave the company in March 2020.",
    "The old terminal will close on March 1, 2020.",
    "She has told investors she wants the company to turn a profit by 2021.",
    "Новий термінал буде відкрито у травні 2020 року.",
    "Новый терминал будет открыт в мае 2020 года.",
])
def test_a_plan_for_a_past_year_dates_the_text(eras, text):
    found, why = verdict(text, "2025-11-18", eras)
    assert found == "stale", why


@pytest.mark.parametrize("text", [
    # history of a plan, a participle of the past, and a plan still ahead
    "The chief executive was stepping down in May 2020 when the pandemic struck.",
    "The company is rebuilding the plant destroyed in 2017.",
    "The company is stepping up production faster than in 2019.",
    "The chief executive is stepping down in May 2026, the board said.",
])
def test_no_plan_for_a_past_year(eras, text):
    found, why = verdict(text, "2025-11-18", eras)
    assert found != "stale", why


def test_a_count_of_years_after_an_act_in_a_named_year_dates_the_writing(eras):
    text = ("The founder, who denies the charges, has lived abroad for six years after "
            "leaving the country in 2013.")
    found, why = verdict(text, "2025-05-22", eras)
    assert found == "stale", why
    assert "2019-01-01" in why
    # told in the past, the same count is history
    found, why = verdict("Six years after he left the country in 2013, the founder returned.",
                         "2025-05-22", eras)
    assert found != "stale", why


def test_a_closing_attribution_is_no_past_narration(eras):
    found, why = verdict("Troops remain in the country, 18 years after the 2001 invasion, "
                         "officials said.", "2025-05-22", eras)
    assert found == "stale", why
    found, why = verdict("Troops remained in the country 18 years after the 2001 invasion, "
                         "officials said.", "2025-05-22", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text", [
    "Fans packed the stands for the 2019 Grand Prix final round on Sunday.",
    "The 2019 festival's opening day on Friday drew record crowds.",
    "Збірна в суботу перемогла у фіналі чемпіонату Європи 2019 року.",
    "Сборная в субботу победила в финале чемпионата Европы 2019 года.",
])
def test_an_event_of_a_named_year_on_a_weekday_dates_the_writing(eras, text):
    found, why = verdict(text, "2025-09-10", eras)
    assert found == "stale", why
    assert "event-year-this-week" in why  # the EN, UK or RU rule


@pytest.mark.parametrize("text", [
    "Voters who backed the losing side in the 2016 referendum met on Tuesday.",
    "У неділю прем'єр сказав, що на виборах 2019 року було порушення.",
    "В воскресенье премьер вспомнил выборы 2019 года.",
])
def test_a_weekday_of_another_act_is_no_date_of_the_event(eras, text):
    found, why = verdict(text, "2025-09-10", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text", [
    "Visitors lined up to see the crown worn by Queen Elizabeth II.",
    "Pope Francis’s call for mercy was echoed by the new pope.",
    "Кардинали згадували заклик Папи Франциска до милосердя.",
])
def test_a_title_kept_for_life_dates_only_a_present_clause(eras, text):
    found, why = verdict(text, "2025-11-10", eras)
    assert found != "stale", why
    assert "kept for life" in why or "past narration" in why


def test_a_sitting_reading_of_a_title_kept_for_life_still_dates(eras):
    found, why = verdict("Pope Francis will visit Iraq next month.", "2025-11-10", eras)
    assert found == "stale", why


@pytest.mark.parametrize("text", [
    "German Chancellor Angela Merkel and President Donald Trump at the talks in Washington, "
    "April 27, 2018.",
    "Канцлерка Німеччини Ангела Меркель і президент Дональд Трамп на переговорах у Вашингтоні "
    "27 квітня 2018 року.",
    "Канцлер Германии Ангела Меркель и президент Дональд Трамп на переговорах в Вашингтоне "
    "27 апреля 2018 года.",
])
def test_a_verbless_caption_of_a_dated_day_speaks_from_that_day(eras, text):
    found, why = verdict(text, "2025-09-01", eras)
    assert found == "stale", why
    assert "caption without a verb" in why


@pytest.mark.parametrize("text, expected", [
    ("After two days of talks, the 2019 climate summit has drawn to a close.", "stale"),
    ("The 2019 championship is under way in Doha.", "stale"),
    ("The 2016 election has shown how vulnerable the system is.", None),
    ("The 2019 climate summit had drawn to a close when the storm hit.", None),
])
def test_an_event_of_a_named_year_told_as_happening_now(eras, text, expected):
    found, why = verdict(text, "2025-09-01", eras)
    assert (found == "stale") == (expected == "stale"), why
