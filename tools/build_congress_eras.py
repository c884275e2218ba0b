"""Rebuild ``dedupe_audit/data/eras/us-congress.toml`` from the congress-legislators data.

Why a script: the current members of Congress (about 540 people, each with all past terms)
change after every election and special election; hand-editing them would drift. The
source is the public-domain (CC0) project unitedstates/congress-legislators, whose
``legislators-current.yaml`` the project keeps under ``shared/knowledge/congress-legislators``.

What it writes: the offices ``us-senator`` and ``us-representative`` (titles in EN/UK/RU) and
one fact per person per chamber with the person's terms in that chamber. Consecutive terms
(next one starting within a week of the previous end) are merged into one tenure; the
latest term of a sitting member is left open (re-election is unknown when the data is cut).

Names: the title is always required ("Sen. Elizabeth Warren", never a bare "Warren"), and so
is the first name (or nickname, "Chuck Schumer"), because surnames repeat within a chamber
(several Johnsons, Scotts, Smiths). A first+last pair shared by two members of one chamber
is dropped for both, so the data never guesses which one is meant. A few members that
Ukrainian and Russian news name often get Cyrillic spellings from ``CYRILLIC`` below.

Usage (from the repository root)::

    python3 tools/build_congress_eras.py [--source ../shared/knowledge/congress-legislators]
        [--out dedupe_audit/data/eras/us-congress.toml] [--check]

``--check`` exits 1 when the written file would differ (for CI or a reviewer).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "knowledge" / "congress-legislators"
DEFAULT_OUT = ROOT / "dedupe_audit" / "data" / "eras" / "us-congress.toml"
SOURCE_LINE = "unitedstates/congress-legislators legislators-current.yaml (CC0)"
MERGE_GAP = timedelta(days=7)  # a re-elected member sworn in a few days after the old term ends

CHAMBERS = {"sen": "us-senator", "rep": "us-representative"}

OFFICES = '''\
[offices.us-senator]
label = "US senator"
source = "titles: US Senate usage (Sen., Senator); UK/RU press usage"
# former holders keep the title by courtesy ("President Obama" on a 2018 page): past narration
# of their acts is no evidence of the time of writing, whatever later holder the page names
courtesy = true
titles = [
  'Sen\\.|Senator',
  'сенатор\\w*(?:\\s+США)?',
]

[offices.us-representative]
label = "US representative"
source = "titles: US House usage (Rep., Representative, Congressman); UK/RU press usage"
titles = [
  'Rep\\.|Representative|Congress(?:wo)?man',
  'конгрес+(?:мен\\w*|вумен)|член\\w*\\s+(?:Палати\\s+представників|Палаты\\s+представителей)(?:\\s+США)?',
]
'''

# Cyrillic spellings for members that Ukrainian and Russian news name often, keyed by the
# bioguide id; a leading "?" marks a first name that may be left out (the surname is
# distinctive enough in that chamber: "сенатор Грем").
CYRILLIC: dict[str, list[str]] = {
    "G000359": ["?Ліндс\\w*", "Грем\\w*", "?Линдс\\w*", "Грэм\\w*"],  # Lindsey Graham
    "M000355": ["?Мітч\\w*", "Макконнелл\\w*", "?Митч\\w*", "Макконнелл\\w*"],  # Mitch McConnell
    "S000148": ["?Чак\\w*", "Шумер\\w*", "?Чак\\w*", "Шумер\\w*"],  # Chuck Schumer
    "S000033": ["?Берні", "Сандерс\\w*", "?Берни", "Сандерс\\w*"],  # Bernie Sanders
    "W000817": ["Елізабет", "Воррен", "Элизабет", "Уоррен"],  # Elizabeth Warren
    "B001277": ["?Річард\\w*", "Блюменталь\\w*", "?Ричард\\w*", "Блюменталь\\w*"],  # Blumenthal
    "W000437": ["?Роджер\\w*", "Вікер\\w*", "?Роджер\\w*", "Уикер\\w*"],  # Roger Wicker
    "R000584": ["?Джим\\w*", "Ріш\\w*", "?Джим\\w*", "Риш\\w*"],  # Jim Risch
    "C001098": ["Тед\\w*", "Круз\\w*", "Тед\\w*", "Круз\\w*"],  # Ted Cruz
    "P000603": ["Ренд\\w*", "Пол\\w*", "Рэнд\\w*", "Пол\\w*"],  # Rand Paul
    "H001089": ["?Джош\\w*", "Гоулі", "?Джош\\w*", "Хоули"],  # Josh Hawley
    "S001181": ["?Джин", "Шагін", "?Джин", "Шахин"],  # Jeanne Shaheen
    "M001169": ["Кріс\\w*", "Мерфі", "Крис\\w*", "Мерфи"],  # Chris Murphy
    "C001088": ["?Кріс\\w*", "Кунс\\w*", "?Крис\\w*", "Кунс\\w*"],  # Chris Coons
    "T000250": ["Джон\\w*", "Тун\\w*", "Джон\\w*", "Тун\\w*"],  # John Thune
    "T000476": ["?Том\\w*", "Тілліс\\w*", "?Том\\w*", "Тиллис\\w*"],  # Thom Tillis
    "M001153": ["?Ліз\\w*", "Мурковськ\\w*|Мурковскі", "?Лиз\\w*", "Мурковск\\w*"],  # Murkowski
    "C001095": ["Том\\w*", "Коттон\\w*", "Том\\w*", "Коттон\\w*"],  # Tom Cotton
    "S001217": ["Рік\\w*", "Скотт\\w*", "Рик\\w*", "Скотт\\w*"],  # Rick Scott
    "J000293": ["Рон\\w*", "Джонсон\\w*", "Рон\\w*", "Джонсон\\w*"],  # Ron Johnson
    "S001150": ["?Адам\\w*", "Шифф\\w*", "?Адам\\w*", "Шифф\\w*"],  # Adam Schiff
    "J000299": ["Майк\\w*", "Джонсон\\w*", "Майк\\w*", "Джонсон\\w*"],  # Mike Johnson
    "P000197": ["?Ненсі", "Пелосі", "?Нэнси", "Пелоси"],  # Nancy Pelosi
    "J000294": ["?Хакім\\w*", "Джеффріс\\w*", "?Хаким\\w*", "Джеффрис\\w*"],  # Hakeem Jeffries
    "S001176": ["?Стів\\w*", "Скаліс\\w*", "?Стив\\w*", "Скализ\\w*"],  # Steve Scalise
    "W000795": ["Джо", "Вілсон\\w*", "Джо", "Уилсон\\w*"],  # Joe Wilson
    "F000466": ["?Бра[йя]ан\\w*", "Фіцпатрик\\w*", "?Брайан\\w*", "Фицпатрик\\w*"],  # Fitzpatrick
    "M001157": ["?Майкл\\w*", "Маккол\\w*", "?Майкл\\w*", "Маккол\\w*"],  # Michael McCaul
    "R000606": ["?Джеймі", "Раскін\\w*", "?Джейми", "Раскин\\w*"],  # Jamie Raskin
    "O000172": ["Олександрі\\w*|Александрі\\w*", "Окасіо-Кортес", "Александри\\w*", "Окасио-Кортес"],
}

# The usual short forms of given names: "Sen. Chris Murphy" for Christopher Murphy. The
# surname is still required, and a pair shared by two members is dropped (see below).
SHORT_NAMES = {
    "Christopher": ["Chris"], "Michael": ["Mike"], "James": ["Jim"], "William": ["Bill"],
    "Robert": ["Bob"], "Thomas": ["Tom"], "Joseph": ["Joe"], "Charles": ["Chuck"],
    "Edward": ["Ed"], "Timothy": ["Tim"], "Daniel": ["Dan"], "Steven": ["Steve"],
    "Stephen": ["Steve"], "Matthew": ["Matt"], "Benjamin": ["Ben"], "Gregory": ["Greg"],
    "Anthony": ["Tony"], "Patrick": ["Pat"], "Jeffrey": ["Jeff"], "Kenneth": ["Ken"],
    "Ronald": ["Ron"], "Donald": ["Don"], "Nicholas": ["Nick"], "Andrew": ["Andy"],
    "Samuel": ["Sam"], "Jonathan": ["Jon"], "Richard": ["Rick"], "Bradley": ["Brad"],
    "Gerald": ["Jerry"], "Frederick": ["Fred"], "Zachary": ["Zach"], "Douglas": ["Doug"],
}
# Members for whom a short form above would name someone else, with the forms they do use:
# Rob Menendez (NJ, since 2023); "Bob Menendez" is his father (House 1993-2006, Senate
# 2006-2024, in us-congress-former.toml).
OWN_SHORT_NAMES: dict[str, list[str]] = {"M001226": ["Rob"]}


@dataclass
class Member:
    """One person in one chamber: the names to recognise and the merged tenures."""

    bioguide: str
    holder: str
    chamber: str
    state: str
    names: list[str] = field(default_factory=list)
    terms: list[tuple[date, date | None]] = field(default_factory=list)


def _plain(text: str) -> str:
    """Without accents: "Luján" is often written "Lujan"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str) -> str:
    """A literal name as a regex: spaces may be any whitespace, a period may be left out."""
    parts = [re.escape(part).replace(r"\.", r"\.?") for part in text.split()]
    return r"\s+".join(parts)


def _first_names(name: dict, bioguide: str = "") -> list[str]:
    """Given names a reporter uses: the first name, the nickname, the usual short form
    (or the member's own, ``OWN_SHORT_NAMES``) and the one in the official full name
    ("Jack Reed" for John F. Reed)."""
    short = OWN_SHORT_NAMES.get(bioguide, SHORT_NAMES.get(name["first"], []))
    firsts = [name["first"], name.get("nickname") or "", *short]
    full = re.sub(r'"[^"]*"', " ", name.get("official_full") or "")
    full = re.sub(r",?\s+(?:Jr\.|Sr\.|I{2,3}|IV)\s*$", "", full.strip())
    if full.endswith(name["last"]):
        given = full[: -len(name["last"])].strip()
        given = re.sub(r"\s+[A-Z]\.$", "", given)  # a middle initial is matched separately
        firsts.append(given)
    return [f for f in dict.fromkeys(f.strip() for f in firsts) if f]


def _lasts(name: dict) -> list[str]:
    return list(dict.fromkeys([name["last"], _plain(name["last"])]))


def _merged(terms: list[dict]) -> list[tuple[date, date | None]]:
    spans = sorted((date.fromisoformat(str(t["start"])), date.fromisoformat(str(t["end"])))
                   for t in terms)
    merged: list[list[date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + MERGE_GAP:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _members(people: list[dict]) -> list[Member]:
    """One Member per person per chamber; the chamber of the person's latest term is open."""
    members = []
    for person in people:
        name, terms = person["name"], person["terms"]
        latest = max(terms, key=lambda t: str(t["start"]))
        holder = re.sub(r'\s*"[^"]*"', "", name.get("official_full") or f"{name['first']} {name['last']}")
        for kind, office in CHAMBERS.items():
            mine = [t for t in terms if t["type"] == kind]
            if not mine:
                continue
            spans = _merged(mine)
            if latest["type"] == kind:  # sitting: the current term's end is not yet known
                spans[-1] = (spans[-1][0], None)
            member = Member(person["id"]["bioguide"], holder, office, latest["state"], terms=spans)
            member.names = [
                rf"{_words(first)}\s+(?:\w\.\s+)?{_words(last)}"
                for first in _first_names(name, person["id"]["bioguide"]) for last in _lasts(name)
            ]
            members.append(member)
    return members


def _drop_shared_names(members: list[Member]) -> None:
    """A name pattern two members of one chamber share says nothing about which is meant."""
    seen: dict[tuple[str, str], list[Member]] = {}
    for member in members:
        for pattern in member.names:
            seen.setdefault((member.chamber, pattern.lower()), []).append(member)
    for (_, pattern), owners in seen.items():
        if len(owners) > 1:
            for member in owners:
                member.names = [n for n in member.names if n.lower() != pattern]
                print(f"ambiguous in {member.chamber}: {pattern!r} ({member.holder})", file=sys.stderr)


def _cyrillic(bioguide: str) -> list[str]:
    """UK and RU name patterns from ``CYRILLIC``: first name (optional when marked "?")
    followed by the surname."""
    spec = CYRILLIC.get(bioguide)
    if not spec:
        return []
    out = []
    for first, last in zip(spec[::2], spec[1::2], strict=True):
        optional = first.startswith("?")
        first = first.lstrip("?")
        out.append(rf"(?:{first}\s+){'?' if optional else ''}(?:{last})")
    return list(dict.fromkeys(out))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _plain(text).lower()).strip("-")


def _toml_string(pattern: str) -> str:
    """A TOML literal string (no escapes); patterns never hold three single quotes."""
    return f"'''{pattern}'''" if "'" in pattern else f"'{pattern}'"


def render(members: list[Member], source_commit: str) -> str:
    """The TOML text: offices first, then facts by chamber and state and name."""
    lines = [
        "# GENERATED by tools/build_congress_eras.py from unitedstates/congress-legislators",
        f"# legislators-current.yaml (CC0, {source_commit}). Do not edit by hand: rerun the script.",
        "# Former members who left Congress are hand-written in us-congress-former.toml.",
        "#",
        "# One fact per person per chamber; consecutive terms are merged; a sitting member's",
        "# current term is open (re-election unknown). The title and the first name are",
        "# required: 'Sen. Elizabeth Warren', 'Rep. Jim Jordan', 'сенатор Ліндсі Грем'.",
        "",
        OFFICES,
    ]
    order = sorted(members, key=lambda m: (m.chamber, m.state, _slug(m.holder), m.bioguide))
    for member in order:
        names = member.names + _cyrillic(member.bioguide)
        if not names:
            continue
        kind = "senator" if member.chamber == "us-senator" else "representative"
        lines += ["[[facts]]",
                  f'id = "us-{kind}-{_slug(member.holder)}-{member.bioguide.lower()}"',
                  f'office = "{member.chamber}"',
                  f'holder = "{member.holder} ({member.state})"',
                  f'source = "{SOURCE_LINE}, {source_commit}"']
        spans = ", ".join(
            f'{{ start = "{s.isoformat()}"' + (f', end = "{e.isoformat()}" }}' if e else " }")
            for s, e in member.terms)
        lines.append(f"terms = [{spans}]")
        lines.append("names = [" + ", ".join(_toml_string(n) for n in names) + "]")
        lines.append("")
    return "\n".join(lines)


def _source_commit(source: Path) -> str:
    readme = (source / "README.md").read_text(encoding="utf-8") if (source / "README.md").exists() else ""
    found = re.search(r"commit\s+([0-9a-f]{7,40})(?:\s+\(([\d-]+)\))?", readme)
    if not found:
        return "commit unknown"
    return f"commit {found.group(1)}" + (f" of {found.group(2)}" if found.group(2) else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output would change")
    args = parser.parse_args(argv)
    people = yaml.safe_load((args.source / "legislators-current.yaml").read_text(encoding="utf-8"))
    members = _members(people)
    _drop_shared_names(members)
    text = render(members, _source_commit(args.source))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: rerun tools/build_congress_eras.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {sum(1 for m in members if m.names)} facts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
