"""Phrases that describe something as it was when the text was written: a bloc's member
count ("the 29-nation alliance"), a polity's possessive before its leader ("Germany's
Angela Merkel"), and the comparisons and coordinated subjects around them. Cases written
for these tests (EN, UK, RU)."""

from __future__ import annotations

import pytest
from helpers import page, verdict, verdicts

from dedupe_audit.dating.tense import CURRENT, clause_tense


@pytest.mark.parametrize("text", [
    # the count of the day, whatever the tense of the sentence around it
    "The minister spent the morning praising the 30-member alliance and its new command.",
    "Officials say the 28-nation European Union is divided over the sanctions.",
    "Diplomats from the EU's 28 member states met in Luxembourg on Monday.",
    "Finance ministers of the 19-nation euro zone agreed on the plan.",
    "Міністри 28 країн ЄС погодили нові санкції.",
    "Министры 29 стран-членов НАТО обсудили оборонные расходы.",
])
def test_an_old_member_count_dates_the_text(eras, text):
    found, why = verdict(text, "2025-06-10", eras)
    assert found == "stale", why
    assert "members" in why


def test_the_count_of_the_page_date_is_current(eras):
    found, why = verdict("NATO's 32 members agreed to raise defence spending.", "2025-06-10", eras)
    assert found == "current", why
    found, why = verdict("The 29-member alliance meets in Brussels on Thursday.", "2018-07-10", eras)
    assert found == "current", why


@pytest.mark.parametrize("text", [
    "In 2019 the 29-member alliance marked its 70th anniversary in London.",
    # the EU without the UK during the Brexit talks: "27" is no count of the EU's size then
    "The other 27 EU leaders met without the British prime minister.",
    # NATO's 28 is read only with "alliance": the EU had 28 members too
    "The 28-nation grouping met again in Brussels.",
])
def test_counts_that_say_nothing_about_the_time_of_writing(eras, text):
    found, why = verdict(text, "2025-06-10", eras)
    assert found != "stale", why


@pytest.mark.parametrize("text, expected", [
    ("Germany's Angela Merkel says the talks must go on.", "stale"),
    ("The EU's Federica Mogherini is pressing for a return to talks.", "stale"),
    ("Germany's Friedrich Merz says the talks must go on.", "current"),
    ("Britain's Theresa May, who resigned in 2019, wrote about the talks in her memoir.", "undetermined"),
])
def test_a_polity_possessive_names_its_leader(eras, text, expected):
    found, why = verdict(text, "2025-06-10", eras)
    assert found == expected, why


@pytest.mark.parametrize("text, expected", [
    ("Election officials say they will post results faster than in 2024.", "undetermined"),
    ("Election officials say the new system will be in place in 2024.", "stale"),
    ("Чиновники кажуть, що результати буде оприлюднено швидше, ніж у 2024 році.", "undetermined"),
])
def test_a_year_compared_with_is_no_plan_for_it(eras, text, expected):
    found, why = verdict(text, "2026-03-02", eras)
    assert found == expected, why


def test_a_superlative_in_history_is_no_history_frame(eras):
    text = ("Dan Coats, the director of national intelligence, called it the worst attack "
            "in history.")
    found, why = verdict(text, "2025-06-10", eras)
    assert found == "stale", why


def test_ukrainian_national_security_adviser_of_the_president(eras):
    text = "Радник президента з національної безпеки Джон Болтон у неділю заявив, що видачі не буде."
    found, why = verdict(text, "2025-06-10", eras)
    assert found == "stale", why


@pytest.mark.parametrize("text, mention, frame, verb", [
    ("Trump and Trade Representative Robert Lighthizer recognize that the deal is thin.",
     "Trade Representative Robert Lighthizer", CURRENT, "recognize"),
    ("In Paris, Merkel and President Macron agree on a plan.", "President Macron", CURRENT, "agree"),
    # an object, not a coordinated subject: the word after it is no verb
    ("He met Merkel and President Macron yesterday.", "President Macron", "reporting", "met"),
])
def test_a_coordinated_subject_takes_a_plural_verb(text, mention, frame, verb):
    at = text.index(mention)
    tense = clause_tense(text, at, at + len(mention))
    assert (tense.frame, tense.verb) == (frame, verb)


def test_a_titled_act_is_of_its_day_unless_the_title_is_kept_by_courtesy(eras):
    """"Attorney General William Barr put her in charge": a title without "then-" is the one
    of the day, even on a page that names the later attorney general. A former US president
    keeps the title by courtesy: "President Obama imposed sanctions" on a page that names
    President Trump is history. Firing "FBI Director James Comey" names him as he was when
    fired (an object of the act), not when the text was written."""
    (_, barr) = verdicts(page([
        "Attorney General Pam Bondi said on Monday the files would stay sealed.",
        "Attorney General William Barr put a new director in charge and ordered inquiries.",
    ]), "2025-07-08", eras)
    assert barr.verdict == "stale" and "past: 'put'" in barr.explanation, barr
    (_, obama) = verdicts(page([
        "President Donald Trump says the talks will go on.",
        "President Barack Obama imposed sanctions on Russia over Crimea.",
    ]), "2018-07-16", eras)
    assert obama.verdict == "undetermined", obama
    comey, why = verdict("Trump fired FBI Director James Comey over the inquiry.", "2018-07-16", eras)
    assert comey != "stale", why


@pytest.mark.parametrize("text, day, expected", [
    ("Four years ago, in 2014, Russia annexed Crimea.", "2025-02-10", "stale"),
    ("Four years ago, in 2014, Russia annexed Crimea.", "2018-07-16", "current"),
    ("П'ять років тому, у 2014 році, Росія анексувала Крим.", "2025-02-10", "stale"),
    ("Пять лет назад, в 2014 году, Россия аннексировала Крым.", "2019-06-01", "current"),
    ("Some 13,000 troops remain in the country, 18 years after the 2001 invasion.", "2025-02-10",
     "stale"),
    ("Eleven years after 2014, the peninsula is still occupied.", "2025-02-10", "current"),
    ("Leaders gather this week to mark the 70th anniversary of the 1949 treaty.", "2025-02-10",
     "stale"),
    ("Місто відзначає 80-ту річницю перемоги 1945 року.", "2025-05-09", "current"),
    # the year of the event remembered is no plan for that year
    ("The city will mark the 80th anniversary of the end of the war in 1945 next May.",
     "2025-02-10", "undetermined"),
    ("In 2019 leaders marked the 70th anniversary of the 1949 treaty.", "2025-02-10",
     "undetermined"),
    # told in the past, the count says when the story happened, not when it was written
    ("Troops remained in the country, 18 years after the 2001 invasion, until the withdrawal.",
     "2025-02-10", "undetermined"),
])
def test_a_count_of_years_from_a_named_year_dates_the_writing(eras, text, day, expected):
    found, why = verdict(text, day, eras)
    assert found == expected, why


@pytest.mark.parametrize("text, mention", [
    ('"We will win," said Secretary of State Mike Pompeo on Monday.', "Secretary of State Mike Pompeo"),
    ("«Я впевнений у цьому», — сказав Помпео на борту літака.", "Помпео"),
    ("«Я уверен в этом», — заявил Помпео журналистам.", "Помпео"),
])
def test_a_quotes_speaker_after_the_verb_is_its_subject(text, mention):
    at = text.index(mention)
    tense = clause_tense(text, at, at + len(mention))
    assert tense.frame == "reporting" and tense.subject, tense


def test_a_genitive_after_the_speech_verb_is_not_the_speaker():
    text = '"We will win," said Secretary of State Mike Pompeo’s spokesman on Monday.'
    at = text.index("Secretary of State Mike Pompeo")
    assert not clause_tense(text, at, at + len("Secretary of State Mike Pompeo")).subject


def test_a_surname_speaks_for_itself_beside_a_later_holder(eras):
    """"Coats said" reports what the director said in his day, whatever his titled mention
    did; the sitting director named by the page does not turn it into history."""
    *_, coats = verdicts(page([
        "Director of National Intelligence Tulsi Gabbard has said the threat persists.",
        "Director of National Intelligence Dan Coats at a forum in Washington.",
        '"The warning lights are blinking red again," Coats said as he warned of attacks.',
    ]), "2026-02-20", eras, blocks=(0, 0, 0))
    assert coats.verdict == "stale" and "reporting: 'said'" in coats.explanation, coats


def test_a_year_read_off_the_page_date_never_outvotes_a_holder(eras):
    """"this year's US midterm elections" on a 2026 page is read as 2026 because the page is
    dated 2026: it cannot outvote "Homeland Security Secretary Kirstjen Nielsen has said"
    (2017-2019), which then dates the paragraph."""
    found, why = verdict("There are no signs that Russia is targeting this year's US midterm "
                         "elections, Homeland Security Secretary Kirstjen Nielsen has said.",
                         "2026-07-15", eras)
    assert found == "stale" and "Nielsen" in why, why
    found, why = verdict("Candidates are preparing for this year's midterm elections.",
                         "2026-07-15", eras)
    assert found == "current", why
