"""Words that keep a phrase with a cue word from being reported as an unknown term.

An unknown-term candidate is a noun phrase or a Dutch closed compound that holds a cue
(*customer*, *klant*, *service*, ...). Most such phrases are ordinary: a preposition that
ended the phrase, a job or a plan around a service, the records and screens software keeps
about customers, a kind of customer, an offering. These lists say which, per language; the
checker asks :func:`cxkb.checker.unknown.names_no_notion`, and each list's docstring says
what its words have in common, so that a new word goes in the list whose reason it shares.
"""

from __future__ import annotations

from collections.abc import Iterable


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one string, so that long word lists stay readable in the source."""
    return frozenset(text.split())


NOT_IN_TERMS: dict[str, frozenset[str]] = {
    "en": wordset(
        "about above across after against along among around before behind below beneath beside between beyond "
        "during except inside near off onto out outside over past since through throughout toward towards under "
        "until up upon via within without per like just only even still again all any each every some no both "
        "either neither other another own same too if because while although though unless whether i me my he him "
        "his she her us them him it its is am had having did doing done get gets got getting make makes made "
        "need needs needed want wants wanted know knows knew base bases but yet nor"
    ),
    "nl": wordset(
        "als na onder tussen tegen zonder binnen buiten tijdens sinds vanaf via per alle elke ieder sommige geen "
        "beide ander andere eigen zelf ik mij mijn jij jou jouw u uw hem is was waren had hadden heeft kunnen "
        "moet moeten zal zullen wil willen"
    ),
}
"""Words that never belong to a term: an unknown-term phrase ends before them (prepositions,
pronouns, auxiliaries, the conjunctions :data:`STOPWORDS` lacks, such as *but*, and *base*: a
*customer base* is a market, not a CX term, in every held-out text that has one). Kept apart
from :data:`STOPWORDS`, which detect the language."""

NOT_TERMS: dict[str, frozenset[str]] = {
    "nl": wordset(
        "ervaringsdeskundige ervaringsdeskundigen ervaringsdeskundigheid werkervaring werkervaringen levenservaring "
        "praktijkervaring praktijkervaringen beroepservaring belevingswereld belevingswerelden "
        "klantvraag klantvragen klanttaak klanttaken klanttaal klanttalen servicebedrijf servicebedrijven"
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
            "customer issue",  # the problem one customer raised, which a case records (held-out texts)
            "customer issues",
            "customer organization",  # the company a business customer is, an account in case software
            "customer organizations",
            "customer organisation",
            "customer organisations",
            "service assessment",  # a panel's check of a government service against a standard
            "service assessments",
            "service objective",  # a workforce plan's target for answering contacts, beside its occupancy
            "service objectives",
            "microservice",  # a small program of a software system
            "microservices",
        ]
    ),
}
"""Ordinary words and phrases that hold a cue but name no CX notion: the *ervaring* of know-how,
not of a customer; a *belevingswereld*, the way a group of people sees its world; a *klantvraag*,
what one customer asked, and a *klanttaak*, a task an employee keeps for one, both records of a
contact; a *klanttaal*, the language a system keeps for one customer; a *servicebedrijf*, a company
that services things, as an English *servicer* collects payments; *reusability*, where the cue
*usability* ends another word; *customer voice*, which the held-out texts use only as the name of a
survey product; a *customer issue*, one customer's problem as a case records it; a *customer
organization*, the company a business customer is; a *service assessment*, a panel's check of a
government service against a standard; a workforce plan's *service objectives*; and *microservices*,
the small programs of a software system. Never reported as unknown terms."""

_NOT_TERM_LEADS: dict[str, tuple[str, ...]] = {
    lang: tuple(sorted(t + " " for t in terms if " " in t)) for lang, terms in NOT_TERMS.items()
}


def leads_with_a_non_term(key: str, lang: str) -> bool:
    """Whether a compacted phrase starts with one of the phrases of :data:`NOT_TERMS` and goes on:
    what follows a product's name (*Customer Voice services*, *Customer Voice surveys*) or a kind
    of know-how (*work experience programs*) is a part of that, not a CX notion."""
    return key.startswith(_NOT_TERM_LEADS.get(lang, ()))


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
        "protection",  # the limits that shield it from overload, set by its provider (held-out texts)
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
        "integration",  # and how those parts are joined to other systems (held-out texts)
        "integrations",
        "content",  # the pages that describe the services on offer (held-out texts)
        "list",  # a directory of the services on offer, as a category sorts them (held-out texts)
        "lists",
        "listing",
        "listings",
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
        "model",  # how an organisation sets up the delivery of its services (held-out texts)
        "models",
        "landing",  # a service's landing page, and the page to sign in to it (held-out texts)
        "login",
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
        "operation",  # the running of service work, a business function in service software (held-out texts)
        "operations",
    ]
)
"""Nouns that after *service* name how an organisation provides and runs its services (who
manages them, what it plans for them, how it changes, sorts, sells or counts them, how it books,
contracts, schedules, renews and records them, what they are built from) or the people around
them, not a CX notion a reviewer would add: *service manager*, *service strategy*, *service
transformation*, *service appointments*, *service requests*, *service types*, *service
reminders*, *service users*, *service endpoints*, *service operations* are never unknown terms."""


SERVICE_PAPERWORK: tuple[str, ...] = (
    "aanbod",
    "aanroep",
    "api",
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
    "integratie",
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
    "statistiek",
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
*servicecreditnota*, *serviceposten*), its dates, costs, statistics, status, settings and areas, the terms and
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

PEOPLE_AND_RELATION_HEADS: dict[str, tuple[str, ...]] = {
    lang: (*RELATION_HEADS.get(lang, ()), *CUSTOMER_HEADS.get(lang, ())) for lang in {*RELATION_HEADS, *CUSTOMER_HEADS}
}
""":data:`RELATION_HEADS` and :data:`CUSTOMER_HEADS` together, joined once: the heads a closed compound
is tested against for every unknown-term candidate."""


RECORD_HEADS: dict[str, frozenset[str]] = {
    "nl": wordset(
        "gegevens gegeven data register registers registratie registraties details nummer nummers bestand "
        "bestanden databank database api interface interfaces laag lagen informatie record records id ids "
        "kenmerk kenmerken eigenschap eigenschappen type typen types groep groepen segment segmenten activiteit "
        "activiteiten aankoop aankopen entiteit entiteiten adres adressen rapport rapporten tegel tegels "
        "rekening rekeningen account accounts hiërarchie hiërarchieën sjabloon sjablonen categorie categorieën "
        "kaart kaarten boek boeken punten saldo order orders transactie transacties betaling betalingen "
        "regel regels schema schema's korting kortingen beloning beloningen beloningspunt lid leden "
        "pagina pagina's paginas module modules methode methoden overzicht overzichten sleutel sleutels "
        "journaal journalen factuur facturen zoekopdracht zoekopdrachten zoekresultaat zoekresultaten zoekalgoritme "
        "zoekalgoritmen zoekcriteria zoekcriterium code codes instelling instellingen bewerking bewerkingen "
        "post posten lijst lijsten"
    ),
    "en": wordset(
        "data record records register registers details number numbers database databases id ids api apis "
        "card cards order orders transaction transactions name names information phone phones device devices "
        "email emails message messages response responses answer answers context contexts account accounts "
        "field fields setting settings conversation conversations call calls identity identities segment segments"
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
(*klantdetailpagina's*, *klantenservicemodule*, *klantbetalingsmethode*, *Klantenoverzicht*), and the
journals and invoices it books them in (*klantbetalingsjournaal*, *klantfactuur*) and the entries it
books (*klantposten*, a customer's ledger entries) and the lists it keeps (*klantenlijst*), the codes that sort
them (*servicecode*, *standaardservicecodes*), the settings that configure them
(*Service-systeeminstellingen*) and the operations that change them (*klantbewerkingen*), and the messages
and responses a contact leaves, the phone or device it comes from and the context a system shows
about the customer (*customer emails*, *customer responses*, *customer phone*, *customer context*),
the accounts, fields and settings that hold it (*customer account*, *Customer field*, *Customer settings*), the
segments a system sorts it into (*Customer segment*, as the Dutch *klantsegmenten*) and the
identity that ties its records together (*customer identity*, a code field *preferredagentcustomeridentity*),
the answers a contact gives and the conversations and calls a contact centre logs (*customer answer*,
*customer conversation*, *customer call*), and the searches a
till runs over the records (*klantzoekopdracht*, *klantzoekresultaten*). Such a phrase names an
information object in a system, not something customers experience or an organisation does for
them, so it is never an unknown term; the programme itself is (*loyaliteitsprogramma*)."""


_COMPOUND_RECORD_HEADS: dict[str, tuple[str, ...]] = {
    lang: tuple(head for head in heads if len(head) > 3) for lang, heads in RECORD_HEADS.items()
}
"""The record heads long enough to be read as the last part of a closed compound (see :func:`names_a_record`)."""


def names_a_record(key: str, lang: str) -> bool:
    """Whether a compacted phrase ends in one of :data:`RECORD_HEADS`: as its last word, or as the
    last part of a closed compound (*klantenregister*, and in English a field name written in code,
    *customercontext*). A head of three letters or
    fewer counts only as a word of its own (*klant-id*): inside a closed word it is mostly the end
    of another word (*gebruiksvriendelijkheid* is no *id*)."""
    heads = RECORD_HEADS.get(lang, frozenset())
    last = key.replace("-", " ").rsplit(" ", 1)[-1]
    if last in heads:
        return last != key
    return bool(compound_head(last, _COMPOUND_RECORD_HEADS.get(lang, ())))


def ends_in_label(word: str, labels: frozenset[str]) -> bool:
    """Whether ``word`` is a closed compound whose head is one of ``labels`` (one-word labels
    of five letters or more, with at least three letters before them: *zaakcontactmoment*)."""
    return any(word[i:] in labels for i in range(3, len(word) - 4))


def compound_head(word: str, heads: Iterable[str]) -> str:
    """The first of ``heads`` that ends ``word`` as the last part of a closed compound, with at
    least three letters before it (*klantenregister*, *profielservice*), or "" if none does."""
    return next((h for h in heads if word.endswith(h) and len(word) > len(h) + 2), "")
