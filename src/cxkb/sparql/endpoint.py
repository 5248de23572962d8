"""Content negotiation and the fixed headers of the SPARQL endpoint.

The endpoint itself is ``cxkb.sparql.front`` (the HTTP layer and the policy) in front of
``cxkb.sparql.oxigraph_server`` (the query engine). This module holds what both the
endpoint and its clients' tests need to agree on: which media types answer which kind of
query, how an Accept header is read, and the CORS and page headers.
"""

from __future__ import annotations

from cxkb.sparql import results as fmt

SELECT_TYPES = (fmt.SPARQL_JSON, fmt.SPARQL_XML, fmt.CSV_TYPE, fmt.TSV_TYPE)
GRAPH_TYPES = (fmt.TURTLE, fmt.JSON_LD, fmt.N_TRIPLES)
ALIASES = {
    "application/json": {"select": fmt.SPARQL_JSON, "graph": fmt.JSON_LD},
    "application/xml": {"select": fmt.SPARQL_XML},
    "text/xml": {"select": fmt.SPARQL_XML},
    "application/x-turtle": {"graph": fmt.TURTLE},
    "text/plain": {"graph": fmt.N_TRIPLES},
}
# Short names for a ``format`` (or ``output``) parameter, for links and clients that cannot
# set headers; each stands for an Accept header covering both result families.
FORMAT_NAMES = {
    "json": f"{fmt.SPARQL_JSON}, {fmt.JSON_LD}",
    "xml": fmt.SPARQL_XML,
    "csv": fmt.CSV_TYPE,
    "tsv": fmt.TSV_TYPE,
    "turtle": fmt.TURTLE,
    "ttl": fmt.TURTLE,
    "json-ld": fmt.JSON_LD,
    "jsonld": fmt.JSON_LD,
    "nt": fmt.N_TRIPLES,
    "ntriples": fmt.N_TRIPLES,
}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Cxkb-Truncated, X-Cxkb-Max-Rows, X-Cxkb-Lane, Server-Timing, Retry-After",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}
PAGE_SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
READ_ONLY = "this endpoint is read-only: SPARQL Update requests are refused"


# ---------------------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (ties keep their order)."""
    ranges = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges if q > 0]


def choose_type(accept: str, kind: str) -> str | None:
    """The media type to answer with for a result of ``kind``, or ``None`` if none is acceptable."""
    family = "graph" if kind == "graph" else "select"
    offered = GRAPH_TYPES if family == "graph" else SELECT_TYPES
    if not accept.strip():
        return offered[0]
    for media, _ in parse_accept(accept):
        if media in ("*/*", "*"):
            return offered[0]
        if media.endswith("/*"):
            match = next((o for o in offered if o.startswith(media[:-1])), None)
            if match:
                return match
        if media in offered:
            return media
        alias = ALIASES.get(media, {}).get(family)
        if alias:
            return alias
    return None
