"""People and venues: when two spellings may name the same one.

One rule for the validator (which warns about likely duplicate rows in authors.csv and
venues.csv) and for ``cxkb add`` (which resolves the names of a new paper to existing
rows): a person is recognised by the family name, compared without diacritics, case,
hyphens or spaces, and given names that do not contradict each other; a venue by its name
with "&" read as "and", compared without case and punctuation, or by an ISSN.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from cxkb.model import KnowledgeBase, Person, Venue


def _fold(text: str) -> str:
    if text.isascii():  # nothing to replace, decompose or drop: only the case to fold
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)
def family_key(name: str) -> str:
    """The family name of a 'Family, Given' spelling, without diacritics, case, hyphens or spaces."""
    return re.sub(r"[^\w]+", "", _fold(name.partition(",")[0]))


@lru_cache(maxsize=65536)
def given_parts(name: str) -> tuple[str, ...]:
    """The given names of a spelling, folded; an initial is one letter (``Peter C.`` -> ``peter``, ``c``).

    A nickname in brackets (``Jungsun (Sunny)``) is left out.
    """
    given = re.sub(r"\([^)]*\)", " ", name.partition(",")[2])
    return tuple(part for part in re.split(r"[\s.\-]+", _fold(given)) if part)


def compatible(a: str, b: str) -> bool:
    """Whether two spellings may name the same person.

    The family names must be equal (diacritics, case, hyphens and spaces aside); the
    given names are compared in order, a full name with a full name (equal) and an
    initial with either (same letter); a missing middle name or initial is compatible.
    """
    family = family_key(a)
    if not family or family != family_key(b):
        return False
    for x, y in zip(given_parts(a), given_parts(b), strict=False):
        if len(x) > 1 and len(y) > 1:
            if x != y:
                return False
        elif x[0] != y[0]:
            return False
    return True


def spellings(person: Person) -> tuple[str, ...]:
    return (person.name, *person.variants)


def likely_duplicates(persons: Iterable[Person]) -> list[tuple[Person, Person]]:
    """Pairs of persons (earlier row first) with a compatible spelling each.

    Two persons with different ORCID iDs are different people and never paired. Spellings are
    kept by family name and first initial, since two given names that start with different
    letters never agree: a table where many share a family name is then not compared pair by
    pair. A spelling without given names may be anyone of its family. A person's pairs come
    in the order of the family names they share with it, then of the rows.
    """
    by_initial: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_family: dict[str, list[int]] = defaultdict(list)
    rows: list[tuple[Person, set[str]]] = []
    pairs: list[tuple[Person, Person]] = []
    seen: set[tuple[str, str]] = set()
    for person in persons:
        keys = {(family_key(s), _initial(s)) for s in spellings(person)}
        families = sorted({family for family, _ in keys})
        others: set[int] = set()
        for family, initial in keys:
            others.update(by_family[family] if not initial else by_initial[family, initial])
            others.update(by_initial[family, ""])
        found = []
        for row in others:
            other, their_families = rows[row]
            if other.id == person.id or (other.orcid and person.orcid and other.orcid != person.orcid):
                continue
            if any(compatible(x, y) for x in spellings(other) for y in spellings(person)):
                first = next(i for i, family in enumerate(families) if family in their_families)
                found.append((first, row, other))
        for _, _, other in sorted(found, key=lambda f: f[:2]):
            if (other.id, person.id) not in seen:  # two rows of one id are paired once
                seen.add((other.id, person.id))
                pairs.append((other, person))
        for family, initial in keys:
            for bucket in (by_initial[family, initial], by_family[family]):
                if not bucket or bucket[-1] != len(rows):
                    bucket.append(len(rows))
        rows.append((person, set(families)))
    return pairs


def _initial(spelling: str) -> str:
    """The first letter of the first given name ('' when there is none)."""
    given = given_parts(spelling)
    return given[0][0] if given else ""


def venue_key(name: str) -> str:
    """A venue name with "&" read as "and", without diacritics, case and punctuation."""
    text = _fold(name).replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def likely_duplicate_venues(venues: Iterable[Venue]) -> list[tuple[Venue, Venue, str]]:
    """Pairs of venues (earlier row first) with the same name key or a shared ISSN, and why."""
    by_key: dict[str, Venue] = {}
    by_issn: dict[str, Venue] = {}
    out: list[tuple[Venue, Venue, str]] = []
    for venue in venues:
        key = venue_key(venue.name)
        if key in by_key:
            out.append((by_key[key], venue, "the same name"))
        else:
            for issn in venue.issn:
                if issn.upper() in by_issn:
                    out.append((by_issn[issn.upper()], venue, f"ISSN {issn}"))
                    break
        by_key.setdefault(key, venue)
        for issn in venue.issn:
            by_issn.setdefault(issn.upper(), venue)
    return out


class Resolver:
    """Finds the person or venue an imported spelling names, among the table's rows and new ones.

    A spelling resolves to a person when it is one of the person's spellings, or when
    exactly one person has a compatible spelling; to a venue by the name key or an ISSN.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.family: dict[str, list[Person]] = defaultdict(list)
        self.persons: dict[str, Person] = {}
        self.venue_keys: dict[str, str] = {}
        self.issns: dict[str, str] = {}
        self.ids: set[str] = set(kb.persons) | set(kb.venues)
        for person in kb.persons.values():
            self.add_person(person)
        for venue in kb.venues.values():
            self.add_venue(venue)

    def add_person(self, person: Person) -> None:
        self.persons[person.id] = person
        self.ids.add(person.id)
        for spelling in spellings(person):
            if person.id not in self.exact[spelling]:
                self.exact[spelling].append(person.id)
            if person not in self.family[family_key(spelling)]:
                self.family[family_key(spelling)].append(person)

    def add_venue(self, venue: Venue) -> None:
        self.ids.add(venue.id)
        self.venue_keys.setdefault(venue_key(venue.name), venue.id)
        for issn in venue.issn:
            self.issns.setdefault(issn.upper(), venue.id)

    def person(self, spelling: str) -> str | None:
        """The id of the one person ``spelling`` names, or ``None`` (no such person, or more than one)."""
        exact = self.exact.get(spelling, [])
        if len(exact) == 1:
            return exact[0]
        if exact:
            return None
        found = [
            p.id
            for p in self.family.get(family_key(spelling), [])
            if any(compatible(spelling, s) for s in spellings(p))
        ]
        return found[0] if len(set(found)) == 1 else None

    def venue(self, name: str, issns: Iterable[str] = ()) -> str | None:
        for issn in issns:
            if issn.upper() in self.issns:
                return self.issns[issn.upper()]
        return self.venue_keys.get(venue_key(name))

    def new_id(self, base: str) -> str:
        """``base`` made a free id: ``-2``, ``-3`` … added when taken."""
        base = base or "unknown"
        candidate, number = base, 2
        while candidate in self.ids:
            candidate, number = f"{base}-{number}", number + 1
        self.ids.add(candidate)
        return candidate


def person_id(name: str) -> str:
    """The id a new person gets: family name and initials as a slug (``Verhoef, Peter C.`` -> ``verhoef-p-c``)."""
    family = re.sub(r"[^a-z0-9]+", "-", _fold(name.partition(",")[0])).strip("-")
    initials = [part[0] for part in given_parts(name) if part[0].isalnum()]
    return "-".join([family, *initials]).strip("-")


def venue_id(name: str) -> str:
    """The id a new venue gets: its name as a slug, "&" written "and"."""
    return re.sub(r"[^a-z0-9]+", "-", venue_key(name)).strip("-")[:80].strip("-")
