"""Furniture shapes of the fifth round (issue 19, pages of real-check4's kinds): each rule is asked
on lines written for this test, in EN and, where the shape exists there, UK and RU, and on article
sentences that share its words but not its shape; the page-context rules (`dek`,
`player-under-title`) on pages written here, with the pages they must leave alone."""

from __future__ import annotations

import pytest
from helpers import segmented

from dedupe_audit.segment.boilerplate import classify, load_rules
from dedupe_audit.segment.page_context import DEK, PLAYER_UNDER_TITLE, load_settings

RULES = load_rules()
SETTINGS = load_settings()

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


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # a gallery caption printed with its expand or collapse toggle
        ("Volunteers fill sandbags on the embankment in Springfield, Friday, May 3, 2019. The river "
         "is expected to crest on ... more", "expand-toggle"),
        ("Volunteers fill sandbags on the embankment, Friday, May 3, 2019. The river is expected to "
         "crest on Sunday. less", "expand-toggle"),
        ("Рятувальники розбирають завали після обстрілу. Роботи тривають … більше", "expand-toggle"),
        ("Спасатели разбирают завалы. Работы продолжаются. свернуть", "expand-toggle"),
        # a caption naming its picture: dated, undated, a file or handout photo, who provided it
        ("This March 3, 2017 file photo shows the mayor speaking at the harbour opening.", "photo-caption"),
        ("In this undated photo, a ferry crosses the bay near the lighthouse.", "photo-caption"),
        ("This handout photo released by the navy shows the damaged hull.", "photo-caption"),
        ("This photo provided by the county sheriff shows the suspect's car.", "photo-caption"),
        # a long gallery caption: the dated picture sentence first, background, the agency's credit
        ("Firefighters spray water on a burning warehouse in Springfield, Tuesday, May 7, 2019. "
         + "The blaze broke out shortly after midnight and spread to two neighbouring buildings. " * 5
         + "(AP Photo/Jane Roe)", "photo-caption"),
        # a related link closed by a chevron
        ("Council approves bridge repair plan after months of delay »", "link-teaser"),
        ("Harbour ferry timetable changes for the summer ›", "link-teaser"),
        # a tabloid caption led by an upper-case label, without a full stop
        ("NEW LOOK: The mayor arrives at the town hall in an electric car for the first time",
         "photo-caption"),
        # a byline whose time stamp was split off after its separator
        ("by Jane Roe /", "byline"),
        ("By John Doe and Mary Major |", "byline"),
        # weather widget controls, an account control, an ad slot that points below it
        ("Enter City and State or Zip Code", "weather"),
        ("Your weather is set to . You can change the location at any time.", "weather"),
        ("AccuWeather.com Quick Look", "weather"),
        ("You are signed in as", "navigation"),
        ("Continue Reading Below", "section-label"),
        ("Media playback is unsupported on your device", "navigation"),
        # a poll call, a subscription offer, a glued share bar, a credit parted by bars
        ("Vote in our unscientific poll and tell us why in the comments.", "poll"),
        ("Unlimited Digital Access. $1 for 4 weeks.", "sign-up"),
        ("Try one month for $1!", "sign-up"),
        ("CONNECT TWEET LINKEDIN 12 COMMENTEMAILMORE", "share-prompt"),
        ("Jane Roe | TASS | Getty Images", "photo-credit"),
        # columnists' bios: "has been", a profession, a book line
        ("Jane Roe has been an Op-Ed columnist since 2009. Her column appears every Tuesday.", "author-bio"),
        ("John Q. Doe is a Springfield lawyer ( johndoe.example ).", "author-bio"),
        # "More:" teaser whose headline holds an abbreviation before a lower-case word
        ("More: Why the U.S. still buys most of the world's helium", "label-teaser"),
    ],
)
def test_fifth_round_shape_is_named_by_its_rule(text: str, rule: str) -> None:
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    "text",
    [
        # "less" and "more" inside or at the end of a sentence
        "Residents said they wanted to pay less.",
        "The council will need more ... and soon, the mayor said.",
        # a photo talked about in a story
        "This photo is a fake, the ministry said on Tuesday.",
        "In this city, photos of the old harbour sell well to tourists.",
        # a glued caption in a long paragraph without the date in its first sentence
        ("The mayor said the bridge would reopen in June. " * 12 + "(AP Photo/Jane Roe)"),
        # a Ukrainian or Russian quotation closed by a guillemet; an advert's pitch with a question
        "Він сказав: «Ми готові до зустрічі»",
        "Need a plan? Our free tool finds an adviser near you »",
        # a dateline's paragraph, a short subheading in capitals, an embedded post's text
        "NEW DELHI: The prime minister said on Monday that the talks had gone well.",
        "ARMS CONTROL: What is at stake",
        # an agency's byline stays text (the tracer reads it)
        "By Associated Press /",
        # a poll and a price in a story; a bio line that quotes
        "Voters will vote in the poll next week, officials said.",
        "He paid $5 for two weeks of parking at the station.",
        "Jane Roe is a strategist who ran the campaign, and she said the poll was wrong.",
        # a name and one news agency is a byline's shape, not a picture credit
        "Jane Roe | Reuters",
        # the weather in a story
        "The weather is set to turn colder by the weekend, forecasters said.",
    ],
)
def test_sentences_like_fifth_round_shapes_stay_body(text: str) -> None:
    assert classify(text, RULES) in (None, "dateline")


def test_an_embedded_post_led_by_a_label_is_no_caption() -> None:
    """A post's text ("WATCH: ... @handle ... https://t.co/...") is not taken for a tabloid
    caption (a short one is a "WATCH:" teaser, a rule of its own)."""
    post = ("WATCH: The mayor tells @cityradio that the old bridge will reopen in June after the "
            "repairs and that the detours through the northern districts will end then, weeks before the "
            "summer ferry timetable starts https://t.co/abc123")
    assert classify(post, RULES) is None


DEK_LINE = ("Residents fear months of detours as the council weighs the cost of repairs against a new "
            "crossing downstream")


def test_the_line_between_title_and_byline_is_a_dek() -> None:
    title = "Old bridge to close for six months"
    found = verdicts(title, DEK_LINE, "By Jane Roe", BODY_1, BODY_2, BODY_3)
    assert found[DEK_LINE] == DEK
    assert found[title] is None and found[BODY_1] is None  # the title and the lead stay text


def test_a_lead_above_its_byline_without_a_title_is_no_dek() -> None:
    """A page that opens with its lead (no title line) and prints the byline under it: the lead
    is the page's first paragraph, never judged."""
    found = verdicts(BODY_1, "By Jane Roe", BODY_2, BODY_3)
    assert all(rule in (None, "byline") for rule in found.values())
    assert found[BODY_1] is None


def test_a_dek_needs_the_story_under_the_byline() -> None:
    title = "Old bridge to close for six months"
    found = verdicts(title, DEK_LINE, "By Jane Roe")
    assert found[DEK_LINE] is None


VIDEO_TITLE = "What the bridge closure means for commuters"
VIDEO_BLURB = "Transport reporter Jane Roe and analyst Dr. John Doe on the detours planned for the summer."


def test_a_players_title_and_blurb_under_the_page_title_are_furniture() -> None:
    title = "Old bridge to close for six months"
    found = verdicts(title, VIDEO_TITLE, VIDEO_BLURB, BODY_1, BODY_2, BODY_3)
    assert found[VIDEO_TITLE] == PLAYER_UNDER_TITLE and found[VIDEO_BLURB] == PLAYER_UNDER_TITLE
    assert found[title] is None and found[BODY_1] is None and found[BODY_2] is None


def test_a_title_printed_twice_over_its_dek_keeps_both_copies() -> None:
    title = "Old bridge to close for six months"
    dek = "Residents fear months of detours as the council weighs the cost of repairs."
    found = verdicts(title, "Politics", title, dek, BODY_1, BODY_2)
    assert found[dek] == PLAYER_UNDER_TITLE
    assert found[title] is None


@pytest.mark.parametrize(
    "second",
    [
        "The Associated Press",  # a byline-sized line: the lead under it is the story's
        "Jane Roe Staff Reporter",
    ],
)
def test_a_short_line_under_the_title_does_not_make_a_player(second: str) -> None:
    title = "Old bridge to close for six months"
    lead = "The city will close the old bridge for six months from June, officials said."
    found = verdicts(title, second, lead, BODY_1, BODY_2)
    assert found[lead] is None


def test_a_dateline_lead_under_a_subtitle_stays_body() -> None:
    title = "Old bridge to close for six months"
    subtitle = "Detours planned through the northern districts"
    lead = "SPRINGFIELD — The city will close the old bridge for six months from June."
    found = verdicts(title, subtitle, lead, BODY_1, BODY_2)
    assert found[lead] is None


def test_a_long_lead_under_a_subtitle_stays_body() -> None:
    """Only a one-sentence blurb of a player's length is judged: a lead of two sentences or more
    than ``player_blurb_max_words`` words is the story's."""
    title = "Old bridge to close for six months"
    subtitle = "Detours planned through the northern districts"
    found = verdicts(title, subtitle, BODY_1 + " " + BODY_2, BODY_3)
    assert found[BODY_1 + " " + BODY_2] is None
    assert SETTINGS.player_blurb_max_words < len(BODY_1.split()) + len(BODY_2.split())


def test_an_agency_byline_beside_a_credit_stays_body() -> None:
    """A 'By <agency>' line the rules leave as text is the story's credit for the tracer: the
    context never takes it for a caption."""
    caption = "The mayor, centre, walks across the old bridge with engineers"
    found = verdicts("Old bridge to close for six months", caption, "Jane Roe/AP",
                     "By The Associated Press", BODY_1, BODY_2)
    assert found["By The Associated Press"] is None
