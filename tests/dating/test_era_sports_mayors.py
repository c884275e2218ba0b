"""Head coaches and managers (``data/eras/sports.toml``), mayors (``mayors.toml``) and heads of
institutions (``institutions.toml``): a mention in English, Ukrainian or Russian resolves to
the holder and a tenure that holds on a day inside it and not outside; a former coach or mayor
presented as sitting on a later page is stale, the sitting one is current, and past narration
with a year is not stale. Bare titles that are common words ("the coach said", "Mayor Adams",
"тренер Шевченко") and a surname two holders under one team share resolve to nobody.
Cases written for these tests."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from helpers import holds_on, mentioned_facts, verdict

from dedupe_audit.dating.eras import screened_facts

FILES = ("sports.toml", "mayors.toml", "institutions.toml")


def _ids() -> set[str]:
    """The fact ids of the three files."""
    folder = resources.files("dedupe_audit").joinpath("data", "eras")
    return {fact["id"] for name in FILES
            for fact in tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))["facts"]}


@pytest.mark.parametrize(
    ("text", "fact_id", "inside", "outside"),
    [
        # one coach, two teams: the team in the title decides the tenure
        ("Thunder coach Billy Donovan praised the defence.", "nba-thunder-coach-donovan",
         "2018-01-01", "2022-01-01"),
        ("Chicago coach Billy Donovan praised the defence.", "nba-bulls-coach-donovan",
         "2023-01-01", "2018-01-01"),
        ("Minnesota Wild coach Bruce Boudreau", "nhl-wild-coach-boudreau", "2018-01-01", "2021-01-01"),
        ("главный тренер «Вашингтона» Спенсер Карбери", "nhl-capitals-coach-carbery",
         "2024-01-01", "2022-01-01"),
        ("Chiefs coach Andy Reid", "nfl-chiefs-coach-reid", "2020-01-01", "2010-01-01"),
        ("Andy Reid, the Eagles coach, said", "nfl-eagles-coach-reid", "2010-01-01", "2020-01-01"),
        ("the Patriots' head coach Bill Belichick", "nfl-patriots-coach-belichick",
         "2015-01-01", "2024-06-01"),
        ("Yankees manager Aaron Boone", "mlb-yankees-manager-boone", "2020-01-01", "2016-01-01"),
        ("Manchester United manager Sir Alex Ferguson", "epl-manchester-united-manager-ferguson",
         "2010-01-01", "2015-01-01"),
        ("Jürgen Klopp, the Liverpool manager, said", "epl-liverpool-manager-klopp",
         "2019-01-01", "2025-01-01"),
        ("головний тренер мадридського «Реала» Карло Анчелотті", "real-madrid-coach-ancelotti",
         "2023-01-01", "2019-01-01"),
        ("Barcelona coach Xavi", "barcelona-coach-xavi-hernandez", "2022-06-01", "2025-01-01"),
        ("тренер збірної України Андрій Шевченко", "ukraine-football-coach-shevchenko",
         "2019-01-01", "2022-01-01"),
        ("главный тренер сборной России Станислав Черчесов", "russia-football-coach-cherchesov",
         "2018-06-01", "2022-01-01"),
        ("England manager Gareth Southgate", "england-football-coach-southgate", "2018-06-01", "2025-03-01"),
        ("Brazil coach Carlo Ancelotti", "brazil-football-coach-ancelotti", "2025-09-01", "2024-09-01"),
        # mayors and governors of cities
        ("New York City Mayor Bill de Blasio", "new-york-city-mayor-blasio", "2018-01-01", "2023-01-01"),
        ("Mayor Bill de Blasio said", "new-york-city-mayor-blasio", "2018-01-01", "2023-01-01"),
        ("Mayor of Chicago Rahm Emanuel", "chicago-mayor-emanuel", "2015-01-01", "2020-01-01"),
        ("Toronto Mayor Rob Ford", "toronto-mayor-ford", "2012-01-01", "2016-01-01"),
        ("Seattle Mayor Bruce Harrell", "seattle-mayor-harrell", "2024-01-01", "2026-06-01"),
        ("мер Києва Віталій Кличко", "kyiv-mayor-klitschko", "2020-01-01", "2013-01-01"),
        ("мэр Москвы Юрий Лужков", "moscow-mayor-luzhkov", "2005-01-01", "2012-01-01"),
        ("губернатор Санкт-Петербурга Георгий Полтавченко", "st-petersburg-governor-poltavchenko",
         "2015-01-01", "2019-01-01"),
        ("Tokyo Governor Yuriko Koike", "tokyo-governor-koike", "2020-01-01", "2015-01-01"),
        ("Berlin's governing mayor Klaus Wowereit", "berlin-mayor-wowereit", "2010-01-01", "2016-01-01"),
        ("мэр Парижа Анн Идальго", "paris-mayor-hidalgo", "2020-01-01", "2010-01-01"),
        # institutions
        ("IOC President Thomas Bach", "ioc-president-bach", "2020-01-01", "2025-09-01"),
        ("президент ФІФА Зепп Блаттер", "fifa-president-blatter", "2010-01-01", "2017-01-01"),
        ("NBA Commissioner David Stern", "nba-commissioner-stern", "2010-01-01", "2015-01-01"),
        ("BBC Director-General Tony Hall", "bbc-director-general-hall", "2015-01-01", "2021-01-01"),
        ("Fed Chairman Alan Greenspan", "us-fed-chair-greenspan", "2000-01-01", "2007-01-01"),
    ],
)
def test_mentions_resolve_to_holder_and_window(eras, text, fact_id, inside, outside):
    facts = mentioned_facts(text, eras)
    assert [f.fact_id for f in facts] == [fact_id]
    assert holds_on(facts[0], inside) and not holds_on(facts[0], outside)


@pytest.mark.parametrize(
    "text",
    [
        "The coach said the team would bounce back.",  # no name, no team
        "Head coach Billy Donovan said the team would bounce back.",  # which team? he had two
        "Coach Andy Reid called a timeout.",
        "The manager said the club would sign a striker.",
        "The mayor said the work would start in spring.",
        "Mayor Adams said the budget was balanced.",  # which Adams?
        "Mayor Eric Johnson opened the bridge.",  # a name other mayors may share
        "Falcons coach Smith",  # Mike Smith or Arthur Smith
        "The Liverpool manager slot is open again.",  # a word, not Arne Slot
        "тренер Шевченко провів тренування",  # a bare title and a common surname
        "тренер збірної України Шевченко",  # the first name is required for Shevchenko
        "мэр заявил о ремонте дорог",
        "Chicago's Rahm Emanuel",  # a city possessive also names him as ambassador
        "Deputy Mayor Bill de Blasio",  # not the mayor's title
        "Rangers coach Bruce Bochy",  # MLB managers are not "coach"; Bochy is not in NHL data
    ],
)
def test_bare_titles_and_shared_surnames_do_not_resolve(eras, text):
    assert mentioned_facts(text, eras) == []


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        # a former coach or mayor presented as sitting on a later page
        ("Oklahoma City coach Billy Donovan says the team will rebound.", "2025-03-01", "stale"),
        ("Wild coach Bruce Boudreau expresses confidence in his goalie.", "2025-03-01", "stale"),
        ("Головний тренер збірної України Андрій Шевченко заявляє, що команда готова до матчу.",
         "2024-05-01", "stale"),
        ("Мэр Москвы Юрий Лужков заявляет, что город готов к зиме.", "2015-05-01", "stale"),
        ("New York City Mayor Bill de Blasio says the subway is safe.", "2024-05-01", "stale"),
        # the sitting holder
        ("Oklahoma City coach Billy Donovan says the team will rebound.", "2019-03-01", "current"),
        ("Chiefs coach Andy Reid says the offence is ready.", "2024-10-01", "current"),
        ("Мер Києва Віталій Кличко заявляє, що місто готове до зими.", "2025-03-01", "current"),
        ("New York City Mayor Eric Adams says the subway is safe.", "2023-05-01", "current"),
    ],
)
def test_the_tenure_decides_the_verdict(eras, text, day, expected):
    found, why = verdict(text, day, eras)
    assert found == expected, why


@pytest.mark.parametrize(
    "text",
    [
        "In 2016 Thunder coach Billy Donovan led the team to the conference finals.",
        "У 2018 році головний тренер збірної Росії Станіслав Черчесов вивів команду до чвертьфіналу.",
        "In 2012 Mayor Michael Bloomberg banned large sugary drinks.",
    ],
)
def test_past_narration_with_a_year_is_not_stale(eras, text):
    found, why = verdict(text, "2025-12-01", eras)
    assert found != "stale", why


def test_the_screen_keys_these_facts_on_names_not_titles(eras):
    """A paragraph full of titles and no names reaches none of these facts (speed): each is
    keyed on a surname, not on "coach", "mayor", "тренер" or a team name."""
    titles = ("The Celtics coach met the Lakers' head coach, the Chicago mayor, the Mayor of New "
              "York, the Real Madrid manager, the England manager, the Germany coach, the NBA "
              "commissioner and the FIFA president. Головний тренер збірної України, тренер «Реала», "
              "главный тренер сборной России, мер Києва, мэр Москвы, губернатор Санкт-Петербурга.")
    assert not {f.fact_id for f in screened_facts(eras).for_text(titles)} & _ids()
