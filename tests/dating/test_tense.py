"""The clause frame of a mention (tense.py) and what staleness makes of it: speaking FROM an
era (present, perfect, future, the day's news) versus speaking ABOUT it (past narration,
comparisons, a later holder named sitting). Cases written for these tests, EN/UK/RU."""

from __future__ import annotations

import pytest
from helpers import page, verdicts

from dedupe_audit.dating.tense import (
    BARE,
    CURRENT,
    PAST,
    PAST_PERFECT,
    REPORTING,
    clause_tense,
    future_clause,
    recent_in_clause,
)


def frame(text: str, mention: str) -> tuple[str, str, bool]:
    at = text.index(mention)
    found = clause_tense(text, at, at + len(mention))
    return found.frame, found.verb, found.subject


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("Foreign Minister Ada Lovelace has been clear about the terms.", "Ada Lovelace",
         (CURRENT, "has been", True)),
        ("Governor Ada Lovelace will meet the delegation on Monday.", "Ada Lovelace",
         (CURRENT, "will meet", True)),
        ("Governor Ada Lovelace is expected in Brussels.", "Ada Lovelace",
         (CURRENT, "is expected", True)),
        ("Governor Ada Lovelace says the budget is sound.", "Ada Lovelace",
         (CURRENT, "says", True)),
        ("Governor Ada Lovelace, a Democrat, said the budget was sound.", "Ada Lovelace",
         (REPORTING, "said", True)),
        ("“We are ready,” said Governor Ada Lovelace.", "Ada Lovelace",
         (REPORTING, "said", False)),
        ("Governor Ada Lovelace failed to pass the budget.", "Ada Lovelace",
         (PAST, "failed", True)),
        ("Governor Ada Lovelace had warned of this.", "Ada Lovelace",
         (PAST_PERFECT, "had warned", True)),
        ("Critics said Governor Ada Lovelace would have vetoed it.", "Ada Lovelace",
         (PAST_PERFECT, "would have", True)),
        ("He once kept Governor Ada Lovelace waiting.", "Ada Lovelace",
         (PAST, "kept", False)),
        ("Governor Ada Lovelace, who heads the panel, spoke first.", "Ada Lovelace",
         (CURRENT, "who heads", True)),
        ("the charges filed by Governor Ada Lovelace", "Governor Ada Lovelace",
         (PAST, "filed", True)),
        ("the policies of the Lovelace administration", "Lovelace administration",
         (BARE, "", False)),
        ("Governor Ada Lovelace’s budget was passed.", "Ada Lovelace", (BARE, "", False)),
        ("Губернатор Ада Лавлейс заявляє, що бюджет збалансований.", "Ада Лавлейс",
         (CURRENT, "заявляє", True)),
        ("Губернатор Ада Лавлейс заявила, що бюджет збалансований.", "Ада Лавлейс",
         (REPORTING, "заявила", True)),
        ("Губернатор Ада Лавлейс провалила бюджет.", "Ада Лавлейс", (PAST, "провалила", True)),
        ("Губернатор Ада Лавлейс встретится с делегацией.", "Ада Лавлейс",
         (CURRENT, "встретится", True)),
        # the past form with "still not" or "already" is a present perfect
        ("Губернатор Ада Лавлейс досі не підписала бюджет.", "Ада Лавлейс",
         (CURRENT, "досі не підписала", True)),
        ("Губернатор Ада Лавлейс до сих пор не подписала бюджет.", "Ада Лавлейс",
         (CURRENT, "до сих пор не подписала", True)),
        ("Губернатор Ада Лавлейс уже подписала бюджет.", "Ада Лавлейс",
         (CURRENT, "уже подписала", False)),
        # "так и не" is a summary of the past ("never did"), not a state now
        ("Губернатор Ада Лавлейс так и не подписала бюджет.", "Ада Лавлейс",
         (REPORTING, "подписала", True)),
        ("Губернатор Ада Лавлейс сказала, что бюджет в порядке.", "Ада Лавлейс",
         (REPORTING, "сказала", True)),
        # a temporal clause narrates the statement it names: not the day's news
        ("After Governor Ada Lovelace declared victory, the party split.", "Governor Ada Lovelace",
         (PAST, "after ... declared", True)),
        ("When Governor Ada Lovelace said so, few listened.", "Governor Ada Lovelace",
         (PAST, "when ... said", True)),
        ("The party split after Governor Ada Lovelace's speech.", "Governor Ada Lovelace",
         (BARE, "", False)),
        # the object of a preposition is not the subject of the verb after it
        ("The charges against Governor Ada Lovelace are weak.", "Governor Ada Lovelace",
         (BARE, "", False)),
        ("As Governor Ada Lovelace says, the budget is sound.", "Governor Ada Lovelace",
         (CURRENT, "says", True)),
    ],
)
def test_clause_frame(text, mention, expected):
    assert frame(text, mention) == expected


def test_recent_day_and_future_year():
    text = "Governor Ada Lovelace vetoed the bill on Friday, aides said."
    at = text.index("Ada")
    assert recent_in_clause(text, at, at + 12)
    quoted = "“Governor Ada Lovelace vetoed it,” he said on Friday."
    at = quoted.index("Ada")
    assert not recent_in_clause(quoted, at, at + 12)  # the day belongs to the other clause
    today = "Governor Ada Lovelace vetoed the bill today."
    assert recent_in_clause(today, today.index("Ada"), today.index("Ada") + 12)
    # "today's" as an adjective is the present day at large, not a day of news
    era = "Today’s party, pushed leftward by Governor Ada Lovelace, lost its way."
    assert not recent_in_clause(era, era.index("Ada"), era.index("Ada") + 12)
    ahead = "The agency will finish the bridge by the end of 2020."
    assert future_clause(ahead, ahead.index("2020"), ahead.index("2020") + 4) is not None
    done = "The agency had finished the bridge by the end of 2020."
    assert future_clause(done, done.index("2020"), done.index("2020") + 4) is None


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    "text",
    [
        "Secretary of State Antony Blinken has repeatedly urged restraint.",
        "Secretary of State Antony Blinken will travel to Kyiv next week.",
        "Secretary of State Antony Blinken said the talks were constructive.",
        "The Biden administration said on Monday it would impose new tariffs on steel.",
        "Держсекретар США Ентоні Блінкен заявляє, що переговори тривають.",
        "Госсекретарь США Энтони Блинкен посетит Киев.",
    ],
)
def test_speaking_from_an_ended_era_is_stale(eras, text):
    (result,) = verdicts(page([text]), "2025-06-01", eras)
    assert result.verdict == "stale"
    assert result.markers[0].tense  # the tense that decided is recorded on the marker
    assert result.markers[0].tense.split(":")[0] in result.explanation


@pytest.mark.parametrize(
    "text",
    [
        "In some respects the new policy went further than the Biden administration.",
        "The talks had been prepared by Secretary of State Antony Blinken.",
        "Critics say Secretary of State Antony Blinken would have handled it differently.",
        "He once kept President Joe Biden waiting for forty minutes.",
        # "former" dates a role defined by the holder's time in office
        "Jane Roe, a former spokeswoman for Secretary of State Antony Blinken, now runs a firm.",
        "A one-time aide to President Joe Biden wrote the foreword.",
        # what a government did is history; what it says is the news of its time
        "The Biden administration did, in the end, impose new tariffs on steel.",
        "Адміністрація Байдена зрештою запровадила нові мита на сталь.",
        "Колишній держсекретар США Ентоні Блінкен прибув до Києва.",
        "Бывший госсекретарь США Энтони Блинкен посетил Киев.",
    ],
)
def test_speaking_about_an_ended_era_is_not_stale(eras, text):
    (result,) = verdicts(page([text]), "2025-06-01", eras)
    assert result.verdict != "stale", result.explanation


def test_a_later_holder_named_sitting_makes_a_bare_title_retrospective(eras):
    seg = page(["President Donald Trump met European leaders in Rome.",
                "President Joe Biden sought a different path with Moscow."])
    _, older = verdicts(seg, "2025-06-01", eras, blocks=[0, 1])
    assert older.verdict != "stale"
    assert "President Donald Trump" in older.explanation and "sitting" in older.explanation


def test_present_tense_beats_counter_evidence(eras):
    seg = page(["President Donald Trump met European leaders in Rome.",
                "President Joe Biden says the alliance must hold."])
    _, older = verdicts(seg, "2025-06-01", eras, blocks=[0, 1])
    assert older.verdict == "stale"


def test_a_reported_statement_is_not_turned_into_history_by_a_later_holder(eras):
    # host text names the sitting secretary general; the pasted paragraph reports his
    # predecessor speaking, which is the news of the predecessor's own time
    seg = page(["Secretary General Mark Rutte has called for higher spending.",
                "NATO Secretary General Jens Stoltenberg said Georgia will become a member."])
    _, older = verdicts(seg, "2025-06-01", eras, blocks=[0, 1])
    assert older.verdict == "stale", older.explanation
    # past narration of the predecessor stays history beside the sitting holder
    seg = page(["Secretary General Mark Rutte has called for higher spending.",
                "NATO Secretary General Jens Stoltenberg believed the alliance would grow."])
    _, older = verdicts(seg, "2025-06-01", eras, blocks=[0, 1])
    assert older.verdict != "stale"
    assert "Rutte" in older.explanation and "sitting" in older.explanation


def test_a_past_meeting_is_history_beside_the_sitting_holder(eras):
    # only a holder reported *saying* something escapes counter-evidence, not one met
    seg = page(["President Donald Trump says the talks will go on.",
                "The former senator met with President Barack Obama in the Oval Office."])
    _, older = verdicts(seg, "2018-06-01", eras, blocks=[0, 1])
    assert older.verdict != "stale", older.explanation


@pytest.mark.parametrize(("text", "verdict"), [
    ("That warning was sounded by Dan Coats, the director of national intelligence, "
     "on the same day.", "stale"),
    ("The report reached Dan Coats, the director of national intelligence.", "stale"),
    ("Вашингтон вислухав Дена Коутса, директора національної розвідки США.", "stale"),
    # the role is dated by the person it served, or marked as past: no apposition claim
    ("“Off track,” wrote Stephen Hadley, the national security adviser for George W. Bush.",
     "undetermined"),
    ("That warning was sounded by Dan Coats, the former director of national intelligence.",
     "undetermined"),
    ("In 2018 the warning was sounded by Dan Coats, the director of national intelligence.",
     "undetermined"),
    # history told around it: the role is the one of then
    ("During his first term, Trump fired Dan Coats, the director of national intelligence, by "
     "tweet.", "undetermined"),
    ("The book recounts how Dan Coats, the director of national intelligence, argued with the "
     "president.", "undetermined"),
])
def test_an_apposition_names_the_role_at_the_time_of_writing(eras, text, verdict):
    # past narration around it does not matter: "X, the director" describes X as the
    # writer knows them, and a sitting successor named elsewhere does not change that
    seg = page(["Director of National Intelligence Tulsi Gabbard has said little.", text])
    _, result = verdicts(seg, "2025-06-01", eras, blocks=[0, 1])
    assert result.verdict == verdict, result.explanation


@pytest.mark.parametrize(("text", "verdict"), [
    # a year naming an event that may still be ahead does not date the sentence
    ("There are no signs the rebels are targeting the 2024 elections, Secretary of State "
     "Antony Blinken told reporters on Friday.", "stale"),
    ("Secretary of State Antony Blinken will attend the 2024 NATO summit in Washington.", "stale"),
    # a year that dates the sentence makes the mention history
    ("In 2023, Secretary of State Antony Blinken told reporters the talks had stalled.",
     "undetermined"),
    # the same event in past narration still dates the sentence
    ("Secretary of State Antony Blinken said there was no fraud in the 2022 midterm elections.",
     "undetermined"),
    ("Secretary of State Antony Blinken negotiated the 2022 budget with Congress.", "undetermined"),
])
def test_a_year_naming_an_event_does_not_date_the_sentence(eras, text, verdict):
    (result,) = verdicts(page([text]), "2025-06-01", eras)
    assert result.verdict == verdict, result.explanation


def test_a_hyphenated_title_is_the_same_title(eras):
    for text in ("EU foreign-policy chief Federica Mogherini says the bloc will respond.",
                 "Federica Mogherini, the EU's foreign-policy chief, says the bloc will respond."):
        (result,) = verdicts(page([text]), "2025-06-01", eras)
        assert result.verdict == "stale" and "Mogherini" in result.markers[0].phrase


@pytest.mark.parametrize(("text", "page_date", "verdict"), [
    # a person is named by the office they held last when the text was written
    ("Investigators asked about former Vice President Joe Biden and his son.", "2025-07-01", "stale"),
    ("Слідчі питали про колишнього віцепрезидента Джо Байдена.", "2025-07-01", "stale"),
    ("Следователи спрашивали о бывшем вице-президенте Джо Байдене.", "2025-07-01", "stale"),
    ("Investigators asked about former Vice President Joe Biden and his son.", "2019-11-20",
     "undetermined"),
    # "then-" is a title of its time; a later candidacy is no office; an office taken up days
    # later leaves no time between; a dated sentence is history
    ("Investigators asked about then-Vice President Joe Biden and his son.", "2025-07-01",
     "undetermined"),
    ("Donors backed former Secretary of State Hillary Clinton.", "2018-07-01", "undetermined"),
    ("Donors backed former Sen. Joe Biden.", "2025-07-01", "undetermined"),
    ("In 2019, investigators asked about former Vice President Joe Biden.", "2025-07-01",
     "undetermined"),
    # once the later office is left, the old title is a normal name again, unless the later
    # office headed the government ("former President Biden", never "former Vice President")
    ("Former Prime Minister David Cameron said the decision had been a mistake.", "2025-06-01",
     "undetermined"),
    ("Former ECB President Mario Draghi warned of a slow agony.", "2025-06-01", "undetermined"),
    # a nomination is no office; the sentence may say the career went on; a role beside the
    # title ("a former adviser to") is someone else's
    ("Former presidential nominee Mitt Romney criticized the tariffs.", "2025-06-01",
     "undetermined"),
    ("Former Texas Gov. Rick Perry, who later served as energy secretary, endorsed the plan.",
     "2018-06-01", "undetermined"),
    ("Mike Donilon, a former adviser to Vice President Joe Biden, said so.", "2022-06-01",
     "undetermined"),
])
def test_a_former_title_dates_the_text_before_the_persons_later_office(eras, text, page_date,
                                                                       verdict):
    (result,) = verdicts(page([text]), page_date, eras)
    assert result.verdict == verdict, result.explanation
    if verdict == "stale":
        assert "before becoming US president" in result.markers[0].fact


def test_a_knighthood_between_title_and_name(eras):
    (result,) = verdicts(page(["Prime Minister Sir Keir Starmer says the plan will work."]),
                         "2023-06-01", eras)
    assert result.verdict == "stale" and "Starmer" in result.markers[0].phrase


def test_scheduled_events_must_be_a_list_of_patterns():
    import tomllib

    from dedupe_audit.dating.time_expressions import TimeLanguageError, parse_time_language
    from dedupe_audit.rules.datafiles import data_file

    data = tomllib.loads(data_file("dates.toml"))
    assert parse_time_language(data).scheduled.match(" midterm elections")
    for bad in ("midterms", ["(unclosed"]):
        with pytest.raises(TimeLanguageError, match="scheduled_events"):
            parse_time_language({**data, "scheduled_events": bad}, "user.toml")


def test_predecessor_dates_the_text_to_the_successor(eras):
    text = "Trump contrasted his approach with that of his predecessor, President Barack Obama."
    assert verdicts(page([text]), "2025-06-01", eras)[0].verdict == "stale"
    assert verdicts(page([text]), "2018-06-01", eras)[0].verdict == "current"


def test_two_term_holder_read_in_the_tenure_that_fits(eras):
    text = ("President Donald Trump and Secretary of State Mike Pompeo have both "
            "signalled support.")
    (result,) = verdicts(page([text]), "2025-06-01", eras)
    assert result.verdict == "stale"
    trump = next(m for m in result.markers if "Trump" in m.phrase)
    assert (trump.valid_from, trump.valid_to) == ("2017-01-20", "2021-01-20")


@pytest.mark.parametrize(
    ("text", "page_date", "verdict"),
    [
        ("Apple will ship the new laptops in the first half of 2020.", "2025-06-01", "stale"),
        ("NASA aims to land astronauts on the moon by 2024.", "2025-06-01", "stale"),
        ("NASA aims to land astronauts on the moon by 2024.", "2022-06-01", "current"),
        ("Officials are preparing for threats heading into the 2018 midterm elections.",
         "2025-06-01", "stale"),
        ("The agency had finished the bridge by the end of 2020.", "2025-06-01", "undetermined"),
        ("Russia interfered in the 2016 election, investigators found.", "2025-06-01",
         "undetermined"),
        ("Until then, the FBI had informed him ahead of the 2016 election.", "2025-06-01",
         "undetermined"),
    ],
)
def test_dated_expressions_presented_as_future(eras, text, page_date, verdict):
    assert verdicts(page([text]), page_date, eras)[0].verdict == verdict


@pytest.mark.parametrize(
    ("text", "page_date", "verdict"),
    [
        ("Officials must prepare for attacks in this year's midterms.", "2025-06-01", "stale"),
        ("Officials must prepare for attacks in this year's midterms.", "2022-06-01", "current"),
        ("States are preparing for next year's midterm elections.", "2025-06-01", "current"),
        ("States are preparing for next year's midterm elections.", "2024-06-01", "stale"),
    ],
)
def test_recurring_events_named_by_a_relative_year(eras, text, page_date, verdict):
    assert verdicts(page([text]), page_date, eras)[0].verdict == verdict
