"""People and venues as records: the tables, their checks, the graph and the records codec."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from conftest import edit, examples
from cxkb.kg import graph as graphmod
from cxkb.kg.people import compatible, family_key, likely_duplicates, venue_key
from cxkb.kg.records import issn_ok, load, orcid_ok
from cxkb.kg.validate import load_and_validate
from cxkb.model import Person, decode_records, encode_records
from cxkb.namespaces import BIBO, FABIO, SCHEMA, iri

AUTHORS = "literature/authors.csv"
VENUES = "literature/venues.csv"
PAPERS = "literature/papers.csv"


def rules_at(report, file: str, column: str) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.row, f.level.label, f.rule) for f in report.findings if f.file == file and f.column == column]


def test_papers_resolve_author_and_venue_ids_to_names(mini_root: Path) -> None:
    kb, report = load_and_validate(mini_root)
    assert not report.has_errors
    paper = kb.papers["lemon2016understanding"]
    assert paper.author_ids == ("lemon-k-n", "verhoef-p-c")
    assert paper.authors == ("Lemon, Katherine N.", "Verhoef, Peter C.")
    assert (paper.venue_id, paper.venue) == ("journal-of-marketing", "Journal of Marketing")
    assert kb.persons["verhoef-p-c"].variants == ("Verhoef, P.C.",)
    assert kb.venues["journal-of-marketing"].issn == ("0022-2429", "1547-7185")


def test_unknown_author_and_venue_ids_are_reported_at_their_cell(mini_root: Path) -> None:
    edit(mini_root / PAPERS, "lemon-k-n|verhoef-p-c,2016,journal-of-marketing", "lemon-k-n|nobody-x,2016,no-journal")
    _, report = load_and_validate(mini_root)
    assert rules_at(report, PAPERS, "authors") == [(3, "error", "unknown-reference")]
    assert rules_at(report, PAPERS, "venue") == [(3, "error", "unknown-reference")]
    assert "nobody-x" in str(report.findings)


def test_orcid_and_issn_check_digits() -> None:
    assert orcid_ok("0000-0002-1825-0097") and orcid_ok("0000-0003-0436-6846") and orcid_ok("0000-0002-9079-593X")
    assert not orcid_ok("0000-0002-1825-0098")
    assert issn_ok("0022-2429") and issn_ok("1547-7185") and issn_ok("1869-814X")
    assert not issn_ok("0022-2428")


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("0000-0002-1825-009", "orcid-syntax"),
        ("https://orcid.org/0000-0002-1825-0097", "orcid-syntax"),
        ("0000-0002-1825-0098", "orcid-checksum"),
    ],
)
def test_bad_orcid_is_refused_at_its_cell(mini_root: Path, cell: str, rule: str) -> None:
    edit(mini_root / AUTHORS, '"Kahneman, Daniel",,', f'"Kahneman, Daniel",,{cell}')
    _, report = load_and_validate(mini_root)
    assert rules_at(report, AUTHORS, "orcid") == [(4, "error", rule)]


def test_one_orcid_on_two_persons_is_refused(mini_root: Path) -> None:
    edit(mini_root / AUTHORS, '"Kahneman, Daniel",,', '"Kahneman, Daniel",,0000-0002-1825-0097')
    edit(mini_root / AUTHORS, '"Lemon, Katherine N.",,', '"Lemon, Katherine N.",,0000-0002-1825-0097')
    _, report = load_and_validate(mini_root)
    assert rules_at(report, AUTHORS, "orcid") == [(5, "error", "duplicate-orcid")]


@pytest.mark.parametrize(
    ("cell", "rule"),
    [("0022-242", "issn-syntax"), ("0022-2428", "issn-checksum"), ("0022-2429|1547-7185|1547-7185x", "issn-syntax")],
)
def test_bad_issn_is_refused_at_its_cell(mini_root: Path, cell: str, rule: str) -> None:
    edit(mini_root / VENUES, "0022-2429|1547-7185", cell)
    _, report = load_and_validate(mini_root)
    assert rule in [r for _, _, r in rules_at(report, VENUES, "issn")]


def test_compatible_spellings() -> None:
    assert compatible("Verhoef, Peter C.", "Verhoef, P.C.")
    assert compatible("Verhoef, Peter C.", "Verhoef, Peter")  # a missing middle initial
    assert compatible("Jurić, Biljana", "Juric, B.")  # diacritics aside
    assert compatible("Lervik-Olsen, Line", "Lervik Olsen, L.")
    assert not compatible("Hassan, Maria", "Hassan, Masood Ul")
    assert not compatible("Morgan, Robert E.", "Morgan, Robert M.")
    assert not compatible("Verhoef, P.", "Verhoef, C.")
    assert family_key("Wünderlich, Nancy V.") == family_key("Wunderlich, N.")


def test_likely_duplicate_persons_are_warned_about(mini_root: Path) -> None:
    edit(mini_root / AUTHORS, 'verhoef-p-c,"Verhoef, Peter C.","Verhoef, P.C.",', 'verhoef-p-c,"Verhoef, Peter C.",,')
    rows = (mini_root / AUTHORS).read_text() + 'verhoef-p,"Verhoef, P.",,\nverhoef-c,"Verhoef, Cornelis",,\n'
    (mini_root / AUTHORS).write_text(rows)
    _, report = load_and_validate(mini_root)
    found = [f for f in report.findings if f.rule == "possible-duplicate-person"]
    assert [(f.row, f.level.label) for f in found] == [(12, "warning")]  # "Verhoef, Cornelis" fits no one
    assert "verhoef-p-c" in found[0].message
    # Different ORCID iDs say they are different people.
    persons = [
        Person("a", "Baker, M.", orcid="0000-0002-1825-0097"),
        Person("b", "Baker, Marc", orcid="0000-0003-0436-6846"),
    ]
    assert likely_duplicates(persons) == []
    assert len(likely_duplicates([Person("a", "Baker, M."), Person("b", "Baker, Marc")])) == 1


def test_venue_names_are_compared_with_and_for_ampersand(mini_root: Path) -> None:
    assert venue_key("Marketing Intelligence & Planning") == venue_key("marketing intelligence and planning.")
    rows = (mini_root / VENUES).read_text()
    rows += "mip,Marketing Intelligence & Planning,0263-4503,,journal,\n"
    rows += "mip2,Marketing Intelligence and Planning,,,journal,\n"
    rows += "zz,Another Name,0022-2429,,journal,\n"
    (mini_root / VENUES).write_text(rows)
    _, report = load_and_validate(mini_root)
    found = [(f.row, f.level.label) for f in report.findings if f.rule == "possible-duplicate-venue"]
    assert found == [(5, "warning"), (6, "warning")]


def test_blank_fields_of_the_papers_type_are_warned_about(mini_root: Path) -> None:
    edit(mini_root / PAPERS, "journal-of-marketing,80,6,69-96", "journal-of-marketing,,6,")
    _, report = load_and_validate(mini_root)
    assert not report.has_errors
    found = sorted((f.row, f.column) for f in report.findings if f.rule == "incomplete-record")
    assert found == [(3, "pages"), (3, "volume")]


def test_persons_and_venues_in_the_graph_and_back(mini_root: Path) -> None:
    edit(mini_root / AUTHORS, '"Kahneman, Daniel",,', '"Kahneman, Daniel",,0000-0002-1825-0097')
    kb, _ = load(mini_root)
    g = graphmod.to_graph(kb)
    person, venue = iri("person", "verhoef-p-c"), iri("venue", "journal-of-marketing")
    assert (person, RDF.type, FOAF.Person) in g
    assert set(g.objects(person, FOAF.familyName)) == {Literal("Verhoef")}
    assert (iri("person", "kahneman-d"), SCHEMA.sameAs, URIRef("https://orcid.org/0000-0002-1825-0097")) in g
    assert (venue, RDF.type, FABIO.Journal) in g
    assert (venue, BIBO.issn, Literal("0022-2429")) in g and (venue, BIBO.eissn, Literal("1547-7185")) in g
    paper = iri("paper", "lemon2016understanding")
    assert (paper, DCTERMS.isPartOf, venue) in g and (paper, DCTERMS.creator, person) in g
    assert graphmod.canonical(graphmod.from_graph(g)) == graphmod.canonical(kb)


def test_records_codec_is_exact_with_persons_and_venues(mini_root: Path) -> None:
    kb, _ = load(mini_root)
    back = decode_records(encode_records(kb))
    assert back == kb
    assert [p.origin for p in back.persons.values()] == [p.origin for p in kb.persons.values()]
    assert back.venues["journal-of-marketing"].issn == ("0022-2429", "1547-7185")


def _pairwise_duplicates(persons: list[Person]) -> list[tuple[Person, Person]]:
    """The rule written out pair by pair: each person against every earlier row of each family
    name it shares with them, in the order of those names and then of the rows."""
    pairs: list[tuple[Person, Person]] = []
    seen: set[tuple[str, str]] = set()
    for at, person in enumerate(persons):
        families = sorted({family_key(s) for s in (person.name, *person.variants)})
        for family in families:
            for other in persons[:at]:
                if family not in {family_key(s) for s in (other.name, *other.variants)}:
                    continue
                if (other.id, person.id) in seen or other.id == person.id:
                    continue
                if other.orcid and person.orcid and other.orcid != person.orcid:
                    continue
                if any(
                    compatible(x, y) for x in (other.name, *other.variants) for y in (person.name, *person.variants)
                ):
                    seen.add((other.id, person.id))
                    pairs.append((other, person))
    return pairs


_SPELLINGS = st.builds(
    lambda family, given: f"{family}, {given}" if given else family,
    st.sampled_from(["Baker", "Bäker", "van Dijk", "Vandijk", "Smith"]),
    st.sampled_from(["", "M.", "Marc", "Maria", "M. J.", "J.", "Jan", "J. M.", "Marc J."]),
)
_PERSONS = st.lists(
    st.builds(
        lambda i, name, variants, orcid: Person(f"p{i}", name, tuple(variants), orcid),
        st.integers(0, 12),
        _SPELLINGS,
        st.lists(_SPELLINGS, max_size=2),
        st.sampled_from(["", "", "0000-0001", "0000-0002"]),
    ),
    max_size=14,
)


@settings(max_examples=examples(200), deadline=None)
@given(persons=_PERSONS)
def test_likely_duplicates_are_the_pairs_the_rule_gives_pair_by_pair(persons: list[Person]) -> None:
    """Kept by family name and initial, the persons are paired as comparing every pair pairs them."""
    assert likely_duplicates(persons) == _pairwise_duplicates(persons)
