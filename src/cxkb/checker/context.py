"""What surrounds a match: the words that decide what it means, or whether it is a term at all.

Labels are matched word for word (:mod:`cxkb.checker.vocab`); three things need a look at
the neighbouring words instead, and live here:

- word-family forms in two parts, a few words apart (*klacht … afgehandeld*), from
  ``word_families.csv``, and where they go among the label matches;
- the names, addresses, records and compounds around a match that make it name nothing;
- the word classes that keep unknown-term phrases to noun phrases ('customer had' and
  'customer over' are not terms).

The context cues of ambiguous labels, which let the checker name the one candidate a
sentence points to, are weighed in :mod:`cxkb.checker.sense`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from cxkb.checker.prefilter import HYPHENS, TOKEN, next_word, prev_word, sentence_start, token_start

if TYPE_CHECKING:
    from cxkb.checker.vocab import Entry


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The comparison key of a word or label: NFKC, case-folded, one kind of apostrophe."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)


@lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """A label or matched text as one spelling: folded, single spaces, one kind of hyphen."""
    text = fold(text)
    for h in HYPHENS:  # the hyphens that join a label's words
        text = text.replace(h, "-")
    return " ".join(text.split())


def closed(text: str) -> str:
    """A label or a name written as one word ('Klanten Contact Centrum' -> 'klantencontactcentrum')."""
    return compact(text).replace("-", "").replace(" ", "")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


DEFAULT_CUES: tuple[str, ...] = (
    "klant",
    "customer",
    "journey",
    "experience",
    "beleving",
    "ervaring",
    "touchpoint",
    "contactmoment",
    "service",
    "loyal",
    "tevreden",
    "satisf",
    "usability",
    "vriendelijk",
)
"""Word parts that make an unmatched phrase sound like CX vocabulary."""

STOPWORDS: dict[str, frozenset[str]] = {
    "nl": _wordset(
        "de het een en van dat die niet op te zijn voor met ook aan naar maar om bij er wordt worden als door nog dan "
        "wel hoe wat zich deze dit kan heeft hebben tot uit over of je we ze hun onze wij zij hij ons haar meer veel "
        "zo al waar wie welke waarin waarbij omdat want toch steeds vaak heel erg zeer"
    ),
    "en": _wordset(
        "the a an and of that to it for with are be on as this by not or from at which have has their they we you your "
        "our its was were been being can could would should will may might must do does did into than then so such "
        "these those there here what when where who how why very more most also"
    ),
}
"""Function words, for language detection and for trimming unknown-term phrases."""

GAP = "..."
"""In a word-family form, the place where other words may come between its two parts."""
_GAP_WORDS = 4  # at most this many words between the parts of a gapped form


NOT_IN_TERMS: dict[str, frozenset[str]] = {
    "en": _wordset(
        "about above across after against along among around before behind below beneath beside between beyond "
        "during except inside near off onto out outside over past since through throughout toward towards under "
        "until up upon via within without per like just only even still again all any each every some no both "
        "either neither other another own same too if because while although though unless whether i me my he him "
        "his she her us them him it its is am had having did doing done get gets got getting make makes made "
        "need needs needed want wants wanted know knows knew base bases"
    ),
    "nl": _wordset(
        "als na onder tussen tegen zonder binnen buiten tijdens sinds vanaf via per alle elke ieder sommige geen "
        "beide ander andere eigen zelf ik mij mijn jij jou jouw u uw hem is was waren had hadden heeft kunnen "
        "moet moeten zal zullen wil willen"
    ),
}
"""Words that never belong to a term: an unknown-term phrase ends before them (prepositions,
pronouns, auxiliaries, and *base*: a *customer base* is a market, not a CX term, in every
held-out text that has one). Kept apart from :data:`STOPWORDS`, which detect the language."""

NOT_TERMS: dict[str, frozenset[str]] = {
    "nl": _wordset(
        "ervaringsdeskundige ervaringsdeskundigen ervaringsdeskundigheid werkervaring werkervaringen levenservaring "
        "praktijkervaring praktijkervaringen beroepservaring belevingswereld belevingswerelden "
        "klantvraag klantvragen klanttaak klanttaken"
    ),
    "en": frozenset(
        [
            "work experience",
            "job experience",
            "hands-on experience",
            "prior experience",
            "servicer",  # a company that collects loan payments (seed:077)
            "servicers",
            "servicer's",
            "sub-service",  # a part of a larger service, as a team splits its work (held-out texts)
            "sub-services",
            "reusability",  # of code or components: *usability* only inside another word (held-out texts)
            "customer voice",  # Microsoft's survey product in every held-out use (the notion: voice of the customer)
        ]
    ),
}
"""Ordinary words and phrases that hold a cue but name no CX notion (the *ervaring* of know-how,
not of a customer; a *belevingswereld*, the way a group of people sees its world; a *klantvraag*,
what one customer asked, and a *klanttaak*, a task an employee keeps for one, both records of a
contact; *reusability*, where the cue *usability* ends another word; and *customer voice*, which the
held-out texts use only as the name of a survey product): never reported as unknown terms."""

RUNNING_SERVICES = frozenset(
    [
        "provider",
        "providers",
        "delivery",
        "manager",  # a job (seed:069)
        "managers",
        "owner",  # a job, like the manager (seed:071)
        "owners",
        "challenge",  # a problem set for a design jam (seed:068)
        "challenges",
        "strategy",  # what an organisation plans for its services (seed:080)
        "strategies",
        "vision",  # (seed:080)
        "visions",
        "transformation",  # a programme of change (seed:079)
        "transformations",
        "improvement",
        "improvements",
        "development",  # how an organisation builds and changes its services (held-out texts)
        "developments",
        "performance",  # how well its services do by its own measures (held-out texts)
        "efficiency",
        "category",  # a kind of service in a website's taxonomy (seed:095)
        "categories",
        "team",  # the people who run a service, like its manager (seed:109)
        "teams",
        "backlog",  # a team's list of work to do (seed:122)
        "backlogs",
        "outcome",  # what a programme of services is to achieve (seed:113)
        "outcomes",
        "transaction",  # a unit of service counted by the organisation (seed:113)
        "transactions",
        "requirement",  # what a service must do, as its team works it out (seed:126)
        "requirements",
        "user",  # the people a service is for: customers by another name, not a CX notion (held-out texts)
        "users",
        "member",  # people who serve in the armed forces (held-out texts)
        "members",
        "endpoint",  # the technical parts a service is built from (held-out texts)
        "endpoints",
        "interface",
        "interfaces",
        "management",  # the running of services as a discipline, like their delivery (held-out texts)
        "continuity",  # keeping them running through a disruption (held-out texts)
        "start",  # the day a service begins for someone, a date in a record (held-out texts)
        "starts",
        "area",  # a field of public services, or where one is offered (held-out texts)
        "areas",
        "usage",  # how much a service is used, counted by its provider (held-out texts)
        "work",  # the jobs done for a customer, as in a work order (held-out texts)
        "appointment",  # a booking in a scheduling system (held-out texts)
        "appointments",
        "agreement",  # the contract under which a service is supplied (held-out texts)
        "agreements",
        "request",  # a ticket or case, the record of what a customer asked for (held-out texts)
        "requests",
        "admin",  # a role and a screen in service software (held-out texts)
        "workspace",
        "workspaces",
        "landscape",  # the range of services on offer in a field, as a discovery surveys it (held-out texts)
        "landscapes",
        "type",  # a kind of service in a system's settings, like a category (held-out texts)
        "types",
        "product",  # what a provider sells as a service, an item in its catalogue (held-out texts)
        "products",
        "time",  # when a visit is booked or how long work took, fields of a work order (held-out texts)
        "times",
        "reminder",  # a message a system sends before a booked visit (held-out texts)
        "reminders",
        "renewal",  # the extension of a service contract (held-out texts)
        "renewals",
        "information",  # what a provider publishes about its services (held-out texts)
        "activity",  # a scheduled piece of service work, a record in field-service software (held-out texts)
        "activities",
    ]
)
"""Nouns that after *service* name how an organisation provides and runs its services (who
manages them, what it plans for them, how it changes, sorts, sells or counts them, how it books,
contracts, schedules, renews and records them, what they are built from) or the people around
them, not a CX notion a reviewer would add: *service manager*, *service strategy*, *service
transformation*, *service appointments*, *service requests*, *service types*, *service
reminders*, *service users*, *service endpoints* are never unknown terms."""


SERVICE_PAPERWORK: tuple[str, ...] = (
    "aanbod",
    "aanroep",
    "artikel",
    "beheer",
    "boeking",
    "contract",
    "creditnota",
    "dashboard",
    "datum",
    "datums",
    "document",
    "factuur",
    "facturen",
    "gebied",
    "instelling",
    "item",
    "kosten",
    "licentie",
    "limiet",
    "offerte",
    "oproep",
    "order",
    "overeenkomst",
    "post",
    "prijs",
    "prijzen",
    "regel",
    "status",
    "taak",
    "taken",
    "uren",
    "verbruik",
    "verplichting",
    "verzending",
    "voorwaarden",
    "werkbon",
    "werkblad",
    "werkuren",
    "werkzaamheden",
)
"""First parts of what follows *service* in a Dutch compound (closed, or joined by a hyphen) that
make it one of the records a provider keeps of the service it sells (*serviceartikel*, the item it
services; *servicecontract*, *serviceovereenkomst*, *serviceofferte*, *serviceoproep*, *serviceorder*,
*servicetaak*, *serviceregel*, *service-uren*, *Serviceartikelwerkbon*), as service software names
them, the documents it posts for it (*serviceboekingen*, *servicefactuur*, *serviceverzending*,
*servicecreditnota*, *serviceposten*), its dates, costs, status, settings and areas, the terms and
limits of a subscription (*servicevoorwaarden*, *servicelimieten*), its
dashboards, or a program's calls to a web service (*service-aanroepen*): the Dutch counterpart of
:data:`RUNNING_SERVICES`, never an unknown term. The people and places of a service
(*servicepersoneel*, *servicepunt*) and its standards (*servicestandaard*) stay terms."""


def runs_services(key: str, lang: str = "en") -> bool:
    """Whether an English phrase is *service* and one of :data:`RUNNING_SERVICES`, or a Dutch closed
    compound is *service* and one of :data:`SERVICE_PAPERWORK` (with anything after it)."""
    if lang == "nl":
        if not key.startswith("service") or " " in key:
            return False
        rest = key.removeprefix("service")
        rest = rest[2:] if rest.startswith("s-") else rest.removeprefix("-")
        return rest.startswith(SERVICE_PAPERWORK)
    first, _, rest = key.partition(" ")
    return first == "service" and rest in RUNNING_SERVICES


MODIFIER_ENDS: dict[str, frozenset[str]] = {"en": frozenset({"level", "wide", "facing", "specific"})}
"""Last parts of English hyphenated compounds that modify the noun after them (*Service-level
Service Designer*, seed:074; *customer-facing*), as a past participle does (*Service-led*,
*customer-initiated*): such a word is no noun phrase, so no unknown term."""

OFFERING_HEADS: dict[str, tuple[str, ...]] = {"nl": ("service", "services")}
"""Cue words that, as the head of a closed compound, name one particular offering rather than a
CX notion (*profielservice*, *herinneringsservice*): such a compound is not reported as an
unknown term unless its first part holds a cue of its own (*klantenservice* is a label)."""

RELATION_HEADS: dict[str, tuple[str, ...]] = {
    "nl": ("gerelateerd", "gerelateerde", "specifiek", "specifieke", "afhankelijk", "afhankelijke", "gebonden"),
}
"""Adjectives that, as the head of a Dutch closed compound, say only that something relates to the
cue (*klantgerelateerde gegevens*, *klantspecifieke instellingen*): the compound qualifies another
noun and names no notion of its own, so it is never an unknown term."""


CUSTOMER_HEADS: dict[str, tuple[str, ...]] = {"nl": ("klanten", "klant")}
"""Cue words that, as the head of a Dutch closed compound, name a kind of customer as the software
or the trade sorts them (*standaardklant*, the default customer of a till; *topklanten*,
*loyaliteitsklanten*, *e-commerceklanten*), also after a hyphen (*Commerce-klanten*, *NAV-klanten*):
people, like a bare *klanten*, not a CX notion, so never an unknown term."""


RECORD_HEADS: dict[str, frozenset[str]] = {
    "nl": _wordset(
        "gegevens gegeven data register registers registratie registraties details nummer nummers bestand "
        "bestanden databank database api interface interfaces laag lagen informatie record records id ids "
        "kenmerk kenmerken eigenschap eigenschappen type typen types groep groepen segment segmenten activiteit "
        "activiteiten aankoop aankopen entiteit entiteiten adres adressen rapport rapporten tegel tegels "
        "rekening rekeningen account accounts hiërarchie hiërarchieën sjabloon sjablonen categorie categorieën "
        "kaart kaarten boek boeken punten saldo order orders transactie transacties betaling betalingen "
        "regel regels schema schema's korting kortingen beloning beloningen beloningspunt lid leden "
        "pagina pagina's paginas module modules methode methoden overzicht overzichten sleutel sleutels"
    ),
    "en": _wordset(
        "data record records register registers details number numbers database databases id ids api apis "
        "card cards order orders transaction transactions name names information"
    ),
}
"""Heads that name data kept about customers or contacts: a register, a record, details, an identifying
number (*klantgegevens*, *Contactmomentenregister*, *burgerservicenummer*, *customer data*,
*klantrecord*, *klant-id*), the fields, types and groups by which a system sorts its customer
records (*klantkenmerken*, *klanttype*, *klantcategorie*, *klantengroepen*, *klantsegmenten*) and
the templates it makes them from (*klantensjabloon*), the activities and purchases it logs for them
(*klantactiviteiten*, *klantaankopen*), the entities, addresses, accounts, reports and screen tiles
that hold them (*klantentiteit*, *klantadressen*, *klantrekening*, *klantaccount*, *klantrapport*,
*klanttegel*) and the hierarchies that order them (*klanthiërarchie*), or the parts of a system that
keep and serve it (*klantenregistratie*, *klanten-API*, *servicelaag*, *service-interfaces*), and
the cards, books, points, balances, orders and payments a programme keeps for its customers
(*klantkaart*, *klantenboek*, *loyaliteitspunten*, *loyaliteitssaldo*, *customer orders*), with the
rules, schemes, discounts and rewards it is set up with and the members it enrols
(*loyaliteitsregels*, *loyaliteitsschema*, *loyaliteitskorting*, *loyaliteitsbeloningen*, *loyaliteitsleden*),
and the pages, modules, methods, overviews and keys of the software that shows them
(*klantdetailpagina's*, *klantenservicemodule*, *klantbetalingsmethode*, *Klantenoverzicht*). Such a
phrase names an information object in a system, not something customers experience or an
organisation does for them, so it is never an unknown term; the programme itself is
(*loyaliteitsprogramma*)."""


_COMPOUND_RECORD_HEADS: dict[str, tuple[str, ...]] = {
    lang: tuple(head for head in heads if len(head) > 3) for lang, heads in RECORD_HEADS.items()
}
"""The record heads long enough to be read as the last part of a closed compound (see :func:`names_a_record`)."""


def names_a_record(key: str, lang: str) -> bool:
    """Whether a compacted phrase ends in one of :data:`RECORD_HEADS`: as its last word, or, in
    Dutch, as the last part of a closed compound (*klantenregister*). A head of three letters or
    fewer counts only as a word of its own (*klant-id*): inside a closed word it is mostly the end
    of another word (*gebruiksvriendelijkheid* is no *id*)."""
    heads = RECORD_HEADS.get(lang, frozenset())
    last = key.replace("-", " ").rsplit(" ", 1)[-1]
    if last in heads:
        return last != key
    return lang == "nl" and bool(compound_head(last, _COMPOUND_RECORD_HEADS[lang]))


def ends_in_label(word: str, labels: frozenset[str]) -> bool:
    """Whether ``word`` is a closed compound whose head is one of ``labels`` (one-word labels
    of five letters or more, with at least three letters before them: *zaakcontactmoment*)."""
    return any(word[i:] in labels for i in range(3, len(word) - 4))


def compound_head(word: str, heads: Iterable[str]) -> str:
    """The first of ``heads`` that ends ``word`` as the last part of a closed compound, with at
    least three letters before it (*klantenregister*, *profielservice*), or "" if none does."""
    return next((h for h in heads if word.endswith(h) and len(word) > len(h) + 2), "")


_NOUN, _VERB, _ADVERB = 1, 2, 4
_CLASS_BITS = {"noun": _NOUN, "propn": _NOUN, "verb": _VERB, "aux": _VERB, "adv": _ADVERB}


@dataclass(frozen=True)
class _WordClass:
    """The forms of one part of speech, as a view of the lexicon's one table."""

    flags: Mapping[str, int]
    bit: int

    def __contains__(self, word: object) -> bool:
        return bool(self.flags.get(word, 0) & self.bit)  # type: ignore[call-overload]


class WordClasses:
    """English word forms by the parts of speech they can have (one form may have several).

    One dict from form to a bit per class: four sets of the lexicon's 70,000 forms took
    12 MB of a check's memory, this takes about half.
    """

    def __init__(self, flags: Mapping[str, int]) -> None:
        self.known = flags  # every form the lexicon lists, adjectives included
        self.nouns = _WordClass(flags, _NOUN)
        self.verbs = _WordClass(flags, _VERB)
        self.adverbs = _WordClass(flags, _ADVERB)


@lru_cache(maxsize=1)
def english_word_classes() -> WordClasses:
    """English word forms that can be nouns, verbs or adverbs, and every form the lexicon knows.

    Read from the lemma table that ships in the lemminflect wheel (word, part of speech,
    lemma; from the SPECIALIST lexicon), without importing the package, whose import pulls
    in numpy: only the data file is needed. Empty if the package is missing.
    """
    import csv
    import gzip
    from importlib.util import find_spec

    spec = find_spec("lemminflect")
    if spec is None or not spec.submodule_search_locations:
        return WordClasses({})
    flags: dict[str, int] = {}
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lemma_lu.csv.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) >= 2:
                    word = row[0]
                    flags[word] = flags.get(word, 0) | _CLASS_BITS.get(row[1], 0)
    except OSError:  # pragma: no cover - a damaged installation
        return WordClasses({})
    return WordClasses(flags)


_INNER_CAPITAL = re.compile(r"[^\W\d_]*[a-z\u00df-\u00ff][A-Z\u00c0-\u00de]")  # MijnServices, GovCXAnalyzer
_PATH_REACH = 256  # characters looked at on each side of a phrase for a path
_RUN_AFTER = re.compile(r"\S*")


_ADDRESS_AFTER = re.compile(
    r"@[^\W_]|(?:\.[^\W_][\w-]*)*\.(?:gov|com|org|net|edu|info|eu|nl|be|uk|us|de|io)(?![\w-])", re.IGNORECASE
)
"""What follows a label inside an address: an e-mail's @, or a host name's top-level domain."""
_ADDRESS_REACH = 256


_SUSPENDED_AFTER = re.compile(r"-(?:[\s,]+[^\W\d_]+-)*(?:\s*,)?\s+(?:en|of)\s+([^\W\d_]+)")
"""A hyphen, then more first parts, *en* or *of*, and the word that carries the shared head: a
Dutch compound whose head is written once for several (*Contactmomenten-, Zaken- en
Klantenregister*)."""
_SUSPENDED_REACH = 120  # characters after the label in which the shared head is looked for


def suspended_part(text: str, start: int, end: int) -> bool:
    """A label that is the first part of a Dutch compound whose shared head names a record.

    *Contactmomenten- en Klantenregister* is *Contactmomentenregister en Klantenregister*: the
    label stands for a closed compound that names a register (:data:`RECORD_HEADS`), as
    *klantgegevens* does, not the concept. Other shared heads keep the label a mention, as the
    annotation has it (*customerservice- of contactcentermanager*), and so does a part in capitals
    (*KCC- en klantenregister*): an abbreviation keeps its hyphen in the compound too (*KCC-register*).
    """
    if text[start:end].isupper():
        return False
    found = _SUSPENDED_AFTER.match(text, end, end + _SUSPENDED_REACH)
    return found is not None and names_a_record(fold(found.group(1)), "nl")


_CODE_AFTER = re.compile(r"\.[a-z_]")
"""A dot and then, with no space, a small letter: a property path or a file name in code."""


def in_address(text: str, start: int, end: int) -> bool:
    """A label inside a web or e-mail address (*NPS.gov*, *www.cx.gov*, *klantenservice@utrecht.nl*)
    or a dotted name in code (*klantcontact.onderwerp*, *personas.json*).

    The address names a site or a mailbox, not the concept: *NPS.gov* is the National Park
    Service's website; *klantcontact.onderwerp* is a field of a data model. Only what follows
    the label decides, so *UX/CX* and a sentence that ends with a label stay mentions (a
    sentence's full stop is followed by a space, a line end or a capital).
    """
    if _CODE_AFTER.match(text, end) is not None:
        return True
    # a host name is at most 253 characters: read no further, or a run of dotted words without
    # spaces (*klantreis.klantreis.…*) would make each label scan the rest of it
    return _ADDRESS_AFTER.match(text, end, end + _ADDRESS_REACH) is not None


def names_a_thing(text: str, start: int, end: int) -> bool:
    """A phrase in a product name or a path, not in prose: no vocabulary a reviewer would add.

    A word with a capital after a small letter (*MijnServices-uitwerking*, *GovCXAnalyzer*) is a
    product or programme name, a phrase joined by a dot to the word after it
    (*klantcontact.onderwerp*) is a name in code, and a phrase inside a run of two or more slashes without spaces
    (*Docs/structurizr/profielservicedocs/01-context*) is a path or an address.
    """
    if any(_INNER_CAPITAL.match(w) for w in TOKEN.findall(text[start:end])):
        return True
    if _CODE_AFTER.match(text, end) is not None:  # klantcontact.onderwerp: a field, not prose
        return True
    # the run of non-space characters around the phrase, looked at no further than a path
    # could reasonably reach: text without spaces must not make each phrase scan all of it
    # (the run before is read backwards: a search for it would try every position before it)
    before = _RUN_AFTER.match(text[max(0, start - _PATH_REACH) : start][::-1])
    after = _RUN_AFTER.match(text, end, end + _PATH_REACH)
    assert before is not None and after is not None  # both always match, at worst an empty run
    return text.count("/", start - before.end(), after.end()) >= 2


def part_of_name(text: str, start: int, end: int) -> bool:
    """A capitalised phrase inside a longer capitalised run ('Farm Service Agency'): a name.

    Names of agencies, programmes and councils hold cue words but are not vocabulary a
    reviewer would add. Only runs that continue past the phrase count, so a capitalised
    phrase on its own ('Customer Effort') can still be a candidate term.
    """
    if not all(w[:1].isupper() for w in TOKEN.findall(text[start:end])):
        return False
    after = next_word(text, end)
    if after is not None and not after[0] and text[after[1]].isupper():
        return True
    before = prev_word(text, start)
    if before is None or before[0] or not text[before[1]].isupper():
        return False
    return not sentence_start(text, before[1])  # a capital that only starts a sentence names nothing


def holds_proper_noun(phrase: str) -> bool:
    """Whether a word of the phrase is one the English lexicon knows only with a capital (*Canada*).

    Such a phrase is a name (*Service Canada*, *Customer Service Ontario*), not vocabulary. A
    capital the lexicon does not explain (*Omnichannel* starting a sentence) proves nothing.
    """
    known = english_word_classes().known
    return any(w[:1].isupper() and w in known and w.lower() not in known for w in TOKEN.findall(phrase))


def modifies_a_noun(word: str) -> bool:
    """Whether a hyphenated English word is a modifier (see :data:`MODIFIER_ENDS`), not a noun."""
    last = word.rsplit("-", 1)[-1]
    if last in MODIFIER_ENDS["en"]:
        return True
    words = english_word_classes()
    return last.endswith("ed") and last in words.verbs and last not in words.nouns


_LINE_REACH = 300  # characters looked at on each side of a phrase for its line


_PROSE_WORDS = 3  # lower-case words of four letters or more that make a line prose, not a title


def capitalised_in_prose(text: str, start: int, end: int) -> bool:
    """A capitalised phrase of two or more words inside a lower-case sentence: a name (*a Customer Team*).

    In running prose, capitals that do not start the sentence mark a proper name, a team, an
    office or a programme, which is no vocabulary a reviewer would add. A title-case line
    (*Analytics Tools Assist in Customer Understanding*) capitalises every word, so there the
    capitals say nothing, and the phrase stays a candidate. One capitalised word is often a
    term set off for emphasis (*het Klanttevredenheidsonderzoek*), so it stays a candidate too.
    """
    words = TOKEN.findall(text, start, end)
    if len(words) < 2 or not all(w[:1].isupper() for w in words) or sentence_start(text, start):
        return False
    reach = max(0, start - _LINE_REACH)
    line_start = max(text.rfind("\n", reach, start) + 1, reach)  # a line, or as much of it as is near
    line_end = text.find("\n", end, end + _LINE_REACH)
    around = TOKEN.findall(text, line_start, start) + TOKEN.findall(
        text, end, line_end if line_end >= 0 else end + _LINE_REACH
    )
    long_words = [w for w in around if len(w) > 3]  # short words (a, in, of) stay small in titles too
    capitalised = sum(1 for w in long_words if w[:1].isupper())
    # A list of product names capitalises most words of a sentence, which a title does too; but
    # a title leaves at most a preposition or two in lower case, and a sentence has more.
    lower = len(long_words) - capitalised
    return 2 * capitalised < len(long_words) or lower >= _PROSE_WORDS


def ends_in_name(text: str, start: int, end: int) -> bool:
    """A Dutch two-part form whose last word belongs to a capitalised name: *Gebruiker Centraal*.

    Dutch writes headings and sentences with one capital, so a capitalised word after another
    capitalised word inside a sentence is a name (a programme, a website, an organisation),
    and *ondernemers, Ondernemer Centraal* speaks of that name, not of putting anyone first.
    English title-case headings make the same test meaningless there, so callers keep it to Dutch.
    """
    last = token_start(text, end - 1)
    return last > start and part_of_name(text, last, end)


def verb_form(surface: str, label: str, lang: str) -> bool:
    """A one-word English noun label met as a verb or participle: *experiencing*, *experienced*.

    The noun *experience* is what may name a concept. *Users experiencing delays* and
    *experienced staff* name none; where customers are said to experience something, a word
    family (*customers … experienced*) names customer experience instead.
    """
    word, noun = surface.casefold(), label.casefold()
    return (
        lang == "en"
        and " " not in noun
        and word != noun
        and word.endswith(("ing", "ed"))
        and not noun.endswith(("ing", "ed"))
    )


@dataclass(frozen=True)
class Gapped:
    """A word-family form in two parts with up to a few words between: *klacht … afgehandeld*.

    Each part lists its spellings (``klacht/klachten``); they are matched as whole words
    in one sentence, in order, on the lower-cased text.
    """

    entry: Entry
    pattern: re.Pattern[str]  # the first part, the gap and the second part
    seconds: tuple[str, ...] = ()  # the spellings of the second part, as the pattern holds them

    def finditer(self, lowered: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each occurrence in a lower-cased text, left to right, not overlapping.

        The whole form is one pattern, so the regular-expression engine, not a Python step,
        looks past each first part (*customer* is in every other sentence of CX prose) for a
        second part. The pattern has no look-behind, which would cost re its fast scan for the
        first characters; whether a match starts a word is checked here instead, on the few
        matches there are. A text holding none of the second part's spellings is passed over
        before the pattern runs: the first part alone (*customer*) is found everywhere, and the
        engine would try every gap after it in vain.
        """
        if self.seconds and not any(w in lowered for w in self.seconds):
            return
        search = self.pattern.search
        m = search(lowered)
        while m is not None:
            s = m.start()
            if token_start(lowered, s) != s:  # inside a word, as the checker reads words (x’klant is one)
                m = search(lowered, s + 1)
                continue
            yield s, m.end()
            m = search(lowered, m.end())

    @classmethod
    def parse(cls, form: str, entry: Entry) -> Gapped:
        left, _, right = form.partition(GAP)

        def spellings(part: str) -> list[str]:
            return sorted({fold(w.strip()) for w in part.split("/") if w.strip()}, key=len, reverse=True)

        def alternatives(part: str) -> str:
            return "(?:" + "|".join(re.escape(w) for w in spellings(part)) + ")"

        # A word ends where a token ends: an apostrophe between letters joins them (x’klant is
        # one word), but either part may take a possessive (*our customer’s shoes*).
        ends = r"(?![^\W_]|['\u2019][^\W_])"
        done = rf"(?:['\u2019]s)?{ends}"
        gap = rf"(?:[^\w.!?;:\n]+{TOKEN.pattern}{ends}){{0,{_GAP_WORDS}}}?"
        rest = rf"{done}{gap}[^\w.!?;:\n]+{alternatives(right)}{done}"
        return cls(entry, re.compile(alternatives(left) + rest), tuple(spellings(right)))


class _Placed(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_P = TypeVar("_P", bound=_Placed)


def place_gapped(
    matches: list[_P], found: list[_P], gives_way: Callable[[_P, _P], bool], refused: Callable[[_P], bool]
) -> None:
    """Put two-part word-family matches (``found``, sorted) among the label matches, in order.

    Labels come first: a form that overlaps a label match is dropped, unless every match it
    overlaps lies inside it and ``gives_way`` to it (a label that names nothing unless a cue
    speaks: *interactie met de overheid* says more than *interactie*; a derived word inside a
    phrase that names nothing: *satisfy* in *satisfy their needs*). Forms do not overlap each
    other, and ``refused`` ones (running into a name) are left out.
    """
    starts = [m.start for m in matches]
    last = -1
    for m in found:
        i = bisect_right(starts, m.start)
        lo, hi = (i - 1 if i > 0 and matches[i - 1].end > m.start else i), i
        while hi < len(matches) and matches[hi].start < m.end:
            hi += 1
        clash = any(x.start < m.start or x.end > m.end or not gives_way(x, m) for x in matches[lo:hi])
        if clash or m.start < last or refused(m):
            continue
        matches[lo:hi] = [m]
        starts[lo:hi] = [m.start]
        last = m.end
