"""Outlet registry: the names a paragraph can be attributed to, loaded from TOML.

Knowledge about outlets (aliases, localized and inflected names, domains) lives in
``data/outlets.toml`` and in user files merged after it, so a new outlet is a data change.
Aliases match case-sensitively ("AP" the agency, not "ap"), except a leading "The"/"the".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import urlsplit

from ..rules.datafiles import data_file, named_entry, parse_toml, read_user_file
from ..rules.literals import trie_of_pieces
from ..rules.saferegex import RuleFileError
from ..rules.screens import trie_pattern

SHIPPED = "dedupe_audit/data/outlets.toml"
# wire/agency: news agencies selling copy to others; newspaper, broadcaster, magazine, digital:
# outlets publishing their own reporting (``original`` is the older word for any of those);
# aggregator: portals and relays carrying others' stories (never the author of what they carry).
KINDS = frozenset(
    {"original", "wire", "agency", "newspaper", "broadcaster", "magazine", "digital", "aggregator"}
)
_KEYS = frozenset(
    {"name", "kind", "language", "domains", "aliases", "ambiguous_aliases", "names", "replace",
     "source", "handles"}
)
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'", "«": '"', "»": '"'})


class RegistryError(RuleFileError):
    """An outlet file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    kind: str
    language: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]  # canonical name, aliases and localized names, deduplicated
    ambiguous_aliases: tuple[str, ...] = ()
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, localized names)
    sources: tuple[str, ...] = field(default=())  # files that defined or extended it
    basis: str = ""  # where the entry's facts come from (the `source` key)
    # Its social-media accounts, the outlet's own and its shows' and desks' ("ThisWeekABC"): an
    # embedded post signed by one is the outlet's, whatever display name it bears ("This Week").
    handles: tuple[str, ...] = ()


def alias_key(alias: str) -> str:
    """Key under which an alias is stored: NFKC, one space, one dash, 'The' capitalised."""
    text = unicodedata.normalize("NFKC", alias).translate(_DASHES)
    text = " ".join(text.split())
    if text[:4] == "the ":
        text = "The " + text[4:]
    return text


_SPACE = r"\s+"
_DASH = r"\s?[-‐‑–—]\s?"
_APOSTROPHE = "['’]"
_QUOTE = '["«»“”]'
_FLEXIBLE = {" ": _SPACE, "-": _DASH, "'": _APOSTROPHE, '"': _QUOTE}


def _alias_pieces(alias: str) -> tuple[str, tuple[str, ...]]:
    """Regex of one alias as (lead, one piece per character): case-sensitive, flexible
    spaces/dashes/quotes, 'The' or 'the' as the lead."""
    key = alias_key(alias)
    lead = ""
    if key.startswith("The "):
        lead, key = r"[Tt]he\s+", key[4:]
    return lead, tuple(_FLEXIBLE.get(char) or re.escape(char) for char in key)


def _alias_regex(alias: str) -> str:
    """Regex for one alias: case-sensitive, flexible spaces/dashes, 'The' or 'the'."""
    lead, pieces = _alias_pieces(alias)
    return lead + "".join(pieces)


class OutletRegistry:
    """Lookup of outlets by canonical name, alias (with ambiguity) and web domain."""

    def __init__(self, outlets: Sequence[Outlet]) -> None:
        self.outlets = tuple(outlets)
        self._by_name = {o.name: o for o in self.outlets}
        self._owner: dict[str, str] = {}
        self._contenders: dict[str, list[str]] = {}
        self._domains: dict[str, str] = {}
        self._handles: dict[str, str] = {}
        for outlet in self.outlets:
            self._index(outlet)

    def _index(self, outlet: Outlet) -> None:
        for alias in outlet.aliases:
            key = alias_key(alias)
            other = self._owner.get(key)
            if other is not None and other != outlet.name:
                raise RegistryError(
                    f"{', '.join(outlet.sources)}: outlet '{outlet.name}': alias '{alias}' already"
                    f" belongs to '{other}' (list it under ambiguous_aliases instead)"
                )
            self._owner[key] = outlet.name
        for alias in outlet.ambiguous_aliases:
            self._contenders.setdefault(alias_key(alias), []).append(outlet.name)
        for domain in outlet.domains:
            self._domains[domain.lower().removeprefix("www.")] = outlet.name
        for handle in outlet.handles:
            key = handle.removeprefix("@").casefold()
            other = self._handles.get(key)
            if other is not None and other != outlet.name:
                raise RegistryError(f"{', '.join(outlet.sources)}: outlet '{outlet.name}': handle"
                                    f" '{handle}' already belongs to '{other}'")
            self._handles[key] = outlet.name

    def get(self, name: str) -> Outlet | None:
        """The outlet with this canonical name."""
        return self._by_name.get(name)

    def candidates(self, alias: str) -> tuple[str, ...]:
        """Canonical names an alias may mean, the default reading first."""
        key = alias_key(alias)
        owner = self._owner.get(key)
        contenders = [n for n in self._contenders.get(key, ()) if n != owner]
        return tuple(([owner] if owner else []) + contenders)

    def is_ambiguous(self, alias: str) -> bool:
        return len(self.candidates(alias)) > 1

    def lookup(self, alias: str, *, fold_case: bool = False) -> Outlet | None:
        """The default outlet for an alias. ``fold_case`` is for identifiers such as a
        ``site`` field ("ukrinform"), never for prose: there "ap" is not "AP"."""
        found = self.candidates(alias)
        if found:
            return self._by_name[found[0]]
        if not fold_case:
            return None
        folded = alias_key(alias).casefold()
        names = {n for k, n in self._owner.items() if k.casefold() == folded}
        names |= {n for n in self._by_name if n.casefold() == folded}
        return self._by_name[names.pop()] if len(names) == 1 else None

    def by_handle(self, handle: str) -> Outlet | None:
        """The outlet owning a social-media account ("@ThisWeekABC"; case does not matter, as
        on the platforms)."""
        name = self._handles.get(handle.strip().removeprefix("@").casefold())
        return self._by_name[name] if name else None

    def by_domain(self, host_or_url: str) -> Outlet | None:
        """The outlet owning a host (subdomains included) or the host of a URL."""
        host = host_or_url.strip().lower()
        if "/" in host:
            host = (urlsplit(host if "//" in host else "//" + host).hostname or "").lower()
        labels = host.removeprefix("www.").split(".")
        for i in range(len(labels) - 1):
            name = self._domains.get(".".join(labels[i:]))
            if name:
                return self._by_name[name]
        return None

    def resolve_site(self, site: str) -> Outlet | None:
        """The outlet named by a ``site`` field: a domain, a URL, or a name."""
        if "." in site or "/" in site:
            found = self.by_domain(site)
            if found:
                return found
        return self.lookup(site, fold_case=True)

    def all_aliases(self) -> tuple[str, ...]:
        """Every alias (owned or ambiguous), longest first so alternation prefers it."""
        keys = set(self._owner) | set(self._contenders)
        return tuple(sorted(keys, key=lambda k: (-len(k), k)))

    def alias_pattern(self, *, glued: bool = False) -> str:
        """Regex source matching any alias as a whole word (digits may follow: a teaser
        glues 'Reuters25.04.25'). ``glued``: a lower-case letter may come right before it,
        as when a scraped byline loses its line break ('Vladimir IsachenkovAssociated Press')."""
        # as a tree of pieces (longest alias first at every fork): with ~1,500 aliases a flat
        # alternation costs `re` seconds to compile in every rule that names an outlet
        paths = [((lead,) if lead else ()) + pieces
                 for lead, pieces in map(_alias_pieces, self.all_aliases())]
        body = trie_of_pieces(paths, longest=True)
        before = r"(?<![A-Z\d_])" if glued else r"(?<![\w])"
        return rf"{before}(?:{body})(?![^\W\d_])"

    def alias_screen(self) -> str | None:
        """Regex source found in every text that :meth:`alias_pattern` matches, and fast to
        scan for: each alias without its lead ('The ') and leading flexible pieces, as one
        tree starting with plain characters. None when some alias has no plain character."""
        paths = []
        for alias in self.all_aliases():
            pieces = list(_alias_pieces(alias)[1])
            while pieces and pieces[0] in _FLEXIBLE.values():
                pieces.pop(0)
            if not pieces:
                return None
            paths.append(pieces)
        return trie_pattern(paths) if paths else None

    def alias_screen_starts(self) -> tuple[str, ...] | None:
        """The plain characters each path of :meth:`alias_screen` begins with (up to its first
        flexible piece: a space, dash, apostrophe or quote), sorted: every match of the screen
        starts with one of them, so a literal scan finds the few places to try it. None when
        some alias has no plain character."""
        starts = set()
        for alias in self.all_aliases():
            key = alias_key(alias)
            key = key[4:] if key.startswith("The ") else key
            plain = key.lstrip("".join(_FLEXIBLE))
            for position, char in enumerate(plain):
                if char in _FLEXIBLE:
                    plain = plain[:position]
                    break
            if not plain:
                return None
            starts.add(plain)
        return tuple(sorted(starts))


# ------------------------------------------------------------------ loading


def _strings(raw: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def _names(raw: Mapping[str, object], where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = raw.get("names", {})
    if not isinstance(value, dict):
        raise RegistryError(f"{where}: 'names' must be a table of language = [names]")
    return tuple((lang, _strings(value, lang, where)) for lang in sorted(value))


def _parse_outlet(raw: object, source: str, position: int) -> tuple[Outlet, bool]:
    """One [[outlet]] entry, validated; the flag says whether it replaces an earlier one."""
    raw, name, where = named_entry(raw, source, position, "outlet", _KEYS, RegistryError)
    kind = raw.get("kind", "")
    if kind and kind not in KINDS:
        raise RegistryError(f"{where}: kind '{kind}' is not one of {', '.join(sorted(KINDS))}")
    language = raw.get("language", "")
    if not isinstance(language, str):
        raise RegistryError(f"{where}: 'language' must be a string")
    names = _names(raw, where)
    aliases = _strings(raw, "aliases", where) + tuple(n for _, group in names for n in group)
    outlet = Outlet(
        name=name,
        kind=kind,
        language=language,
        domains=tuple(d.lower() for d in _strings(raw, "domains", where)),
        aliases=aliases,
        ambiguous_aliases=_strings(raw, "ambiguous_aliases", where),
        names=names,
        sources=(source,),
        basis=str(raw.get("source", "")),
        handles=_strings(raw, "handles", where),
    )
    return outlet, bool(raw.get("replace", False))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _merge(old: Outlet, new: Outlet) -> Outlet:
    """A later entry extends an earlier one of the same name: scalars replace, lists add."""
    langs = dict(old.names)
    for lang, group in new.names:
        langs[lang] = _unique(langs.get(lang, ()) + group)
    return replace(
        old,
        kind=new.kind or old.kind,
        language=new.language or old.language,
        domains=_unique(old.domains + new.domains),
        aliases=_unique(old.aliases + new.aliases),
        ambiguous_aliases=_unique(old.ambiguous_aliases + new.ambiguous_aliases),
        names=tuple(sorted(langs.items())),
        sources=_unique(old.sources + new.sources),
        basis=new.basis or old.basis,
        handles=_unique(old.handles + new.handles),
    )


def _finish(outlet: Outlet) -> Outlet:
    """Canonical name first among aliases; a kind is required once all files merged."""
    if outlet.kind not in KINDS:
        raise RegistryError(f"{', '.join(outlet.sources)}: outlet '{outlet.name}': missing 'kind'")
    return replace(outlet, aliases=_unique((outlet.name, *outlet.aliases)))


def parse_outlets(text: str, source: str) -> list[tuple[Outlet, bool]]:
    data = parse_toml(text, source, RegistryError)
    entries = data.get("outlet", [])
    if not isinstance(entries, list):
        raise RegistryError(f"{source}: 'outlet' must be an array of tables ([[outlet]])")
    return [_parse_outlet(raw, source, i + 1) for i, raw in enumerate(entries)]


@lru_cache(maxsize=8)
def _load(extra_files: tuple[str, ...]) -> OutletRegistry:
    merged: dict[str, Outlet] = {}
    sources = [(SHIPPED, data_file("outlets.toml"))]
    sources += [(p, read_user_file(p, RegistryError, "outlet")) for p in extra_files]
    for source, text in sources:
        for outlet, fresh in parse_outlets(text, source):
            old = merged.get(outlet.name)
            merged[outlet.name] = outlet if fresh or old is None else _merge(old, outlet)
    return OutletRegistry([_finish(o) for o in merged.values()])


def load_registry(extra_files: Sequence[str] = ()) -> OutletRegistry:
    """Shipped outlets, then each user file in order (later entries extend or replace)."""
    return _load(tuple(str(p) for p in extra_files))
