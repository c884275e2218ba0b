"""Furniture on real-page shapes: the rules of data/boilerplate.toml for captions, credits,
pitches, teasers, bios and wire lines (EN/UK/RU), site templates learned from the corpus, and
jusText's measures. Cases are written for these tests, not copied from the eval sets."""

from __future__ import annotations

import json

import pytest

from dedupe_audit.config import Config
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.pipeline import run_audit
from dedupe_audit.segment.boilerplate import classify, load_rules
from dedupe_audit.segment.furniture import (
    LOW_CONTENT,
    SITE_TEMPLATE,
    classify_page,
    low_content,
    page_language,
)
from dedupe_audit.segment.paragraphs import segment

RULES = load_rules()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("FILE - In this Monday, March 4, 2019 file photo, a farmer walks past a flooded field in Nebraska.",
         "photo-caption"),
        ("FILE PHOTO: A worker walks past a steel mill in Duisburg, Germany, May 2, 2019.", "photo-caption"),
        ("Firefighters battle a blaze near the harbour in Piraeus. (AP Photo/Jane Smith)", "photo-caption"),
        ("Farmers gather grain near Odesa, Ukraine, on Tuesday, Aug. 8, 2023.", "photo-caption"),
        ("The mayor speaks to reporters outside city hall. | John Doe/Getty Images", "photo-credit"),
        ("Фото: УНІАН", "photo-credit"),
        ("Senator explains the new farm bill in two minutes 02:14", "video-title"),
        ("[ Why the harbour project stalled for a decade ]", "bracketed-teaser"),
        ("More: City council approves the harbour budget", "label-teaser"),
        ("READ MORE: Harbour budget passes after long debate", "label-teaser"),
        ("Читайте також: Уряд ухвалив новий бюджет на 2024 рік", "label-teaser"),
        ("Читайте также: Правительство утвердило бюджет", "label-teaser"),
        ("(Reporting by Jane Roe in Kyiv; Editing by John Doe)", "wire-credit"),
        ("Associated Press writer Mary Major in Warsaw contributed to this report.", "wire-credit"),
        ("(The story corrects the spelling of the minister's name in paragraph 3)", "wire-note"),
        ("By JANE ROE and JOHN DOE, Associated Press", "byline"),
        ("Sign up for our morning briefing and get the news in your inbox.", "sign-up"),
        ("Thank you for subscribing!", "sign-up"),
        ("Your membership keeps local reporting alive, and your subscription makes it possible.", "sign-up"),
        ("Підпишіться на нашу розсилку новин", "share-prompt"),
        ("Будь ласка, залиште коментар нижче", "comment-prompt"),
        ("Please read our commenting guidelines before you post.", "comment-prompt"),
        ("Take our poll: should the harbour be rebuilt?", "poll"),
        ("Sponsored by Example Bank: banking made simple.", "sponsor"),
        ("На правах реклами", "sponsor"),
        ("Analysis Interpretation of the news based on evidence and data", "section-label"),
        ("Jane Q. Roe teaches constitutional law at Example University and is the author of two books.",
         "author-bio"),
        ("Send tips to newsroom@example.org or reach us on social media.", "contact-line"),
        ("Listen to our weekly science podcast for more.", "promo"),
        ("Gazette Staff Posted at 9:15 am on March 3, 2019", "posted-at"),
        ("Оновлено 12 березня, 14:30", "posted-at"),
        ("example.com/2019/03/04/harbour-budget-story", "bare-url"),
    ],
)
def test_real_page_furniture_shapes(text: str, rule: str) -> None:
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # captions: one sentence, present tense, names and a place, closed by a credit or a date
        ("Dock workers unload grain at the port of Gdansk, Poland. Reuters", "photo-caption"),
        ("Gov. Jane Roe waves to supporters in Albany, N.Y. March 3, 2019. REUTERS/John Doe",
         "photo-caption"),
        ("The old lighthouse stands over the bay at dusk   (Lehtikuva)", "photo-caption"),
        ("Mayor Jane Roe, left, and council member John Doe talk outside city hall in Dayton.",
         "photo-caption"),
        ("Minister Anna Kovalenko (R) greets her Polish counterpart in Lviv.", "photo-caption"),
        ("Prime Minister Jane Roe and President John Doe shake hands after their talks in Oslo.",
         "photo-caption"),
        ("Sen. Mary Major arrives for a committee hearing on Capitol Hill in Washington.", "photo-caption"),
        ("Farmers harvest wheat near Poltava, Ukraine, Tuesday, Aug. 8, 2023 ahead of the export talks.",
         "photo-caption"),
        ("President Jane Roe and her new foreign minister John Doe arrive at the airport in Riga.",
         "photo-caption"),
        ("Sen. Jane Roe, D-Ohio, talks to NBC's \"Meet the Press\" in Washington on Sunday, March 3, 2019.",
         "photo-caption"),
        # video blurbs and clip titles
        ("The mayor explains why the harbour plan matters. (March 3) AP", "video-title"),
        ("What does the council want from the port deal? ABC's Jane Roe weighs in", "video-title"),
        ("Full interview: 'We are not done with this budget'", "video-title"),
        # bylines with outlet, title, date or time after the names
        ("By Jane Roe Example News March 3, 2019, 10:15 AM", "byline"),
        ("by Jane Roe , John Doe and Mary Major March 3 at 9:30 AM Email the author", "byline"),
        ("By JOHN DOE, AP Science Writer | on", "byline"),
        ("From Example's Jane Roe, John Doe and Mary Major", "byline"),
        ("Jane Roe and John Doe , EXAMPLE TIMES Published 6:10 a.m. ET March 3, 2019", "posted-at"),
        ("12 mins ago 5:43 a.m. ET, March 3, 2019", "posted-at"),
        # pitches, share lines, promos, widgets, wire contributors
        ("The week's best science stories delivered every Friday morning to you.", "sign-up"),
        ("Get breaking news alerts and special reports from our newsroom.", "sign-up"),
        ("Read or Share this story: https://example.com/abc", "share-prompt"),
        ("Get the Example Gazette mobile app for free.", "promo"),
        ("Her new novel is out now. Also available in ebook and audiobook versions.", "promo"),
        ("Mostly sunny. High 81F. Winds SW at 10 to 15 mph.", "weather"),
        ("Roe reported from Kyiv. Associated Press writers John Doe and Mary Major in London contributed.",
         "wire-credit"),
    ],
)
def test_caption_byline_pitch_shapes(text: str, rule: str) -> None:
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    "text",
    [
        # present-tense body sentences: a quote, an attribution, a second sentence, a pronoun subject
        "The California water board holds a public hearing Wednesday on the new dam.",
        "Investors are seen as the big winners of the merger, analysts said.",
        "We sit at our screens all day, and the habit is hard to break.",
        "Mayor Jane Roe arrives in Kyiv on Monday. She will meet the president on Tuesday.",
        "Mayor Jane Roe says the harbour plan is on track for a Monday, March 4, 2019 vote.",
        "President Jane Roe, left, said the talks were \"productive\" and would continue.",
        "The council voted on Monday, March 4, 2019, and the mayor has signed the bill since.",
        "He contributed $5,000 to the campaign last year.",
        "Sen. Jane Roe, D-Ohio, told \"Meet the Press\" on Sunday, March 3, 2019 that she would run.",
        "The company said earnings rose 4% in the quarter (Reuters reported first).",
        "By the time the vote came, the harbour plan had changed twice.",
        "The low in Kyiv was 12C overnight as power cuts continued.",
        "Мер Київ прибуває на засідання ради в понеділок.",
    ],
)
def test_present_tense_body_stays_body(text: str) -> None:
    assert classify(text, RULES) is None


@pytest.mark.parametrize(
    "text",
    [
        # story leads with a dateline and a byline-like opening stay body text
        "WASHINGTON (AP) — The Senate on Tuesday passed a harbour bill that had stalled for a decade.",
        "KYIV (Reuters) - Ukraine's parliament approved the 2024 budget on Thursday.",
        # a sentence that mentions a date but is not a caption: it goes on after it
        "The law took effect on March 4, 2019. Critics say it did little for farmers.",
        # quotes, bios in the middle of a story, and numbers that look like durations
        "\"We will sign up for the plan if the price is right,\" the mayor said.",
        "Jane Roe, who teaches at a local school, said the closure surprised parents.",
        "The meeting starts at 10:30",
        "He said more: the harbour needs funds, workers and time.",
        "Президент підписав закон про бюджет на 2024 рік у четвер.",
        "Президент подписал закон о бюджете в четверг.",
        "The newsletter industry has grown as readers pay writers directly, analysts said.",
        # a byline naming only an agency is the story's credit, read by the tracer
        "By Reuters",
        "By The Associated Press",
        "By Associated Press",
    ],
)
def test_body_text_stays_body(text: str) -> None:
    assert classify(text, RULES) is None


def test_jus_text_language_and_classes() -> None:
    assert page_language(["The harbour budget was approved by the council on Monday."]) == "English"
    assert page_language(["Уряд ухвалив бюджет, і це її рішення."]) == "Ukrainian"
    assert page_language(["Правительство утвердило бюджет на следующий год."]) == "Russian"
    assert page_language(["港口预算获得批准"]) is None
    long_prose = ("The council said that it would not be able to approve the plan until it had seen "
                  "the full cost of the work, and that the people of the town would have their say on it "
                  "at the next meeting, which is to be held in the old hall at the end of the month.")
    classes = classify_page([long_prose, "Harbour | Budget | Council | Mayor"], "English")
    assert classes is not None and classes[0].class_type == "good" and classes[1].cf_class == "short"


def _paragraphs(text: str):  # type: ignore[no-untyped-def]
    from dedupe_audit.model import Document, DocumentMeta

    doc = Document("page.txt", text, DocumentMeta(), "h")
    return segment(doc, Config()).paragraphs


PROSE = ("The council said that it would not be able to approve the plan until it had seen the full "
         "cost of the work, and that the people of the town would have their say on it at the next meeting, "
         "which is to be held in the old hall at the end of the month.")


def test_low_content_link_list_after_article_is_furniture_with_evidence() -> None:
    # (a photographer's credit parted by bars, "Name | Agency | Getty Images", is a rule's now)
    paragraphs = _paragraphs(f"{PROSE}\n\n{PROSE}\n\nJane Roe | Example Photos | Archive\n")
    assert [p.boilerplate_rule for p in paragraphs] == [None, None, LOW_CONTENT]
    # a page of prose alone keeps all of it
    assert all(p.is_body for p in _paragraphs(f"{PROSE}\n\n{PROSE}\n"))
    # a low-stopword line without links inside the article stays body (a subhead, a list item)
    inside = _paragraphs(f"{PROSE}\n\nHarbour budget approved\n\n{PROSE}\n")
    assert low_content(inside, [True, True, True]) == {}


def _write_site_pages(tmp_path, pages: list[list[str]], site: str) -> None:  # type: ignore[no-untyped-def]
    with (tmp_path / f"{site}.jsonl").open("w", encoding="utf-8") as out:
        for n, paragraphs in enumerate(pages):
            out.write(json.dumps({"text": "\n\n".join(paragraphs), "site": site,
                                  "url": f"https://{site}/story-{n}"}) + "\n")


STORIES = [
    ["Dredging of the old harbour will start in spring after the council approved a loan on Monday. "
     "Fishermen who moor their boats at the north pier have complained for years that silt leaves "
     "them stranded at low tide, and several of them watched the vote from the gallery.",
     "The contractor expects the work to take eleven weeks, weather permitting, and promised to keep "
     "one channel open so that the morning catch can still be landed."],
    ["Parents at Hillside primary learned on Thursday that two classrooms will close for repairs "
     "after inspectors found damp in the walls. Pupils will be taught in the library and the music "
     "room until the builders finish, the head teacher wrote in a letter home.",
     "A spokesperson for the education department said a temporary building had been considered but "
     "rejected because delivery would take longer than the repair itself."],
    ["Commuters faced a third morning of cancellations as a signal fault near Eastgate junction "
     "kept trains from leaving the depot. Engineers worked overnight but could not trace the cable "
     "that failed, and replacement buses ran every twenty minutes.",
     "The operator apologised and said season ticket holders could claim a refund for each day on "
     "which their usual service did not run."],
    ["Nurses at the county hospital voted to accept a new rota that ends twelve-hour night shifts on "
     "the surgical wards. The union said the change followed months of talks and a survey in which "
     "most staff reported exhaustion.",
     "Managers will hire fourteen more nurses to cover the shorter shifts, paid for from savings on "
     "agency staff, according to the board papers published this week."],
]
PITCH = "Get unlimited local news for one low price today."


def test_site_template_learned_from_same_site_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _write_site_pages(tmp_path, [[*story, PITCH] for story in STORIES], "gazette.example")
    result = run_audit([str(tmp_path)], Config())
    marked = [(doc, p) for doc, report in enumerate(result.documents) for p in report.paragraphs
              if p.boilerplate_rule == SITE_TEMPLATE]
    assert len(marked) == 4 and all(p.text == PITCH for _, p in marked)
    evidence = next(iter(result.furniture.values()))
    assert evidence["site"] == "gazette.example" and evidence["pages"] == 4
    assert result.summary.in_clusters == 0  # the template is not duplicated content
    assert dict(result.summary.boilerplate_rules)[SITE_TEMPLATE] == 4


def test_same_line_on_different_sites_or_a_story_run_is_not_a_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the pitch on four pages of four different sites: no site repeats it
    for n, story in enumerate(STORIES):
        _write_site_pages(tmp_path, [[*story, PITCH]], f"site{n}.example")
    result = run_audit([str(tmp_path)], Config())
    assert not any(p.boilerplate_rule == SITE_TEMPLATE for r in result.documents for p in r.paragraphs)


def test_story_carried_on_several_pages_of_one_site_is_content(tmp_path) -> None:  # type: ignore[no-untyped-def]
    wire = STORIES[0]
    short_quote = "\"We will see,\" the mayor said."
    pages = [[wire[0], short_quote, wire[1], STORIES[n][0]] for n in range(4)]
    _write_site_pages(tmp_path, pages, "wire.example")
    result = run_audit([str(tmp_path)], Config())
    assert not any(p.boilerplate_rule == SITE_TEMPLATE for r in result.documents for p in r.paragraphs)


def test_ingest_unchanged_for_templates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a page with no site never joins a template (text files without metadata)
    for n, story in enumerate(STORIES):
        (tmp_path / f"p{n}.txt").write_text("\n\n".join([*story, PITCH]) + "\n", encoding="utf-8")
    docs = [d for d in iter_inputs([str(tmp_path)], Config())]
    assert len(docs) == 4
    result = run_audit([str(tmp_path)], Config())
    assert not result.furniture
