"""A known person's age beside their name dates the text ("Trump, 72,", "the 77-year-old Sen.
Bernie Sanders", "72-річний Трамп", "Трампу 72 роки"), and the look-alikes that are no age.
Cases written for these tests (EN, UK, RU)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from helpers import verdict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.ages import GRACE_AFTER, GRACE_BEFORE, AgeReader, birthday, load_ages
from dedupe_audit.dating.eras import EraDataError
from dedupe_audit.dating.staleness import load_eras

_LOADED: dict[str, object] = {}


def _shipped_eras():
    """The shipped era facts, loaded once for the module (fixtures and the property test)."""
    if "eras" not in _LOADED:
        _LOADED["eras"] = load_eras()
    return _LOADED["eras"]


def _shipped() -> AgeReader:
    """The shipped reader, kept out of hypothesis's example reprs (a fixture is shown whole)."""
    if "ages" not in _LOADED:
        _LOADED["ages"] = load_ages(_shipped_eras())
    return _LOADED["ages"]  # type: ignore[return-value]


@pytest.fixture(scope="module")
def eras():
    return _shipped_eras()


@pytest.fixture(scope="module")
def ages() -> AgeReader:
    return _shipped()


def phrases(ages: AgeReader, text: str) -> list[tuple[str, str, int]]:
    hits, _ = ages.find(text)
    return [(h.phrase, h.person.person, h.age) for h in hits]


@pytest.mark.parametrize("text, person, age", [
    ("President Donald Trump, 72, told reporters at the White House that talks went well.",
     "Donald Trump", 72),
    ("But Trump, 72, has shown no sign of slowing down.", "Donald Trump", 72),
    ("Sen. Bernie Sanders (I-Vt.), 77, is weighing another run.", "Bernard Sanders", 77),
    ("Speaker Nancy Pelosi, D-Calif., 78, said the House would vote.", "Nancy Pelosi", 78),
    ("The 77-year-old Bernie Sanders drew a large crowd in Iowa.", "Bernard Sanders", 77),
    ("A 66-year-old President Vladimir Putin said he had no plans to retire.", "Vladimir Putin", 66),
    ("Chancellor Angela Merkel (64) told the Bundestag she would not run again.", "Angela Merkel", 64),
    ("72-річний Трамп заявив, що зустріч пройшла добре.", "Donald Trump", 72),
    ("66-річний президент Росії Володимир Путін виступив зі зверненням.", "Vladimir Putin", 66),
    ("Трампу 72 роки, і він не збирається відпочивати.", "Donald Trump", 72),
    ("72-летний Трамп заявил журналистам, что переговоры прошли хорошо.", "Donald Trump", 72),
    ("Путину 66 лет, и он по-прежнему руководит страной.", "Vladimir Putin", 66),
    ("Chancellor Angela Merkel, aged 64, said she would step down as party leader.", "Angela Merkel", 64),
    ("Trump, who turns 73 on Friday, said he felt great.", "Donald Trump", 73),
    ("Bernie Sanders, the 77-year-old Vermont senator, drew a crowd.", "Bernard Sanders", 77),
    ("Путину исполнилось 66 лет, но он не собирается уходить.", "Vladimir Putin", 66),
    ("Канцлерка Ангела Меркель, 64, заявила, що не балотуватиметься.", "Angela Merkel", 64),
])
def test_an_age_beside_a_known_name(ages, text, person, age):
    assert [(p, a) for _, p, a in phrases(ages, text)] == [(person, age)]


@pytest.mark.parametrize("text", [
    "Trump, 2016, and the question of Russian meddling dominated the hearing.",  # a year
    "The two numbers on the plaque, Trump, 45, 47, mark his presidencies.",  # numbers in a row
    "The latest survey puts Biden, 52, ahead of his rivals by 6 percent.",  # a poll
    "Trump's son, 12, was at the ceremony.",  # someone else's age
    "Melania Trump, 48, wore white.",  # another first name before the surname
    "His father Fred Trump, 93, died in 1999.",
    "Sen. Mark Warner's aide said Warner, 64, would speak.",  # a member's bare surname repeats
    "In 2016, Trump, then 70, won the election.",  # retrospective: then
    "Путін 20 років при владі, і це помітно.",  # a span of time, not the dative of age
    "Путіну 20 років тому вдалося стабілізувати економіку.",  # years ago
    "The 72-year-old former New York developer spoke for an hour.",  # no name
    "Presidents Barack Obama (44), Donald Trump (45) and Joe Biden (46) met.",  # numbered
    "Trump (45) was sworn in again as the 47th president.",  # before his public life
    "Merkel, who is 64 percent likely to stay, said nothing.",  # a count after "who is"
])
def test_look_alikes_are_no_age(ages, text):
    assert phrases(ages, text) == []


@pytest.mark.parametrize("text, why", [
    ("In 2016, Trump, 70, won the presidency.", "2016"),
    ("Trump, 70, won the presidency in 2016.", "2016"),
    ("Путін, 60, тоді щойно повернувся до Кремля.", "тоді"),
    ("Тодішній 64-річний Путін виступив у Мюнхені.", "then"),
    ("Then-President Donald Trump, 72, met Kim in Singapore.", "then"),
    ("Тогдашний 54-летний Путин выступил в Мюнхене.", "then"),
    ("Bernie Sanders, 74, was at the time the oldest candidate in the race.", "at the time"),
])
def test_an_age_of_an_earlier_time_is_retrospective(ages, text, why):
    hits, retro = ages.find(text)
    assert not hits
    assert retro and why in retro[0]


def test_former_is_no_retrospective_frame_for_an_age(ages):
    """"Former" names an office left, the age is still the writer's day."""
    assert phrases(ages, "Former President Barack Obama, 57, campaigned in Ohio.") == [
        ("President Barack Obama, 57,", "Barack Obama", 57)]


def test_a_year_that_starts_a_state_or_opens_its_own_clause_frames_nothing(ages):
    assert phrases(ages, "President Vladimir Putin, 66, has ruled Russia since 2000.")
    assert phrases(ages, "Trump, 72, who won the 2016 election, said he would run again.")
    assert phrases(ages, "Путін, 66, керує країною з 2000 року.")


@pytest.mark.parametrize("text, day, expected", [
    # a 2018 text pasted into a 2025 page: Trump is president again, but not 72
    ("President Donald Trump, 72, told reporters the talks went well.", "2025-06-01", "stale"),
    ("President Donald Trump, 72, told reporters the talks went well.", "2018-12-01", "current"),
    ("President Donald Trump, 79, told reporters the talks went well.", "2025-09-01", "current"),
    ("The 77-year-old Bernie Sanders drew a large crowd in Iowa.", "2024-05-01", "stale"),
    ("72-річний Трамп заявив, що зустріч пройшла добре.", "2025-03-01", "stale"),
    ("Путину 66 лет, и он по-прежнему руководит страной.", "2025-03-01", "stale"),
    ("Путину 66 лет, и он по-прежнему руководит страной.", "2019-03-01", "current"),
    # retrospective: no verdict from the age
    ("In 2016, Trump, then 70, won the election.", "2025-03-01", "undetermined"),
])
def test_the_age_window_decides_the_verdict(eras, text, day, expected):
    found, why = verdict(text, day, eras)
    assert found == expected, why
    if expected != "undetermined":
        assert "born" in why and "age" in why


def test_the_evidence_names_the_birth_date_its_source_and_the_window(ages):
    (hit,), _ = ages.find("Sen. Bernie Sanders (I-Vt.), 77, is weighing another run.")
    assert hit.marker.kind == "age"
    assert (hit.marker.valid_from, hit.marker.valid_to) == ("2018-09-08", "2019-09-08")
    assert "born 1941-09-08" in hit.marker.fact and "congress-legislators" in hit.marker.fact
    assert hit.first == date(2018, 9, 8) - GRACE_BEFORE and hit.until == date(2019, 9, 8) + GRACE_AFTER


def test_a_leap_day_birthday_falls_on_the_first_of_march():
    assert birthday(date(1972, 2, 29), 1) == date(1973, 3, 1)
    assert birthday(date(1972, 2, 29), 4) == date(1976, 2, 29)


def _era_file(tmp_path, body: str) -> str:
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_a_user_file_adds_a_person(eras, tmp_path):
    path = _era_file(tmp_path, """
[[people]]
person = "Ada Example"
born = 1960-05-01
source = "test"
names = ['(?:Ada\\s+)?Example']
titles = ['Mayor']
""")
    reader = load_ages(replace(eras, sources=eras.sources + (path,)))
    assert phrases(reader, "Mayor Ada Example, 58, opened the bridge.") == [
        ("Mayor Ada Example, 58,", "Ada Example", 58)]


_TRUMP = '[[people]]\nperson = "Donald Trump"\nborn = 1946-06-14\n'


@pytest.mark.parametrize("body, problem", [
    ('[[people]]\nperson = "Donald Trump"\nborn = "1946-13-40"\nsource = "x"\n', "not an ISO date"),
    ('[[people]]\nperson = "Nobody Known"\nborn = 1950-01-01\nsource = "x"\n', "names no era fact"),
    (_TRUMP + 'source = "x"\nborn_at = "NY"\n', "unknown keys"),
    (_TRUMP, "missing source"),
    (_TRUMP + 'source = "x"\nnames = ["(unclosed"]\n', "Donald Trump"),
])
def test_a_bad_entry_names_file_and_entry(eras, tmp_path, body, problem):
    path = _era_file(tmp_path, body)
    with pytest.raises(EraDataError) as caught:
        load_ages(replace(eras, sources=eras.sources + (path,)))
    assert path in str(caught.value) and problem in str(caught.value)


_PLAIN_NAME = re.compile(r"^[A-Z][a-z]+ [A-Z][a-z]+$")


def _age_range(person) -> tuple[int, int]:
    """Ages in the person's public life: up to today, from 15 years before their first office."""
    now = date.today().year - person.born.year - 1
    since = person.known_since.year - 15 - person.born.year + 1 if person.known_since else 25
    return max(25, since, now - 20), now


@settings(max_examples=25, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_shipped_person_is_dated_by_their_age(data):
    """A shipped person named plainly with an age in their public life gets exactly that
    year's window."""
    ages = _shipped()
    people = [p for p in ages.people if _PLAIN_NAME.match(p.person)
              and _age_range(p)[0] <= _age_range(p)[1]]
    person = data.draw(st.sampled_from(people), label="person")
    age = data.draw(st.integers(*_age_range(person)), label="age")
    text = f"{person.person}, {age}, spoke to reporters on Monday."
    hits, _ = ages.find(text)
    mine = [h for h in hits if h.person is person]
    if not mine:  # the person's name patterns do not take the plain full name (a nickname)
        return
    assert mine[0].age == age
    assert mine[0].marker.valid_from == birthday(person.born, age).isoformat()

