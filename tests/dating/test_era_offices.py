"""Offices that 2018-2020 news names and the first era files lacked: UK ministers and party
leaders, ambassadors, heads of international organisations, Taiwan's and Hong Kong's
leaders, Ukraine's prosecutors general and company chief executives. A mention in English,
Ukrainian or Russian resolves to the holder and a window that holds on a day inside the
tenure and not on a day outside it; titles that belong to someone else ("shadow chancellor",
Germany's chancellor, a bare "Ambassador", another company's CEO) resolve to nobody."""

from __future__ import annotations

import pytest
from helpers import holds_on, mentioned_facts

from dedupe_audit.dating.eras import find_mentions


@pytest.mark.parametrize(
    ("text", "fact_id", "inside", "outside"),
    [
        # UK government and parties, EN/UK/RU
        ("Chancellor Philip Hammond will deliver the budget.", "uk-chancellor-hammond",
         "2018-10-29", "2020-03-11"),
        ("Chancellor of the Exchequer Rishi Sunak announced the furlough scheme.", "uk-chancellor-sunak",
         "2020-03-20", "2023-03-20"),
        ("Канцлер скарбниці Філіп Гаммонд заявив про нові витрати.", "uk-chancellor-hammond",
         "2018-10-29", "2020-03-11"),
        ("британский министр финансов Риши Сунак", "uk-chancellor-sunak", "2021-03-03", "2019-03-03"),
        ("Home Secretary Priti Patel said the border would be secured.", "uk-home-secretary-patel",
         "2020-06-01", "2023-06-01"),
        ("Brexit Secretary Stephen Barclay told MPs", "uk-brexit-secretary-barclay",
         "2019-03-01", "2021-03-01"),
        ("міністр у справах Брекзиту Домінік Рааб подав у відставку", "uk-brexit-secretary-raab",
         "2018-10-01", "2019-10-01"),
        ("Health Secretary Matt Hancock says testing is ramping up", "uk-health-secretary-hancock",
         "2020-04-01", "2022-04-01"),
        ("Labour leader Jeremy Corbyn", "uk-labour-leader-corbyn", "2018-06-01", "2021-06-01"),
        ("лидер лейбористов Джереми Корбин", "uk-labour-leader-corbyn", "2018-06-01", "2021-06-01"),
        ("Tory leader Theresa May", "uk-conservative-leader-may", "2018-06-01", "2020-06-01"),
        ("Liberal Democrat leader Vince Cable", "uk-libdem-leader-cable", "2018-06-01", "2020-06-01"),
        ("Deputy Prime Minister Angela Rayner", "uk-deputy-prime-minister-rayner",
         "2025-01-10", "2025-10-10"),
        ("Commons Speaker John Bercow", "uk-commons-speaker-bercow", "2018-06-01", "2020-06-01"),
        ("Speaker of the House of Commons Sir Lindsay Hoyle", "uk-commons-speaker-hoyle",
         "2021-06-01", "2018-06-01"),
        ("Labour leader Sir Keir Starmer", "uk-labour-leader-starmer", "2021-06-01", "2019-06-01"),
        ("перший міністр Шотландії Нікола Стерджен", "scotland-first-minister-sturgeon",
         "2019-06-01", "2024-06-01"),
        ("мэр Лондона Садик Хан", "london-mayor-khan", "2019-06-01", "2015-06-01"),
        ("Bank of England Governor Mark Carney", "boe-governor-carney", "2019-06-01", "2021-06-01"),
        # ambassadors
        ("U.S. Ambassador to Russia Jon Huntsman met Lavrov.", "us-ambassador-russia-huntsman",
         "2018-07-01", "2020-07-01"),
        ("Посол США в Росії Джон Гантсман заявив", "us-ambassador-russia-huntsman",
         "2018-07-01", "2020-07-01"),
        ("посол США в России Джон Хантсман", "us-ambassador-russia-huntsman", "2018-07-01", "2020-07-01"),
        ("U.S. Ambassador to Ukraine Marie Yovanovitch", "us-ambassador-ukraine-yovanovitch",
         "2018-01-01", "2020-01-01"),
        ("U.S. Ambassador to NATO Kay Bailey Hutchison", "us-ambassador-nato-hutchison",
         "2019-01-01", "2022-01-01"),
        ("US Ambassador to Germany Richard Grenell", "us-ambassador-germany-grenell",
         "2019-01-01", "2021-01-01"),
        # the nominative "посол", not only "посла", "послом"
        ("посол США в ООН Ніккі Гейлі", "us-un-ambassador-haley", "2018-06-01", "2020-06-01"),
        ("Russian Ambassador Sergey Kislyak", "russia-ambassador-us-kislyak", "2016-12-01", "2018-12-01"),
        ("посол Росії в США Анатолій Антонов", "russia-ambassador-us-antonov", "2019-01-01", "2025-01-01"),
        # international organisations
        ("WHO Director-General Tedros Adhanom Ghebreyesus", "who-director-general-tedros",
         "2020-03-11", "2016-03-11"),
        ("IMF Managing Director Christine Lagarde", "imf-managing-director-lagarde",
         "2018-04-01", "2020-04-01"),
        ("ECB President Mario Draghi", "ecb-president-draghi", "2018-04-01", "2020-04-01"),
        ("директор-розпорядник МВФ Крістін Лагард", "imf-managing-director-lagarde",
         "2018-04-01", "2020-04-01"),
        ("глава ЕЦБ Кристин Лагард", "ecb-president-lagarde", "2020-04-01", "2018-04-01"),
        ("World Bank President Jim Yong Kim", "world-bank-president-jim-yong-kim",
         "2018-04-01", "2020-04-01"),
        # heads
        ("Taiwanese President Tsai Ing-wen", "taiwan-president-tsai-ing-wen", "2019-01-01", "2025-01-01"),
        ("Hong Kong leader Carrie Lam", "hong-kong-chief-executive-carrie-lam", "2019-08-01", "2023-08-01"),
        ("Hong Kong Chief Executive John Lee", "hong-kong-chief-executive-john-lee",
         "2023-01-01", "2020-01-01"),
        ("Prosecutor General Yuriy Lutsenko", "ukraine-prosecutor-general-lutsenko",
         "2019-03-01", "2020-03-01"),
        ("генпрокурор Руслан Рябошапка", "ukraine-prosecutor-general-ryaboshapka",
         "2019-12-01", "2021-12-01"),
        ("генеральный прокурор Украины Виктор Шокин", "ukraine-prosecutor-general-shokin",
         "2015-12-01", "2017-12-01"),
        # chief executives
        ("Boeing CEO Dennis Muilenburg said the 737 Max would fly again.", "boeing-ceo-muilenburg",
         "2019-04-01", "2020-04-01"),
        ("Dennis Muilenburg, the chief executive of Boeing, testified", "boeing-ceo-muilenburg",
         "2019-10-29", "2020-10-29"),
        ("генеральний директор Boeing Деніс Мюленбург", "boeing-ceo-muilenburg", "2019-04-01", "2020-04-01"),
        ("гендиректор Boeing Дэвид Кэлхун", "boeing-ceo-calhoun", "2021-04-01", "2025-04-01"),
        ("Twitter CEO Jack Dorsey", "twitter-ceo-dorsey", "2019-04-01", "2022-04-01"),
        ("Amazon CEO Jeff Bezos", "amazon-ceo-bezos", "2019-04-01", "2022-04-01"),
        ("Disney CEO Bob Iger", "disney-ceo-iger", "2024-04-01", "2021-04-01"),
        ("Exxon Mobil CEO Rex Tillerson", "exxonmobil-ceo-tillerson", "2016-06-01", "2017-06-01"),
        ("Volkswagen chief executive Herbert Diess", "volkswagen-ceo-diess", "2019-04-01", "2023-04-01"),
    ],
)
def test_new_office_mentions_resolve_to_holder_and_window(eras, text, fact_id, inside, outside):
    facts = mentioned_facts(text, eras)
    assert [f.fact_id for f in facts] == [fact_id]
    assert holds_on(facts[0], inside) and not holds_on(facts[0], outside)


@pytest.mark.parametrize(
    "text",
    [
        "Shadow Chancellor Rachel Reeves said Labour would borrow to invest.",
        "Rachel Reeves, the shadow chancellor, said",
        "Labour's shadow chancellor John McDonnell",
        "shadow health secretary Wes Streeting",
        "тіньовий канцлер Рейчел Рівз",
        "теневой канцлер Рейчел Ривз",
    ],
)
def test_shadow_ministers_are_not_the_minister(eras, text):
    assert not [f for f in mentioned_facts(text, eras) if f.office.startswith("uk-")]


def test_chancellor_alone_resolves_by_the_name(eras):
    """'Chancellor' is Germany's and Britain's: the holder's name tells them apart."""
    assert [f.fact_id for f in mentioned_facts("Chancellor Olaf Scholz met.", eras)] == (
        ["german-chancellor-scholz"])
    assert [f.fact_id for f in mentioned_facts("канцлер Німеччини Олаф Шольц", eras)] == (
        ["german-chancellor-scholz"])
    assert [f.fact_id for f in mentioned_facts("Chancellor Rishi Sunak", eras)] == ["uk-chancellor-sunak"]
    assert mentioned_facts("Chancellor Brown said", eras) == []  # first name required for Gordon Brown


def test_one_person_in_several_offices_is_told_apart_by_the_title(eras):
    (home,) = mentioned_facts("Home Secretary Sajid Javid", eras)
    (chancellor,) = mentioned_facts("Chancellor Sajid Javid", eras)
    (health,) = mentioned_facts("Health Secretary Sajid Javid", eras)
    assert [home.office, chancellor.office, health.office] == [
        "uk-home-secretary", "uk-chancellor", "uk-health-secretary"]
    assert home.terms[-1].end <= chancellor.terms[0].start < chancellor.terms[-1].end <= health.terms[0].start


def test_former_ceo_is_retrospective(eras):
    (former,) = find_mentions("former Boeing CEO Dennis Muilenburg said", eras)
    (sitting,) = find_mentions("Boeing CEO Dennis Muilenburg said", eras)
    assert former.fact.fact_id == sitting.fact.fact_id == "boeing-ceo-muilenburg"
    assert former.cue is not None and sitting.cue is None
    (ukrainian,) = find_mentions("колишній генеральний директор Boeing Деніс Мюленбург", eras)
    assert ukrainian.cue is not None


@pytest.mark.parametrize(
    "text",
    [
        "Ambassador Jon Huntsman arrived.",  # no country: he was also ambassador to China
        "CEO Dennis Muilenburg said",  # no company
        "SpaceX CEO Elon Musk",  # not Twitter's
        "chief executive John Lee",  # a company's, not Hong Kong's
        "Hong Kong leader Lee said",  # 'Lee' alone is too common
        "Vice President Lai Ching-te",  # Taiwan's vice president before 2024, not its president
        "Exxon CEO Woods said",  # 'Woods' alone: the first name is required
        "Apple CEO Tim Cook",  # left out: whether he is in office in late 2026 is not known
        "Ambassador to Russia Sullivan",  # 'Sullivan' alone: Jake Sullivan was national security adviser
    ],
)
def test_titles_for_someone_else_do_not_resolve(eras, text):
    assert mentioned_facts(text, eras) == []
