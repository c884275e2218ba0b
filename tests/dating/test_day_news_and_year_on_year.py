"""Readings that tie a paragraph to the day it was written: a holder taking part in the
day's news ("hours before the summit"), a time expression that dates the writing voting on a
several-tenure holder's tenure, the shorthand "EU President", and last year compared with a
named year. Cases written for these tests (EN, UK, RU)."""

from __future__ import annotations

import pytest
from helpers import verdict


@pytest.mark.parametrize("text", [
    "He met Finnish President Sauli Niinisto hours before the summit.",
    "Він зустрівся з президентом Фінляндії Саулі Нііністе за кілька годин до саміту.",
    "Он встречался с президентом Финляндии Саули Ниинистё за несколько часов до саммита.",
])
def test_a_holder_in_the_days_news_is_titled_as_of_that_day(eras, text):
    found, why = verdict(text, "2026-02-10", eras)
    assert found == "stale", why
    assert "Niinist" in why


@pytest.mark.parametrize("text", [
    # dated history: the year in the sentence makes it retrospective
    "He met Finnish President Sauli Niinisto in 2018, hours before the summit.",
    # no recent day: past narration of a meeting is history told at any later time
    "Он встречался с президентом Финляндии Саули Ниинистё в Хельсинки.",
])
def test_past_narration_without_a_day_of_news_stays_history(eras, text):
    found, why = verdict(text, "2026-02-10", eras)
    assert found != "stale", why


def test_a_named_later_holder_turns_the_days_object_into_history(eras):
    # "President Obama" as the object of the day's act, with the later holder named: history
    found, why = verdict("Trump criticized President Obama on Monday.", "2018-07-16", eras)
    assert found != "stale", why


def test_a_dated_event_moves_a_several_tenure_holder_to_its_tenure(eras):
    # "the 2018 NATO summit has drawn to a close" dates the writing to 2018; Trump's bare
    # title then reads in his first term, not the one holding the page date
    text = ("After days of talks, the 2018 NATO summit has drawn to a close, and US president "
            "Donald Trump travels on to meet his counterparts.")
    found, why = verdict(text, "2026-07-09", eras)
    assert found == "stale", why
    assert "written 2018-01-01" in why


def test_a_dated_event_of_the_current_tenure_keeps_it(eras):
    text = ("The 2025 NATO summit has drawn to a close, and US president Donald Trump travels "
            "on to meet his counterparts.")
    found, why = verdict(text, "2025-07-09", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text, holder", [
    ("EU President Donald Tusk said Europe is not an enemy of America.", "Tusk"),
    ("Президент ЄС Дональд Туск заявив, що Європа не є ворогом.", "Tusk"),
    ("Президент ЕС Дональд Туск заявил, что Европа не враг.", "Tusk"),
])
def test_eu_president_is_the_shorthand_of_either_president(eras, text, holder):
    found, why = verdict(text, "2026-03-05", eras)
    assert found == "stale", why
    assert holder in why and "European Council" in why


def test_eu_president_of_today_fits(eras):
    found, why = verdict("EU President Antonio Costa said Europe is ready.", "2026-03-05", eras)
    assert found == "current", why


@pytest.mark.parametrize("text, year", [
    ("Dealers sold 17.3 million cars last year, an increase of 0.3 percent from 2017.", "2019"),
    ("Sales last year were down 2.5% compared with 2016.", "2018"),
    ("Минулого року продажі зросли на 5% порівняно з 2017 роком.", "2019"),
    ("В прошлом году продажи выросли на 5% по сравнению с 2017 годом.", "2019"),
])
def test_last_year_over_a_named_year_dates_the_writing(eras, text, year):
    found, why = verdict(text, "2025-11-12", eras)
    assert found == "stale", why
    assert f"written {year}-01-01" in why


@pytest.mark.parametrize("text", [
    # a span, a level of some year and a comparison without a change word say nothing
    "Sales last year rose 4% from 2015 to 2017.",
    "Sales last year were back to 2017 levels.",
    "Sales last year rose 4% from 2015 levels.",
    "Last year he moved from 2017 offices to new ones.",
])
def test_no_year_on_year_reading(eras, text):
    found, why = verdict(text, "2025-11-12", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text", [
    "On Friday, Trump said Russia would not have taken Crimea. He answered questions at a "
    "joint news conference with British Prime Minister Theresa May.",
    "У п'ятницю Трамп заявив, що Росія не захопила б Крим. Він відповідав на запитання на "
    "спільній пресконференції з британським прем'єр-міністром Терезою Мей.",
])
def test_a_paragraph_that_tells_a_recent_day_titles_its_participants_as_of_then(eras, text):
    found, why = verdict(text, "2025-08-16", eras)
    assert found == "stale", why
    assert "Theresa May" in why


def test_a_recent_day_after_the_mention_does_not_reach_back(eras):
    text = ("He answered questions at a joint news conference with British Prime Minister "
            "Theresa May. On Friday, he flew home.")
    found, why = verdict(text, "2025-08-16", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text", [
    "Britain's prime minister, Theresa May, said the deal is done.",
    "Theresa May, Britain's prime minister, says the deal is done.",
    "The president, Barack Obama, says the deal is done.",
])
def test_a_lower_case_title_in_apposition_names_the_holder(eras, text):
    found, why = verdict(text, "2025-06-30", eras)
    assert found == "stale", why


@pytest.mark.parametrize("text", [
    # a possessive that is no title, and a list after a bare title
    "Angela Merkel, Germany's biggest problem, says no.",
    "The prime minister, Boris Johnson and Theresa May met.",
])
def test_no_apposition_without_a_title_or_in_a_list(eras, text):
    found, why = verdict(text, "2025-06-30", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text, found_want", [
    ("She said the US remains a friend of the bloc of 28 nations.", "stale"),
    ("Она заявила, что США остаются другом блока из 28 государств.", "stale"),
    ("Вона заявила, що США залишаються другом блоку з 28 країн.", "stale"),
    # the alliance in Russian usage, and today's bloc of 27
    ("Россия осуждает военный блок из 28 государств.", "undetermined"),
    ("She said the US remains a friend of the bloc of 27 nations.", "undetermined"),
])
def test_the_bloc_of_28_is_the_eu_before_brexit(eras, text, found_want):
    found, why = verdict(text, "2026-01-20", eras)
    assert found == found_want, why


@pytest.mark.parametrize("text", [
    "The U.S. Ambassador to Russia, Jon Huntsman, says the meeting is useful.",
    "John R. Bolton, the president’s national security adviser, says it is silly.",
    # Ukrainian feminine titles ("прем'єр-міністерка"), in the week just past
    "Президент весь минулий тиждень сперечався із прем'єр-міністеркою Великої Британії "
    "Терезою Мей щодо її стратегії Brexit.",
])
def test_more_title_shapes_name_the_holder(eras, text):
    found, why = verdict(text, "2025-09-18", eras)
    assert found == "stale", why


def test_a_possessive_before_no_title_names_nobody(eras):
    found, why = verdict("Donald Trump Jr., the president’s son, says it is silly.", "2025-09-18", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text, want", [
    ("Looking ahead, the retailer sees fiscal year 2019 sales growth of 1.8 percent.", "stale"),
    ("The chipmaker expects 2020 revenue of $5 billion.", "stale"),
    ("The chipmaker expects 2026 revenue of $5 billion.", "current"),
    # told in the past: history
    ("In 2019, the chipmaker expected 2019 sales to rise.", "undetermined"),
])
def test_an_outlook_for_a_year_is_given_before_it_is_over(eras, text, want):
    found, why = verdict(text, "2025-11-18", eras)
    assert found == want, why
