import pytest
from helpers import SEED_000, SEED_001, seed

from dedupe_audit.segment.boilerplate import RuleError, classify, load_rules, parse_rules

RULES = load_rules()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("$42.180.02", "ticker"),
        ("49.230.00", "ticker"),
        ("• 7463 views", "view-counter"),
        ("26.04.25, 09:55 • 7212 views", "view-counter"),
        ("12.03.25, 14:02 • 1 520 переглядів", "view-counter"),
        ("Kyiv • UNN", "dateline"),
        ("Київ • УНН", "dateline"),
        ("Details", "section-label"),
        ("Читайте також", "section-label"),
        ("Electricity outage schedules", "navigation"),
        ("Графіки відключень світла", "navigation"),
        (
            "Ukraine and Europe have rejected some US proposals for ending the war - "
            "Reuters25.04.25, 15:31 • 3643 views",
            "teaser",
        ),
        ("© 2025 Example Media. All rights reserved.", "copyright"),
        ("저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어", "copyright"),
        ("Tuesday, 3 March 2020 11:05 PM", "written-timestamp"),
        ("Sept. 9, 2021 at 7:15 a.m. EDT", "written-timestamp"),
        ("Oct 2, 2019", "written-timestamp"),
        ("5 березня 2024, 14:20", "written-timestamp"),
        ("Среда, 7 октября 2020 г., 09:30", "written-timestamp"),
        ("CLOSE", "navigation"),
        ("A  A", "navigation"),
        ("Закрити", "navigation"),
        ("Click here to comment on this story", "comment-prompt"),
        ("Image caption Protesters gathered outside the embassy on Sunday", "photo-caption"),
        ("Media caption Watch: the moment the bridge opened", "photo-caption"),
        ("A farmer checks his crop near Odesa.CreditJane Roe for The New York Times", "photo-credit"),
        ("Opinions expressed in this column are solely the author's own.", "disclaimer"),
        ("Got a view? Submit a letter to the editor.", "comment-prompt"),
        ("TwitterFacebook Email WhatsApp", "share-prompt"),
        ("These are external links and will open in a new window", "share-prompt"),
        ("Jane Roe produced this segment for broadcast. John Doe adapted it for the Web.",
         "production-credit"),
        ("By Jane Roe and John Doe, opinion contributors — 03/02/21 10:15 AM EST", "byline"),
        ("by Jane Roe March 2 at 9:40 AM Follow @janeroe", "byline"),
        ("Who will win the runoff? (POLL)", "poll"),
        ("Farmers block a road near Lyon, France March 3, 2021 © Jane Roe | Photo from RT",
         "photo-credit"),
        ("Tips and corrections to [email protected]", "contact-line"),
    ],
)
def test_furniture_is_named_by_its_rule(text, rule):
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine wants security guarantees not only from Europe, but also from the United States.",
        "CNN has learned the main \"stumbling blocks\" between the US and Ukraine regarding the "
        "framework for ending the war: what it's about",
        "The price rose to 42.18 dollars on Tuesday, traders said.",
        "Details of the plan were not disclosed.",
        "The copyright holder sued the company over the song, the court heard.",
        # a date inside a sentence, or a bare month and year, is text, not a stamp
        "Oct 2, 2019 was the day the strike began.",
        "On 5 березня 2024 the talks resumed in Geneva.",
        "March 2020",
        "Close the border, the minister said.",
        "The photo caption misidentified the senator, the newspaper said in a correction.",
        "Credit card debt rose sharply in June, the Federal Reserve said.",
        "The views expressed in the memo are alarming, Senator Warner said, calling for hearings.",
        "He said he would share the letter with Twitter and Facebook executives this week.",
        "Facebook, Twitter and Google face new rules in the European Union.",
        "The poll (conducted by phone) showed the mayor ahead by six points, the station said.",
        "Readers can email the editor at [email protected] with corrections, and we will publish"
        " them in the next edition of the paper on Sunday.",
        "The network produced the story for broadcast after a year of reporting, its editor said.",
        "Readers may comment on this article until Friday, the editors said, and we will reply.",
    ],
)
def test_article_text_is_body(text):
    assert classify(text, RULES) is None


def test_seed_furniture():
    rules_000 = {p.line: p.boilerplate_rule for p in seed(SEED_000).paragraphs if not p.is_body}
    assert rules_000 == {15: "view-counter", 16: "section-label", 24: "teaser"}
    rules_001 = {p.line: p.boilerplate_rule for p in seed(SEED_001).paragraphs if not p.is_body}
    assert rules_001 == {
        1: "ticker", 2: "ticker", 3: "navigation", 7: "dateline", 9: "view-counter",
        41: "section-label", 55: "teaser",
    }


def test_user_rules_take_precedence(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[[rule]]\nname = "promo"\nphrases = ["Details"]\n', encoding="utf-8")
    rules = load_rules((str(extra),))
    assert classify("Details", rules) == "promo"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[rule]]\nname = "x"\npattern = "("\n', "bad pattern"),
        ('[[rule]]\nname = "x"\n', "needs 'pattern' or 'phrases'"),
        ('[[rule]]\nname = "x"\npattern = "a"\ncolour = 1\n', "unknown key"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_bad_rule_files_name_file_and_problem(text, problem):
    with pytest.raises(RuleError, match=problem) as err:
        parse_rules(text, "user.toml")
    assert "user.toml" in str(err.value)


def test_loaded_rules_carry_their_checks_and_a_plain_tuple_gets_its_own():
    """The checks built from a rule set (plans learned page by page) live on the loaded rules,
    one per probe set; a tuple a caller made is checked the same way with checks built for it."""
    import pickle

    from dedupe_audit.segment.boilerplate import checks_for

    probes = ("http",)
    assert checks_for(RULES, probes) is checks_for(RULES, probes)
    assert checks_for(RULES) is not checks_for(RULES, probes)
    plain = tuple(RULES)
    assert checks_for(plain) is not checks_for(plain)  # nothing remembered for it
    for text in ("Читайте також", "Kyiv • UNN", "A line of ordinary article text, nothing more."):
        stripped = text.strip()
        assert (checks_for(plain).first_match(stripped, len(stripped.split()))
                == classify(text, RULES))
    copied = pickle.loads(pickle.dumps(RULES))  # a worker gets the rules, not this process's plans
    assert isinstance(copied, type(RULES)) and [r.name for r in copied] == [r.name for r in RULES]
    assert checks_for(copied) is not checks_for(RULES)
