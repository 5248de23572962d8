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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from cxkb.checker.nonterms import names_a_record, wordset
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
    "nl": wordset(
        "de het een en van dat die niet op te zijn voor met ook aan naar maar om bij er wordt worden als door nog dan "
        "wel hoe wat zich deze dit kan heeft hebben tot uit over of je we ze hun onze wij zij hij ons haar meer veel "
        "zo al waar wie welke waarin waarbij omdat want toch steeds vaak heel erg zeer"
    ),
    "en": wordset(
        "the a an and of that to it for with are be on as this by not or from at which have has their they we you your "
        "our its was were been being can could would should will may might must do does did into than then so such "
        "these those there here what when where who how why very more most also"
    ),
}
"""Function words, for language detection and for trimming unknown-term phrases."""

GAP = "..."
"""In a word-family form, the place where other words may come between its two parts."""
_GAP_WORDS = 4  # at most this many words between the parts of a gapped form


MODIFIER_ENDS: dict[str, frozenset[str]] = {
    "en": frozenset({"level", "wide", "facing", "specific", "agnostic", "first"})
}
"""Last parts of English hyphenated compounds that modify the noun after them (*Service-level
Service Designer*, seed:074; *customer-facing*, *service-agnostic*, *customer-first*), as a past
participle does (*Service-led*, *customer-initiated*): such a word is no noun phrase, so no unknown term."""


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
_SNAKE_BEFORE = re.compile(r"[^\W_]_\Z")
_SNAKE_AFTER = re.compile(r"_[^\W_]")
"""An underscore between the label and a letter or digit: the label is part of a name in code
(*D365_CustomerService_ListCases*); an underscore with a space or a stop beside it is Markdown's
emphasis (*_customer experience_*), which leaves the label a mention."""


def in_address(text: str, start: int, end: int) -> bool:
    """A label inside a web or e-mail address (*NPS.gov*, *www.cx.gov*, *klantenservice@utrecht.nl*)
    or a dotted or underscored name in code (*klantcontact.onderwerp*, *personas.json*,
    *D365_CustomerService_ListCases*).

    The address names a site or a mailbox, not the concept: *NPS.gov* is the National Park
    Service's website; *klantcontact.onderwerp* is a field of a data model. Only what follows
    the label decides, so *UX/CX* and a sentence that ends with a label stay mentions (a
    sentence's full stop is followed by a space, a line end or a capital).
    """
    if _CODE_AFTER.match(text, end) is not None:
        return True
    if _SNAKE_BEFORE.search(text, max(0, start - 2), start) or _SNAKE_AFTER.match(text, end):
        return True  # D365_CustomerService_ListCases: a tool's name in code
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


def closed_up_words(word: str, holds_cue: Callable[[str], bool]) -> bool:
    """Whether a lower-case English word is two English words closed up, one of them holding a cue:
    a name in code (*visitorjourney*, *customerportal*), since English writes its compounds open or
    with a hyphen. Both parts must be forms the lexicon knows, of three letters or more, and the
    whole word must be none, so a word that merely holds a cue (*feedback*, *helpdesk*) is left as
    it is."""
    words = english_word_classes().known
    if word in words:
        return False
    return any(
        word[:i] in words and word[i:] in words and (holds_cue(word[:i]) or holds_cue(word[i:]))
        for i in range(3, len(word) - 2)
    )


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


_GLOSS_GAP = re.compile(r"[ \t\u00a0]*\($")


def glosses(text: str, before_end: int, before: str, start: int, surface: str) -> bool:
    """Whether the label at ``start`` is a short form a document gives in brackets right after the
    phrase it shortens: *an AI agent (agent)*, the gloss Microsoft's pages write before using the
    bare word for the phrase. ``before`` is the phrase that ends at ``before_end``; it must end
    in the bracketed words (*AI agents (agents)*), so *a survey (agent)* glosses nothing.
    """
    if not _GLOSS_GAP.fullmatch(text, before_end, start):
        return False
    head, tail = before.casefold(), surface.casefold()
    return len(head) > len(tail) and head.endswith(tail) and not head[-len(tail) - 1].isalnum()


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
