"""Furniture told by its neighbours (dedupe_audit/page_context.py) and the rules added for it
(bare and chained credit lines, captions pointing into their picture). Every page here is
written for these tests (EN, UK, RU), none is copied from an eval set. Each positive has a
negative beside it: the same shape of line where the page around it makes it article text."""

from __future__ import annotations

import pytest
from helpers import segmented

from dedupe_audit.rules.datafiles import parse_toml
from dedupe_audit.rules.saferegex import RuleFileError
from dedupe_audit.segment.boilerplate import classify, load_rules
from dedupe_audit.segment.furniture import low_content_evidence
from dedupe_audit.segment.page_context import (
    BETWEEN_FURNITURE,
    CAPTION_BY_CREDIT,
    HEADLINE_AMONG_FURNITURE,
    LINK_AFTER_LABEL,
    STORY_LIST_ITEM,
    TEASER_PAGE,
    headline_shaped,
    load_settings,
)

RULES = load_rules()
SETTINGS = load_settings()

# Article paragraphs long enough to be text wherever they stand.
BODY_1 = ("The city council voted on Tuesday to close the old bridge for repairs, a decision that "
          "will divert traffic through the northern districts for at least six months, officials said.")
BODY_2 = ("Residents of the northern districts have complained for years about congestion, and several "
          "of them told the council that the detour would make the morning commute twice as long.")
BODY_3 = ("The repairs are expected to cost about $40 million, most of it from a state grant that the "
          "city received last year after an inspection found cracks in two of the bridge's supports.")


def verdicts(*paragraphs: str) -> dict[str, str | None]:
    """Each paragraph's text -> the rule that called it furniture (None: body)."""
    seg = segmented("\n\n".join(paragraphs))
    return {p.text: p.boilerplate_rule for p in seg.paragraphs}


def test_caption_between_two_credit_lines_is_furniture() -> None:
    caption = "Volunteers carry sandbags along the flooded embankment near the old bridge"
    found = verdicts(BODY_1, "Anna Kowalska, AP", caption, "Photo: Mark Jensen/Reuters", BODY_2, BODY_3)
    assert found[caption] == BETWEEN_FURNITURE
    assert found["Anna Kowalska, AP"] == "photo-credit"  # the bare credit line rule
    assert found[BODY_1] is None and found[BODY_2] is None


def test_short_quote_between_article_paragraphs_stays_body() -> None:
    quote = '"We will not back down," he said.'
    found = verdicts(BODY_1, quote, BODY_2, "Advertisement", BODY_3)
    assert found[quote] is None
    assert found[BODY_2] is None  # next to an ad slot (stepped over as neutral), still text


def test_article_paragraph_between_two_captions_stays_body() -> None:
    """Picture-heavy pages put a caption between every two paragraphs: a caption of eight
    words or more is stepped over, so the paragraph between two of them stays text."""
    middle = "She wore a long grey coat and waved to the crowd before the motorcade left the airport."
    caption_1 = "Visitors walk past the entrance of the museum in Lviv, Ukraine, May 3, 2024."
    caption_2 = "Visitors queue outside the museum in Lviv, Ukraine, May 3, 2024."
    found = verdicts(BODY_1, caption_1, middle, caption_2, BODY_2)
    assert found[caption_1] == "photo-caption" and found[caption_2] == "photo-caption"
    assert found[middle] is None


@pytest.mark.parametrize(
    "lead",
    [
        "KYIV (AP) — The government approved a new budget on Friday after a week of talks.",
        "КИЇВ — Уряд ухвалив новий бюджет у п'ятницю після тижня переговорів з партнерами.",
        "МОСКВА, 15 июля — Правительство одобрило новый бюджет после недели переговоров.",
    ],
)
def test_a_dateline_lead_between_byline_and_credit_stays_body(lead: str) -> None:
    found = verdicts("Budget approved", "By Jane Doe and John Roe", lead, "Олег Петров/УНІАН", BODY_1)
    assert found["By Jane Doe and John Roe"] == "byline"
    assert found[lead] is None


def test_a_lead_under_a_dateline_split_onto_its_own_line_stays_body() -> None:
    lead = "The Latest on the council's vote to close the old bridge (all times local):"
    found = verdicts("Bridge vote", "By Jane Doe", "LVIV", lead, "1:05 p.m.", BODY_1, BODY_2)
    assert found[lead] is None


def test_an_article_paragraph_between_widgets_stays_body() -> None:
    """A sign-up box and a related-links block are dropped into an article's text; a sentence
    between them is the article's. Only a credit, a byline or a timestamp makes it a caption."""
    middle = ("Much of the debate in the council has focused on the cost of the repairs, which several "
              "members said had been underestimated by the city's engineers.")
    found = verdicts(BODY_1, "Thank you for signing up! Sign up for more newsletters here", middle,
                     "Related Links", "Read: Council delays vote on the new tram line", BODY_2)
    assert found["Thank you for signing up! Sign up for more newsletters here"] == "sign-up"
    assert found["Read: Council delays vote on the new tram line"] == LINK_AFTER_LABEL
    assert found[middle] is None


def test_caption_without_dateline_between_credit_and_byline_is_furniture() -> None:
    caption = "The finance minister speaks to reporters after the vote in parliament."
    found = verdicts("Budget approved", "Олег Петров/УНІАН", caption, "By Jane Doe and John Roe", BODY_1)
    assert found[caption] == BETWEEN_FURNITURE
    assert found[BODY_1] is None


@pytest.mark.parametrize(
    "lead",
    [
        "The government approved a new budget on Friday after a week of talks with lenders, cutting "
        "spending on roads and raising pensions by a tenth from January.",
        "Уряд ухвалив новий бюджет у п'ятницю після тижня переговорів із кредиторами, скоротивши "
        "видатки на дороги й підвищивши пенсії на десяту частину.",
        "Правительство одобрило новый бюджет в пятницу после недели переговоров с кредиторами, "
        "сократив расходы на дороги и повысив пенсии на десятую часть.",
    ],
)
def test_a_lead_without_dateline_between_byline_and_credit_stays_body(lead: str) -> None:
    """The text right under the page's byline is its lead, with or without a dateline (most
    British and Ukrainian leads have none), though a picture's credit follows it."""
    found = verdicts("Budget approved", "By Jane Doe", lead, "Oleh Petrov/AP", BODY_1, BODY_2)
    assert found["By Jane Doe"] == "byline" and found["Oleh Petrov/AP"] == "photo-credit"
    assert found[lead] is None


def test_bylined_teasers_of_a_story_list_are_furniture() -> None:
    """A story list prints a byline over each teaser: the first byline there leads no story."""
    teaser_1 = "The link between the price of gold and the yuan has become plain in recent weeks."
    teaser_2 = "After a week of losses, the shares of the carmaker rose sharply on upbeat delivery numbers."
    found = verdicts("Why the markets shrugged off the summit",
                     "by Northern Bullion - Jul 14, 2018 7:00 am", teaser_1, "Jul 14, 2018 7:00 AM",
                     "by a staff writer - Jul 14, 2018 2:45 pm", teaser_2, "Jul 14, 2018 2:45 PM",
                     BODY_1, BODY_2, BODY_3)
    assert found[teaser_1] == BETWEEN_FURNITURE and found[teaser_2] == BETWEEN_FURNITURE
    assert found[BODY_1] is None


def test_a_title_shaped_line_beside_a_credit_is_a_caption() -> None:
    caption = "The finance minister and the central bank governor in Kyiv"
    lead = "KYIV (AP) — The government approved a new budget on Friday after a week of talks."
    found = verdicts("Parliament approves the budget for next year", "By Jane Doe", "Олег Петров/УНІАН",
                     caption, lead, BODY_1)
    assert found[caption] == CAPTION_BY_CREDIT
    assert found["Parliament approves the budget for next year"] is None  # the page's title


@pytest.mark.parametrize(
    ("label", "topics", "title", "lead"),
    [
        ("Trending Now", ["Old bridge repairs", "City budget vote", "Tram line delays"],
         "Council votes to close the old bridge for six months", BODY_1),
        ("Популярне", ["Ремонт мосту в Києві", "Бюджет міста на рік"],
         "Рада проголосувала за закриття старого мосту на пів року",
         "Міська рада у вівторок проголосувала за закриття старого мосту на ремонт, і рух "
         "транспорту спрямують через північні райони щонайменше на шість місяців."),
    ],
)
@pytest.mark.parametrize("byline", [False, True])
def test_the_title_under_a_ticker_label_stays_body(label: str, topics: list[str], title: str, lead: str,
                                                    byline: bool) -> None:
    """A link label over a ticker of topics at the page's top: the ticker's links are links, the
    last headline-shaped line before the byline or the lead is the page's title."""
    found = verdicts(label, *topics, title, *(["By Jane Doe"] if byline else []), lead, BODY_2)
    assert {found[topic] for topic in topics} == {LINK_AFTER_LABEL}
    assert found[title] is None and found[lead] is None


def test_the_title_under_a_menu_stays_body() -> None:
    title = "Parliament approves the budget for next year: what is known"
    found = verdicts("$41.45", "Electricity outage schedules", title, "Kyiv • UNN", BODY_1, BODY_2)
    assert found["Electricity outage schedules"] == "navigation"
    assert found[title] is None


def test_a_subheading_beside_a_long_caption_stays_body() -> None:
    """A caption that ends in its credit is no credit line: the subheading under it is the
    article's."""
    caption = ("The finance minister speaks to reporters after the vote in parliament in Kyiv. "
               "Oleh Petrov/Getty Images")
    subheading = "What the new budget means for pensions"
    found = verdicts(BODY_1, BODY_2, caption, subheading, BODY_3)
    assert found[caption] is not None
    assert found[subheading] is None


@pytest.mark.parametrize(
    "subheading", ["What the closure means for commuters", "Що означає закриття мосту для пасажирів"])
def test_a_subheading_under_a_credit_stays_body(subheading: str) -> None:
    """A picture ends a section and a subheading opens the next: a headline-shaped line under a
    credit with article text right after it is the article's; a caption sits above its credit."""
    found = verdicts(BODY_1, BODY_2, "Oleh Petrov/Reuters", subheading, BODY_3)
    assert found["Oleh Petrov/Reuters"] == "photo-credit"
    assert found[subheading] is None


def test_a_title_shaped_caption_above_its_credit_is_a_caption() -> None:
    caption = "Volunteers on the flooded embankment near the old bridge"
    found = verdicts(BODY_1, BODY_2, caption, "Oleh Petrov/Reuters", BODY_3)
    assert found[caption] == CAPTION_BY_CREDIT
    assert found[BODY_3] is None


@pytest.mark.parametrize(
    ("label", "link"),
    [
        ("Related Articles", "Council delays vote on the new tram line until autumn"),
        ("Читайте також", "Уряд відклав голосування щодо нової трамвайної лінії"),
        ("Читайте также", "Правительство отложило голосование по новой линии трамвая"),
        ("Trending in Politics", "Mayor defends budget cuts at heated town hall"),
    ],
)
def test_headlines_under_a_link_label_are_links(label: str, link: str) -> None:
    second = "Police name suspect in warehouse fire"
    found = verdicts(BODY_1, label, link, second, BODY_2)
    assert found[link] == LINK_AFTER_LABEL and found[second] == LINK_AFTER_LABEL
    assert found[BODY_2] is None  # the list ends at the first line of another shape


CAPTION = "Visitors walk past the entrance of the museum in Lviv, Ukraine, May 3, 2024."


@pytest.mark.parametrize("after", [CAPTION, "Share this article"])
def test_a_bullet_list_beside_furniture_stays_body(after: str) -> None:
    bullets = ["A shuttle bus from the northern districts every ten minutes",
               "Free parking at the two stations during the works",
               "A new cycle lane along the river embankment", "Night work only on weekdays"]
    found = verdicts(BODY_1, "Advertisement", *bullets, after, BODY_2)
    assert found[after] is not None
    assert {found[bullet] for bullet in bullets} == {None}


def test_links_under_a_label_run_on_past_an_abbreviation() -> None:
    links = ["Mayor meets union leaders before summit", "Son of Clinton Twp. officer wins award City Herald",
             "Police name suspect in warehouse fire"]
    found = verdicts(BODY_1, BODY_2, "Trending Videos", *links, BODY_3)
    assert {found[link] for link in links} == {LINK_AFTER_LABEL}
    assert found[BODY_3] is None


def test_a_sentence_under_a_link_label_stays_body() -> None:
    sentence = "The council said the bridge would reopen in the spring, weather permitting."
    found = verdicts(BODY_1, "Read more", sentence, BODY_2)
    assert found[sentence] is None


def test_a_story_list_after_the_article_is_furniture() -> None:
    teaser_1 = ("Two days before the summit, the mayor met union leaders and promised to keep the depot "
                "open through the winter, according to people at the meeting.")
    teaser_2 = ("Shares of the city's largest employer fell sharply on Monday after it warned that orders "
                "had dropped for a third quarter in a row.")
    found = verdicts(BODY_1, BODY_2, BODY_3, "Tags:",
                     "Mayor meets union leaders before summit", "July 14, 2018, 5:49 pm", teaser_1,
                     "Largest employer warns on orders", "July 13, 2018, 9:01 pm", teaser_2)
    assert found[teaser_1] == STORY_LIST_ITEM
    assert found[teaser_2] == STORY_LIST_ITEM
    assert found["Largest employer warns on orders"] in (BETWEEN_FURNITURE, HEADLINE_AMONG_FURNITURE)
    assert found[BODY_1] is None and found[BODY_2] is None


def test_a_live_blog_of_titled_entries_is_not_a_story_list() -> None:
    entries = [
        f"Entry {n}: the council resumed its debate on the bridge repairs and heard from residents of "
        f"the northern districts, who asked for a shuttle bus during the works."
        for n in range(4)
    ]
    page = ["The Latest: council debates the bridge repairs"]
    for n, entry in enumerate(entries):
        page += [f"Council hears residents on bridge works, part {n + 1}", f"{n + 1}:05 p.m.", entry]
    found = verdicts(*page)
    assert {found[entry] for entry in entries} == {None}


def test_title_byline_lead_and_subheading_once_is_not_a_story_list() -> None:
    """One headline-furniture-text-headline run is an article's own top: title, byline, lead
    and a subheading. A story list needs the rhythm twice."""
    lead = ("The city will close the old bridge for six months from Monday, the council decided after a "
            "long debate on Tuesday night.")
    found = verdicts("Old bridge to close for repairs", "By Jane Doe", lead, "What happens next",
                     BODY_2, BODY_3)
    assert found[lead] is None


def test_an_aggregator_page_is_furniture_as_a_whole() -> None:
    snippets = [
        f"Story number {n} says the council met on Tuesday and agreed to study the bridge repairs further."
        for n in range(7)
    ]
    page = ["Bridge repairs", "Top coverage"]
    for snippet in snippets:
        page += [snippet, "amp", "more_vert", "City Herald"]
    seg = segmented("\n\n".join(page))
    assert {p.boilerplate_rule for p in seg.paragraphs if p.text in snippets} == {TEASER_PAGE}
    assert all(not p.is_body for p in seg.paragraphs)


@pytest.mark.parametrize(
    ("slot", "paragraph"),
    [
        ("Advertisement", "Part {n}: the council heard residents of the northern districts, who asked for a "
                          "shuttle bus during the works."),
        ("РЕКЛАМА:", "Частина {n}: депутати вислухали мешканців північних районів, які просили автобус "
                     "на час ремонту."),
        ("Реклама", "Часть {n}: депутаты выслушали жителей северных районов, которые просили автобус на "
                    "время ремонта."),
        ("ADVERTISING", "Part {n}: the council heard residents of the northern districts, who asked for a "
                        "shuttle bus during the works."),  # a slot no rule names: one line repeated
    ],
)
def test_an_article_with_an_ad_slot_between_paragraphs_is_no_aggregator_page(
        slot: str, paragraph: str) -> None:
    """An ad slot between every two paragraphs leaves each of them alone between short lines,
    as an aggregator's snippets are; but a slot is the article's own, and it repeats where an
    aggregator's debris varies."""
    paragraphs = [paragraph.format(n=n) for n in range(7)]
    page = ["Council debates the bridge repairs"]
    for text in paragraphs:
        page += [text, slot]
    found = verdicts(*page)
    assert {found[text] for text in paragraphs} == {None}


def test_a_live_blog_of_one_paragraph_entries_stays_body() -> None:
    """A live blog prints its entries between time stamps; one-paragraph entries are its text."""
    entries = [
        f"Entry {n}: the council resumed its debate on the bridge repairs and heard from residents of "
        f"the northern districts, who asked for a shuttle bus during the works."
        for n in range(8)
    ]
    page = ["The Latest: council debates the bridge repairs", "By Jane Doe"]
    for n, entry in enumerate(entries):
        page += [f"{n + 1}:05 p.m.", entry]
    found = verdicts(*page)
    assert found["1:05 p.m."] == "posted-at"
    assert {found[entry] for entry in entries} == {None}


def test_a_list_of_names_with_addresses_is_not_an_aggregator_page() -> None:
    page = ["Best gifts of the year"]
    for n in range(8):
        page += [f"{n}) Wireless headphones with a charging case (model {n})", f"http://example.com/{n}"]
    page += [BODY_1]
    found = verdicts(*page)
    assert TEASER_PAGE not in found.values()


def test_a_page_of_article_text_alone_is_never_judged() -> None:
    found = verdicts(BODY_1, "A short line here", BODY_2, BODY_3)
    assert set(found.values()) == {None}


def test_context_verdicts_carry_their_neighbours_as_evidence() -> None:
    caption = "Volunteers carry sandbags along the flooded embankment near the old bridge"
    seg = segmented("\n\n".join([BODY_1, "Anna Kowalska, AP", caption, "Photo: Mark Jensen/Reuters", BODY_2]))
    index = next(p.index for p in seg.paragraphs if p.text == caption)
    evidence = next(e for ref, e in low_content_evidence(seg, 0).items() if ref.index == index)
    assert evidence["rule"] == BETWEEN_FURNITURE
    assert evidence["before"] == {"index": index - 1, "role": "furniture", "rule": "photo-credit"}
    assert evidence["after"]["rule"] == "photo-credit" and evidence["shape"] == "headline"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Council delays vote on the new tram line", True),
        ("12 Russians indicted for meddling in 2016 U.S. election", True),  # "U.S." is no sentence end
        ("Is the bridge safe to cross?", True),
        ("The council met. It voted to close the bridge", False),  # two sentences
        ("The council voted to close the bridge.", False),  # a full stop: a sentence
        ("and the council voted to close the bridge", False),  # a fragment of a sentence
        ("Bridge", False),  # too short
    ],
)
def test_headline_shape(text: str, expected: bool) -> None:
    assert headline_shaped(text, len(text.split()), SETTINGS) is expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Martti Virtanen, AP", "photo-credit"),
        ("KATRI NIEMI, EPA-EFE", "photo-credit"),
        ("Вадим Коваль, УНІАН", "photo-credit"),
        ("Kremlin Pool Photo via Associated Press/file", "photo-credit"),
        ("JOHN SMITH/AFP/Getty Images", "photo-credit"),
        ("Jane Roe/Lehtikuva via AP", "photo-credit"),
        ("by Gold Coast Bullion - Jul 14, 2018 7:00 am", "byline"),
        ("by a staff writer | March 3, 2024, 10:15 AM", "byline"),
        ("Rescue dog Max is pictured with the three ducklings he found near the river", "photo-caption"),
        ("Mrs Jones (pictured with her son) said the school had ignored her letters", "photo-caption"),
        ("Міністр фінансів (на фото) пояснив нові правила для платників податків", "photo-caption"),
        ("Министр финансов (слева) и глава банка во время встречи в Киеве", "photo-caption"),
        ("Image 3 of 12", "gallery-counter"),
        ("Фото 1 з 7", "gallery-counter"),
        ("Фото 2 из 5", "gallery-counter"),
    ],
)
def test_credit_and_pointing_caption_rules(text: str, rule: str) -> None:
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    "text",
    [
        "He sent the file via AP",
        "The figures were first reported by Bloomberg/Reuters",
        "The officials thanked Smith, AP",
        "The bill was passed by the Senate - July 14, 2018 was the date it became law.",
        "The man pictured in the video was arrested on Monday.",
        "The talks (left unfinished in June) resumed on Monday and lasted two hours.",
        "Міністр фінансів пояснив нові правила для платників податків.",
        "One of 12 images shows the bridge",
        "Фото 3 з 7 показує міст",
    ],
)
def test_sentences_like_credits_and_captions_stay_body(text: str) -> None:
    assert classify(text, RULES) is None


def test_settings_are_read_from_the_shipped_file() -> None:
    assert SETTINGS.neutral_max_words == 2 and SETTINGS.max_words == 60
    assert "related articles" in SETTINGS.link_labels and "читайте також" in SETTINGS.link_labels
    assert "photo-caption" in SETTINGS.inflow_rules


def test_an_unknown_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe_audit.segment import page_context

    monkeypatch.setattr(page_context, "data_file", lambda name: "[context]\nneutral_words = 2\n")
    page_context.load_settings.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="unknown setting 'neutral_words'"):
            page_context.load_settings()
    finally:
        monkeypatch.undo()
        page_context.load_settings.cache_clear()
    assert parse_toml("[context]\nmax_words = 60\n", "x", RuleFileError)["context"]["max_words"] == 60


@pytest.mark.parametrize("value", ["-1", "true", "2.5", '"five"'])
def test_a_prefix_word_limit_that_is_no_whole_number_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                 value: str) -> None:
    from dedupe_audit.segment import page_context

    monkeypatch.setattr(page_context, "data_file", lambda name: f"[links]\nprefix_max_words = {value}\n")
    page_context.load_settings.cache_clear()
    try:
        with pytest.raises(RuleFileError, match=r"\[links\] prefix_max_words must be a whole number"):
            page_context.load_settings()
        monkeypatch.setattr(page_context, "data_file", lambda name: "[links]\nprefix_max_words = 4\n")
        page_context.load_settings.cache_clear()
        assert page_context.load_settings().prefix_max_words == 4
    finally:
        monkeypatch.undo()
        page_context.load_settings.cache_clear()
