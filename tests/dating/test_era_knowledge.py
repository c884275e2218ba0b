"""The shipped era knowledge in ``dedupe_audit/data/eras/*.toml``: it loads, every fact
names its source, mentions in EN/UK/RU resolve to the right holder and tenure, titles are
required where surnames repeat, the generated Congress file matches its source, and the
literal screen still keeps most facts away from a paragraph that names nobody (speed)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from helpers import holds_on, mentioned_facts

from dedupe_audit.dating.eras import screened_facts

ROOT = Path(__file__).resolve().parents[2]
ERA_FOLDER = resources.files("dedupe_audit").joinpath("data", "eras")
CONGRESS_SOURCE = ROOT.parent / "shared" / "knowledge" / "congress-legislators"
# Offices that several people hold at once: their holders' tenures may overlap.
MANY_HOLDERS = {"us-senator", "us-representative", "us-governor", "us-special-counsel",
                "us-presidential-candidate"}



def _topic_files() -> dict[str, dict]:
    """Each shipped topic file, parsed."""
    return {f.name: tomllib.loads(f.read_text(encoding="utf-8"))
            for f in ERA_FOLDER.iterdir() if f.name.endswith(".toml")}



# --------------------------------------------------------------------------- the files


def test_topic_files_exist_and_load(eras):
    files = _topic_files()
    assert {"us-congress.toml", "us-congress-former.toml", "us-executive.toml", "us-governors.toml",
            "world-leaders.toml", "ministers.toml", "international.toml"} <= set(files)
    loaded = {f.fact_id for f in eras.facts}
    for data in files.values():
        assert {fact["id"] for fact in data.get("facts", [])} <= loaded


def test_every_fact_and_office_names_its_source():
    for name, data in _topic_files().items():
        for fact in data.get("facts", []):
            assert isinstance(fact.get("source"), str) and fact["source"].strip(), (name, fact["id"])
        for key, office in data.get("offices", {}).items():
            assert isinstance(office.get("source"), str) and office["source"].strip(), (name, key)


def test_topic_files_do_not_replace_eras_toml_or_each_other():
    """A repeated id silently replaces a fact; the topic files only add."""
    shipped = tomllib.loads(resources.files("dedupe_audit").joinpath("data", "eras.toml")
                            .read_text(encoding="utf-8"))
    seen = {fact["id"]: "eras.toml" for fact in shipped["facts"]}
    offices = set(shipped["offices"])
    for name, data in sorted(_topic_files().items()):
        for fact in data.get("facts", []):
            assert fact["id"] not in seen, f"{name} repeats {fact['id']} of {seen.get(fact['id'])}"
            seen[fact["id"]] = name
        for key in data.get("offices", {}):
            assert key not in offices, f"{name} redefines office {key}"
            offices.add(key)


def test_one_holder_offices_do_not_overlap(eras):
    """Successive holders of a one-person office: a tenure ends where the next begins."""
    by_office: dict[str, list[tuple[date, date, str]]] = {}
    for fact in eras.facts:
        if fact.office in MANY_HOLDERS:
            continue
        for term in fact.terms:
            by_office.setdefault(fact.office, []).append(
                (term.start, term.end or date.max, fact.holder))
    for office, spans in by_office.items():
        spans.sort()
        for (_, end, holder), (start, _, other) in zip(spans, spans[1:], strict=False):
            if holder != other:
                assert start >= end, f"{office}: {holder} until {end} overlaps {other} from {start}"


# --------------------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    ("text", "fact_id", "inside", "outside"),
    [
        # US Congress, generated and former members, EN/UK/RU
        ("Sen. Elizabeth Warren pressed the nominee.", "us-senator-elizabeth-warren-w000817",
         "2024-05-01", "2010-05-01"),
        ("Сенатор Ліндсі Грем заявив про нові санкції.", "us-senator-lindsey-graham-g000359",
         "2025-03-01", "2001-03-01"),
        ("Сенатор Грэм предложил законопроект.", "us-senator-lindsey-graham-g000359",
         "2025-03-01", "2001-03-01"),
        ("Senator Chuck Schumer spoke on the floor.", "us-senator-charles-e-schumer-s000148",
         "2020-01-10", "1997-01-10"),
        ("Sen. John McCain, R-Ariz., criticised the plan.", "us-senator-john-mccain-former",
         "2017-06-01", "2019-06-01"),
        ("сенатор Джон Маккейн прибув до Києва", "us-senator-john-mccain-former",
         "2016-12-31", "2025-09-01"),
        ("Rep. Trey Gowdy, who chairs the committee, said", "us-representative-trey-gowdy-former",
         "2018-03-01", "2025-03-01"),
        ("Congresswoman Nancy Pelosi", "us-representative-nancy-pelosi-p000197",
         "2025-03-01", "1985-03-01"),
        ("Rep. Bob Menendez of New Jersey", "us-representative-bob-menendez-former",
         "2000-03-01", "2023-03-01"),
        ("Gov. Gavin Newsom signed the bill.", "us-governor-ca-gavin-newsom", "2024-01-01", "2018-01-01"),
        ("губернатор Каліфорнії Гевін Ньюсом", "us-governor-ca-gavin-newsom", "2024-01-01", "2018-01-01"),
        # US executive
        ("Treasury Secretary Steven Mnuchin said", "us-treasury-secretary-mnuchin",
         "2019-01-01", "2022-01-01"),
        ("Director of National Intelligence Dan Coats warned", "us-dni-coats", "2018-07-01", "2020-07-01"),
        ("директор ФБР Джеймс Комі", "us-fbi-director-comey", "2016-10-28", "2017-06-01"),
        ("special counsel Robert Mueller", "us-special-counsel-mueller", "2018-05-01", "2020-05-01"),
        ("President-elect Donald Trump met", "us-president-elect-trump", "2016-12-01", "2017-02-01"),
        ("Speaker Paul Ryan", "us-house-speaker-ryan", "2017-01-01", "2019-02-01"),
        ("President George W. Bush", "us-president-george-w-bush", "2005-01-01", "2010-01-01"),
        # heads of state and government, EN/UK/RU
        ("Afghan President Ashraf Ghani", "afghanistan-president-ghani", "2019-01-01", "2022-01-01"),
        ("Prime Minister Justin Trudeau", "canada-prime-minister-trudeau", "2018-01-01", "2025-09-01"),
        ("прем'єр-міністр Канади Джастін Трюдо", "canada-prime-minister-trudeau", "2018-01-01", "2025-09-01"),
        ("Президент Франции Франсуа Олланд заявил", "fr-president-hollande", "2015-01-01", "2018-01-01"),
        ("Chancellor Gerhard Schröder", "german-chancellor-schroder", "2003-01-01", "2006-01-01"),
        ("President Viktor Yanukovych", "ukraine-president-yanukovych", "2012-01-01", "2015-01-01"),
        ("президент Польщі Анджей Дуда", "poland-president-duda", "2020-01-01", "2025-09-01"),
        ("премьер-министр Японии Синдзо Абэ", "japan-prime-minister-abe", "2015-01-01", "2021-01-01"),
        # ministers and international organisations
        ("Foreign Secretary Boris Johnson", "uk-foreign-secretary-boris-johnson", "2017-01-01", "2019-01-01"),
        ("министр иностранных дел Германии Анналена Бербок", "germany-foreign-minister-baerbock",
         "2023-01-01", "2025-09-01"),
        ("глава МЗС Польщі Радослав Сікорський", "poland-foreign-minister-sikorski",
         "2024-06-01", "2016-06-01"),
        ("European Council President Donald Tusk", "european-council-president-tusk",
         "2016-01-01", "2020-01-01"),
        ("генсек ООН Пан Гі Мун", "un-secretary-general-ban-ki-moon", "2010-01-01", "2018-01-01"),
        ("NATO Secretary General Jaap de Hoop Scheffer", "nato-secretary-general-de-hoop-scheffer",
         "2005-01-01", "2010-01-01"),
        ("NATO General Secretary Jaap de Hoop Scheffer", "nato-secretary-general-de-hoop-scheffer",
         "2005-01-01", "2010-01-01"),
        # a lower-case title after the name, with or without the article (news apposition)
        ("Dan Coats, director of national intelligence, warned", "us-dni-coats", "2018-07-01",
         "2020-07-01"),
        ("Дэн Коутс, директор национальной разведки, предупредил", "us-dni-coats", "2018-07-01",
         "2020-07-01"),
        ("заместитель генпрокурора Род Розенстайн", "us-deputy-attorney-general-rosenstein",
         "2018-01-01", "2020-01-01"),
        ("Gen. Joseph Dunford, chairman of the Joint Chiefs of Staff, met",
         "us-joint-chiefs-chairman-dunford", "2018-06-01", "2020-06-01"),
        ("голова Об'єднаного комітету начальників штабів Марк Міллі", "us-joint-chiefs-chairman-milley",
         "2021-06-01", "2024-06-01"),
        ("председатель Объединенного комитета начальников штабов Марк Милли",
         "us-joint-chiefs-chairman-milley", "2021-06-01", "2024-06-01"),
    ],
)
def test_mentions_resolve_to_holder_and_window(eras, text, fact_id, inside, outside):
    facts = mentioned_facts(text, eras)
    assert [f.fact_id for f in facts] == [fact_id]
    assert holds_on(facts[0], inside) and not holds_on(facts[0], outside)


@pytest.mark.parametrize(
    "text",
    [
        "Warren said the bill would fail.",  # no title
        "McCain said the vote was close.",
        "Sen. Warren said the bill would fail.",  # surnames repeat: first name required in EN
        "Sen. Johnson voted no.",
        "Governor Brown vetoed it.",
        "Jordan's King Abdullah received the envoy.",  # not the Saudi king
        "President Lee said on Monday.",  # three South Korean presidents named Lee, Park, Roh
        "President Clinton",  # Bill or Hillary: left undecided
        "Prime Minister Trudeau",  # Justin or Pierre
        "The senator from Arizona spoke.",
        "Chairman of the Joint Chiefs Brown said",  # a common surname: the first name is required
    ],
)
def test_ambiguous_or_untitled_names_do_not_resolve(eras, text):
    assert mentioned_facts(text, eras) == []


def test_a_capitalised_title_after_a_comma_is_the_next_persons(eras):
    # a list, not an apposition: "Mnuchin, Treasury Secretary Yellen" names Yellen only
    facts = mentioned_facts("Steven Mnuchin, Treasury Secretary Janet Yellen and others attended.", eras)
    assert [f.holder for f in facts] == ["Janet Yellen"]


def test_same_person_different_offices_resolve_by_title(eras):
    assert [f.fact_id for f in mentioned_facts("Gov. Rick Scott", eras)] == ["us-governor-fl-rick-scott"]
    assert [f.fact_id for f in mentioned_facts("Sen. Rick Scott", eras)] == ["us-senator-rick-scott-s001217"]
    assert [f.fact_id for f in mentioned_facts("CIA Director Mike Pompeo", eras)] == (
        ["us-cia-director-pompeo"])
    assert [f.fact_id for f in mentioned_facts("Rep. Robert Menendez", eras)] == [
        "us-representative-robert-menendez-m001226"]


def test_current_member_term_is_open_and_past_chamber_closed(eras):
    """Schiff sat in the House until 2024 and in the Senate since: one fact per chamber."""
    (house,) = mentioned_facts("Rep. Adam Schiff", eras)
    (senate,) = mentioned_facts("Sen. Adam Schiff", eras)
    assert house.terms[-1].end is not None and senate.terms[-1].end is None
    assert house.terms[-1].end <= senate.terms[0].start


# --------------------------------------------------------------------------- generated data, speed


@pytest.mark.skipif(not (CONGRESS_SOURCE / "legislators-current.yaml").exists(),
                    reason="congress-legislators source data not present")
def test_generated_congress_file_is_up_to_date():
    pytest.importorskip("yaml")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "build_congress_eras.py"), "--check",
                          "--source", str(CONGRESS_SOURCE),
                          "--out", str(ROOT / "dedupe_audit" / "data" / "eras" / "us-congress.toml")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_screen_keeps_unrelated_paragraphs_cheap(eras):
    """Matching cost grows with the facts a paragraph's literals let through, not with the
    size of the knowledge: a paragraph naming nobody reaches few fact regexes."""
    screened = screened_facts(eras)
    plain = ("The city council met on Tuesday to discuss the budget for road repairs, and the "
             "mayor said the work would start in spring.")
    assert len(screened.for_text(plain)) <= 10
    named = "Sen. Elizabeth Warren and Gov. Gavin Newsom spoke."
    let_through = {f.fact_id for f in screened.for_text(named)}
    assert {"us-senator-elizabeth-warren-w000817", "us-governor-ca-gavin-newsom"} <= let_through
    assert len(let_through) < len(eras.facts) // 10
