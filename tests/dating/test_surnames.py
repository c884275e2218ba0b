"""Bare surnames after a titled mention, lead-in blocks, and the era facts added with them."""

from __future__ import annotations

import pytest
from helpers import page, verdicts

from dedupe_audit.dating.eras import find_mentions
from dedupe_audit.dating.staleness import lead_in_outlet
from dedupe_audit.dating.surnames import holder_keys, other_person_before, surname_key
from dedupe_audit.provenance.cues import CueError, load_cues
from dedupe_audit.provenance.outlets import load_registry


def _surname_marker(verdict, phrase: str):
    return next((m for m in verdict.markers if m.phrase == phrase), None)


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(("word", "key"), [
    ("Pompeo's", "pompeo"), ("Pompeo’s", "pompeo"), ("Grabar-Kitarović", "grabar-kitarovic"),
    ("Шольц", "шольц"), ("Шольца", "шольц"), ("Шольцем", "шольц"), ("Байдену", "байден"),
    ("Помпео", "помпео"), ("Зеленського", "зеленськ"), ("Зеленський", "зеленськ"),
])
def test_surname_key_folds_case_endings_and_possessives(word, key):
    assert surname_key(word) == key


def test_holder_keys_take_the_name_not_the_title():
    assert holder_keys("Trey Gowdy (SC)", "Rep. Trey Gowdy") == {"gowdy"}
    assert holder_keys("Joe Biden", "адміністрація Байдена") == {"biden", "байден"}
    assert holder_keys("Joe Biden", "Байден, президент США") == {"biden", "байден"}
    assert "secretary" not in holder_keys("Mike Pompeo", "Secretary of State Mike Pompeo")


def test_another_first_name_before_a_surname_is_another_person():
    text = "Bernie Sanders said so. Then Sanders left. Mr. Sanders, Sarah Sanders."
    at = [i for i in range(len(text)) if text.startswith("Sanders", i)]
    person = "Sarah Sanders"
    assert [other_person_before(text, i, person) for i in at] == [True, False, False, False]


# --------------------------------------------------------------------------- English


def test_surname_after_titled_mention_takes_its_era(eras):
    lines = ["Rep. Trey Gowdy, R-S.C., says the committee will keep asking questions.",
             "Gowdy noted that no American has been charged with conspiracy so far."]
    first, second = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert first.verdict == "stale"
    assert second.verdict == "stale"
    marker = _surname_marker(second, "Gowdy")
    assert marker is not None and "Rep. Trey Gowdy" in marker.fact
    assert "reporting" in marker.tense
    assert "'Gowdy'" in second.explanation and "Rep. Trey Gowdy" in second.explanation


def test_surname_before_any_titled_mention_is_nobody(eras):
    lines = ["Gowdy noted that no American has been charged with conspiracy so far.",
             "Rep. Trey Gowdy, R-S.C., says the committee will keep asking questions."]
    first, _ = verdicts(page(lines), "2025-06-20", eras, [0, 1])
    assert first.verdict == "undetermined"


def test_surname_of_another_person_is_not_resolved(eras):
    # two known holders named Sanders on the page: a bare "Sanders" is nobody
    lines = ["White House press secretary Sarah Sanders says the meeting will go ahead.",
             "Sen. Bernie Sanders says the meeting is a mistake.",
             "Sanders added that the talks would be short."]
    *_, last = verdicts(page(lines), "2025-06-20", eras, [0, 1, 2])
    assert last.verdict == "undetermined"
    # one known holder, but the name written is another person's
    lines = ["White House press secretary Sarah Sanders says the meeting will go ahead.",
             "Bernie Sanders says the meeting is a mistake."]
    _, last = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert last.verdict == "undetermined"


def test_surname_after_retrospective_mention_is_retrospective(eras):
    lines = ["Former Secretary of State Mike Pompeo says the deal is weak.",
             "Pompeo said the administration should walk away."]
    _, second = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert second.verdict == "undetermined"
    assert "read in retrospect" in second.explanation


def test_surname_in_a_frame_or_dated_past_is_not_counted(eras):
    lines = ["Secretary of State Mike Pompeo says the alliance is strong.",
             "When Pompeo met his counterpart in 2019, the talks went badly."]
    _, second = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert second.verdict == "undetermined"
    assert "dated by '2019'" in second.explanation


def test_month_is_not_theresa_may(eras):
    lines = ["Prime Minister Theresa May says Britain will leave in March.",
             "In May, the talks resumed in Brussels, officials say."]
    _, second = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert second.verdict == "undetermined"


def test_surname_of_sitting_holder_reads_current(eras):
    lines = ["Secretary of State Marco Rubio says the talks will resume.",
             "Rubio is due in Geneva on Monday."]
    _, second = verdicts(page(lines), "2025-06-20", eras, [0, 0])
    assert second.verdict == "current"


# --------------------------------------------------------------------------- Ukrainian, Russian


def test_ukrainian_inflected_surname(eras):
    lines = ["Канцлер Німеччини Олаф Шольц заявив, що Берлін продовжить підтримку.",
             "За словами Шольца, нова допомога надійде найближчим часом.",
             "Шольц заявив, що рішення ухвалять у четвер."]
    found = verdicts(page(lines), "2025-09-01", eras, [0, 0, 0])
    assert found[0].verdict == "stale"
    assert found[2].verdict == "stale"
    assert "Шольц" in _surname_marker(found[2], "Шольц").phrase


def test_ukrainian_surname_of_former_is_retrospective(eras):
    lines = ["Колишній канцлер Німеччини Олаф Шольц заявив, що шкодує.",
             "Шольц заявив, що рішення було правильним."]
    _, second = verdicts(page(lines), "2025-09-01", eras, [0, 0])
    assert second.verdict == "undetermined"


def test_russian_surname_after_titled_mention(eras):
    lines = ["Госсекретарь США Майк Помпео заявил, что Вашингтон поддержит союзников.",
             "Помпео также заявил, что санкции останутся."]
    _, second = verdicts(page(lines), "2025-02-10", eras, [0, 0])
    assert second.verdict == "stale"
    assert "Майк Помпео" in _surname_marker(second, "Помпео").fact


# --------------------------------------------------------------------------- lead-ins


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize(("text", "outlet"), [
    ("CBS News reports: The senator says the talks matter.", "CBS News"),
    ("NBC News analysis: He was frustrated with the summit.", "NBC News"),
    ("From The New York Times briefing: France won the final.", "The New York Times"),
    ("CNN's week-ahead guide: • The president delivers an address.", "CNN"),
    ("As NBC News reported, the talks stalled.", "NBC News"),
    ("Як пише CNN, переговори зайшли в глухий кут.", "CNN"),
    ("Как сообщает Reuters: переговоры продолжатся.", "Reuters"),
])
def test_lead_in_names_the_outlet(registry, text, outlet):
    found = lead_in_outlet(text, registry)
    assert found is not None and found.name == outlet


@pytest.mark.parametrize("text", [
    "WATCH: the full interview.",
    "The president said: we will win.",
    "CNN reports, writes UNN. The talks continue.",
    "Officials at CBS News and several other outlets said the talks were long: very long.",
])
def test_not_a_lead_in(registry, text):
    assert lead_in_outlet(text, registry) is None


def test_shipped_lead_ins_are_data_with_their_source(registry):
    lead_ins = load_cues(registry).lead_ins
    assert {lead_in.name for lead_in in lead_ins} >= {"outlet-colon", "as-reported"}
    assert all(lead_in.basis and lead_in.source.endswith("cues.toml") for lead_in in lead_ins)


USER_LEAD_INS = r"""
[[lead_in]]
name = "selon"
pattern = '''^(?:Nach\s+Angaben\s+von|Selon)\s+(?P<head>[^,:\n]{2,40}?)\s*[,:]\s+\S'''
source = "a test"

[[lead_in]]
name = "as-reported"
pattern = '''^Laut\s+(?P<tail>[^,\n]{2,40}?),\s+\S'''
"""


def test_a_user_lead_in_is_read_and_a_same_named_one_replaces_the_shipped(registry, tmp_path):
    extra = tmp_path / "lead_ins.toml"
    extra.write_text(USER_LEAD_INS, encoding="utf-8")
    lead_ins = load_cues(registry, (str(extra),)).lead_ins
    assert lead_in_outlet("Selon Reuters, les pourparlers continuent.", registry, lead_ins).name == "Reuters"
    assert lead_in_outlet("Laut CNN, die Gespräche gehen weiter.", registry, lead_ins).name == "CNN"
    # the shipped "As X reported," was replaced by name; "X reports:" still opens a lead-in
    assert lead_in_outlet("As NBC News reported, the talks stalled.", registry, lead_ins) is None
    assert lead_in_outlet("CBS News reports: talks resume.", registry, lead_ins).name == "CBS News"
    assert lead_in_outlet("Selon Reuters, les pourparlers continuent.", registry) is None  # shipped only


def test_a_lead_in_without_a_group_for_the_outlet_is_refused(registry, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[lead_in]]\nname = 'no-group'\npattern = '''^Selon\\s+\\w+,'''\n", encoding="utf-8")
    with pytest.raises(CueError, match=r"bad\.toml.*no-group.*head"):
        load_cues(registry, (str(bad),))


def test_lead_in_block_is_its_own_scope_for_counter_evidence(eras):
    own = "Canadian Prime Minister Mark Carney said Canada would drop the tariffs."
    pasted = ("He lobbed insults at the host of the summit, Canadian Prime Minister "
              "Justin Trudeau, from Air Force One.")
    # pasted with a lead-in: the page's sitting holder does not speak for the pasted text
    _, flagged = verdicts(page([own, "NBC News analysis: " + pasted]), "2025-09-01", eras, [0, 0])
    assert flagged.verdict == "stale"
    # without one it is the page's own story, where Carney sits: Trudeau is retrospective
    _, plain = verdicts(page([own, pasted]), "2025-09-01", eras, [0, 0])
    assert plain.verdict == "undetermined"
    assert "Mark Carney" in plain.explanation


def test_lead_in_block_lends_nothing_to_its_neighbours(eras):
    lines = ["Officials say the inquiry continues.",
             "CBS News reports: Rep. Trey Gowdy says the inquiry must go on.",
             "Officials say resources are being moved to other work."]
    found = verdicts(page(lines), "2025-06-20", eras, [0, 0, 0])
    assert found[1].verdict == "stale"
    assert found[2].verdict == "undetermined"


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize(("text", "holder"), [
    ("Deputy Attorney General Rod Rosenstein announced the charges.", "Rod Rosenstein"),
    ("said White House Press Secretary Stephanie Grisham.", "Stephanie Grisham"),
    ("with President Kolinda Grabar-Kitarovic of Croatia", "Kolinda Grabar-Kitarović"),
    ("з президентом Хорватії Колінда Грабар-Кітарович", "Kolinda Grabar-Kitarović"),
    ("Nikki Haley, the U.S. ambassador to the United Nations, said", "Nikki Haley"),
    ("voters beat incumbent Gov. Matt Bevin in Kentucky", "Matt Bevin (KY)"),
    ("Rep. David McKinley, R-W.Va., visited the border", "David McKinley (WV)"),
    ("прес-секретар Білого дому Карін Жан-П’єр", "Karine Jean-Pierre"),
    ("EPA Administrator Scott Pruitt has defended the rule.", "Scott Pruitt"),
    ("HHS Secretary Tom Price resigned.", "Tom Price"),
    ("міністр енергетики США Рік Перрі", "Rick Perry"),
    ("U.S. Trade Representative Robert Lighthizer says", "Robert Lighthizer"),
    ("Fed Chair Janet Yellen said rates would rise.", "Janet Yellen"),
    ("глава ФРС Джером Пауелл", "Jerome Powell"),
])
def test_added_offices_are_known(eras, text, holder):
    assert holder in [m.fact.holder for m in find_mentions(text, eras)]


def test_added_offices_need_the_title(eras):
    assert not find_mentions("Rosenstein said the defendants were officers.", eras)
    assert not find_mentions("Grisham said the hostages were free.", eras)
    # a short surname needs the first name after the title too; the UK's Health Secretary is
    # another office
    assert not find_mentions("HHS Secretary Price said so.", eras)
    assert not find_mentions("Health Secretary Tom Price said so.", eras)


# --------------------------------------------------------------------------- more frames


def test_person_named_in_two_offices_leaves_the_surname_unresolved(eras):
    lines = ["Prime Minister Vladimir Putin said in 2010 that the plant would open.",
             "President Vladimir Putin says the talks will go on.",
             "Putin added that the deal is close."]
    *_, last = verdicts(page(lines), "2018-07-15", eras, [0, 1, 2])
    assert last.verdict == "undetermined"


def test_several_tenure_surname_reads_the_tenure_of_the_page(eras):
    # Hadley (2005-2009) is outvoted by the sitting adviser; Putin, read beside him in the
    # 2000-2008 tenure at first, must be read again in the tenure holding the page date
    lines = ["National security adviser John Bolton says the summit will go ahead.",
             "Russian President Vladimir Putin says the meeting will be useful.",
             "National security adviser Stephen Hadley believed so. Putin is a challenge."]
    *_, last = verdicts(page(lines), "2018-07-15", eras, [0, 0, 0])
    assert last.verdict == "current"
    assert "2012-05-07" in last.explanation


@pytest.mark.parametrize(("line", "verdict"), [
    ("Kentucky Democrats beat incumbent Gov. Matt Bevin in a close race.", "stale"),
    ("Виборці перемогли чинного канцлера Німеччини Олафа Шольца.", "stale"),
    ("Избиратели победили действующего канцлера Германии Олафа Шольца.", "stale"),
    ("In 2019, Kentucky Democrats beat incumbent Gov. Matt Bevin.", "undetermined"),
    ("Kentucky Democrats beat then-incumbent Gov. Matt Bevin.", "undetermined"),
    ("Kentucky Democrats beat Gov. Matt Bevin in a close race.", "undetermined"),
])
def test_incumbent_names_the_holder_as_sitting(eras, line, verdict):
    (found,) = verdicts(page([line]), "2025-09-01", eras)
    assert found.verdict == verdict


@pytest.mark.parametrize(("line", "verdict"), [
    ("The analyst says Apple will move its whole laptop lineup to new keyboards in 2020.", "stale"),
    ("Ракета буде запущена у 2020 році, кажуть інженери.", "stale"),
    ("Мост будет построен в 2020 году, говорят инженеры.", "stale"),
    ("He said the plant will open in 2030.", "current"),
    ("Investigators will look at what happened in 2016.", "undetermined"),
    ("Will Trump raise Russian meddling in 2016 at the summit?", "undetermined"),
])
def test_a_plan_for_a_past_year_dates_the_text(eras, line, verdict):
    (found,) = verdicts(page([line]), "2025-09-01", eras)
    assert found.verdict == verdict


def test_hyphenated_national_security_adviser(eras):
    (found,) = verdicts(page(["Advisers (especially national-security adviser John Bolton) "
                              "can rein him in."]), "2025-06-20", eras)
    assert found.verdict == "stale"


@pytest.mark.parametrize(("line", "day", "verdict"), [
    ("Senate Majority Leader Mitch McConnell says the bill will pass.", "2018-07-16", "current"),
    ("Senate Majority Leader Mitch McConnell says the bill will pass.", "2025-06-20", "stale"),
    ("Senate Minority Leader Chuck Schumer says the bill will fail.", "2018-07-16", "current"),
    ("Senate Minority Leader Chuck Schumer says the bill will fail.", "2022-06-20", "stale"),
    ("Senate Minority Leader Chuck Schumer says the bill will fail.", "2025-06-20", "current"),
    ("Democratic leaders Nancy Pelosi and Chuck Schumer warned last week of a failure.",
     "2025-04-26", "stale"),
    ("лідер більшості в Сенаті Мітч Макконнелл заявив, що закон ухвалять.", "2025-06-20", "stale"),
])
def test_party_leaders_in_congress(eras, line, day, verdict):
    (found,) = verdicts(page([line]), day, eras)
    assert found.verdict == verdict


def test_pasted_block_speaks_from_one_time(eras):
    lines = ["Kentucky Gov. Andy Beshear has been named as a possible candidate.",
             "From The New York Times: Democrats beat incumbent Gov. Matt Bevin last night.",
             "A new poll shows support for the impeachment of President Trump.",
             "President Donald Trump has said he wants new talks with Russia."]
    found = verdicts(page(lines), "2025-02-10", eras, [0, 0, 0, 0])
    # the bare "President Trump" in the pasted block is read in the first Trump term, which
    # fits the block's "incumbent Gov. Matt Bevin"; "has said" speaks from today's term
    assert found[2].verdict == "stale"
    assert "2017-01-20..2021-01-20" in found[2].explanation
    assert found[3].verdict == "current"
    # the page's own story is left alone
    own = verdicts(page([lines[1].removeprefix("From The New York Times: "), lines[2]]),
                   "2025-02-10", eras, [0, 0])
    assert own[1].verdict == "current"
