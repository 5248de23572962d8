"""The endpoint's front: an ASGI app under uvicorn that holds the policy, in front of Oxigraph.

``cxkb serve`` runs this app in uvicorn (httptools parser, uvloop) and the query engine as
``oxigraph serve-read-only`` processes on loopback ports (``cxkb.sparql.oxigraph_server``).
The front is the only part that faces clients and the only part that talks to the engine:

* it parses HTTP strictly (llhttp refuses signed, negative or non-decimal lengths, two
  lengths, and a length with ``Transfer-Encoding``), bounds headers, bodies, parameters and
  the time a client may take to send them, and closes idle connections;
* it reads every query as SPARQL tokens (``cxkb.sparql.policy``) and refuses updates,
  ``SERVICE`` (unless the endpoint is listed with ``--allow-service``) and texts too big or
  too deep for the engine's parser, before the engine sees them;
* it schedules queries in two lanes. The fast lane runs on one engine process with several
  queries at once. A query still running after ``slow_after`` seconds is a runaway
  suspect: its process is condemned (new queries go to a fresh process, started in well
  under a second), the process keeps running it at low CPU priority while it holds one of
  the few slow-lane slots, and its fingerprint (the query's tokens with literals and
  variable names blanked) is remembered, so the next time the same query goes straight
  to the slow lane's own engine, which runs at low priority (a query that has finished
  in time before only once it overran three times in a row, so a busy machine does not
  send a cheap query there for good). Unknown queries from a client
  that sent several slow ones go there too. Cheap queries thus keep the fast lane and most
  of the CPU while runaways run on what is left; the time limit ends a query by killing
  the process it runs in, once nothing else runs there;
* it caps answers at ``max_rows`` rows by counting them in the engine's output as it
  streams in, and stops reading (so the engine stops writing) once the cap is passed.

Routes and answers are those of the earlier endpoint: ``/`` (the library page),
``/sparql`` (the protocol), ``/queries`` and ``/queries/NAME?param=value``, CORS on every
answer, ``Retry-After`` on every ``503``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote

from cxkb.sparql import policy
from cxkb.sparql.answers import Reply, Settings, text_reply
from cxkb.sparql.endpoint import (
    CORS,
    FORMAT_NAMES,
    GRAPH_TYPES,
    PAGE_SECURITY,
    PREFLIGHT,
    READ_ONLY,
    SELECT_TYPES,
    choose_type,
)
from cxkb.sparql.lanes import Scheduler, _content_type, _graph_as
from cxkb.sparql.library import DEFAULT_PREFIXES, NamedQuery, QueryError, describe
from cxkb.sparql.memo import AnswerMemory, Memo
from cxkb.sparql.webpage import PAGE_CSS, PAGE_JS, render_page

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger("cxkb.endpoint")


# ---------------------------------------------------------------------------------------
# The ASGI app
# ---------------------------------------------------------------------------------------


class Accepted(NamedTuple):
    """A query the policy let through: its shape, the text the engine gets, and the lines put in front."""

    shape: policy.Shape
    sent: str
    added: int


Verdict = Accepted | policy.PolicyError


class BadRequest(Exception):
    def __init__(self, reply: Reply, close: bool = False) -> None:
        super().__init__(reply.body.decode("utf-8", "replace"))
        self.reply = reply
        self.close = close


class Front:
    """The ASGI application: routes, request checks and the protocol; queries go to the scheduler."""

    def __init__(self, settings: Settings, store_dir: Path, queries: list[NamedQuery]) -> None:
        self.settings = settings
        self.queries = {q.name: q for q in queries}
        self.page = render_page(queries, settings.timeout, settings.max_rows).encode("utf-8")
        self.listing = json.dumps([describe(q) for q in queries], ensure_ascii=False, indent=1).encode("utf-8")
        self.scheduler = Scheduler(settings, store_dir)
        # Remembered per distinct text (see cxkb.sparql.memo): query strings and forms as
        # parameters, query texts as the policy's verdict, Accept headers as a media type.
        self._verdicts: Memo[Verdict] = Memo(entries=2_000, chars=2_000_000, max_key=20_000)
        self._parsed: Memo[tuple[tuple[str, tuple[str, ...]], ...]] = Memo(entries=1_000, chars=1_000_000)
        self._media: Memo[tuple[str | None]] = Memo(entries=256, chars=256 * 1024, max_key=1024)
        self._answers = AnswerMemory(settings.answer_cache * 1024 * 1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            reply, head = await self._handle(scope, receive)
            close = False
        except BadRequest as exc:
            reply, head, close = exc.reply, False, exc.close
        await _send(send, reply, head=head, close=close)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.scheduler.start()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    await self.scheduler.close()
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.scheduler.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[Reply, bool]:
        method = scope["method"]
        path = scope["path"]
        headers = _headers(scope)
        params = self._params(scope["query_string"].decode("latin-1"))
        if method == "OPTIONS":
            return Reply(HTTPStatus.NO_CONTENT, "", b"", dict(PREFLIGHT)), False
        if method in ("GET", "HEAD"):
            if method == "HEAD" and path not in ("/", "/index.html"):
                return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"), True
            return await self._get(path, params, headers, scope), method == "HEAD"
        if method != "POST":
            return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST", Allow="GET, POST, OPTIONS"), False
        if path != "/sparql":
            return text_reply(HTTPStatus.NOT_FOUND, "POST queries to /sparql"), False
        body = await self._body(headers, receive)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text_reply(HTTPStatus.BAD_REQUEST, "the form is not UTF-8"), False
            for key, values in self._params(text).items():
                params.setdefault(key, []).extend(values)
            return await self._protocol(params, headers, scope), False
        if media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text_reply(HTTPStatus.BAD_REQUEST, "the query is not UTF-8"), False
            if "query" in params:
                return text_reply(HTTPStatus.BAD_REQUEST, "give the query in the body or in the URL, not both"), False
            return await self._protocol({**params, "query": [text]}, headers, scope), False
        if media == "application/sparql-update":
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY), False
        wanted = "send application/x-www-form-urlencoded (query=...) or application/sparql-query"
        return text_reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, wanted), False

    def _params(self, text: str) -> dict[str, list[str]]:
        """Query-string or form parameters, at most ``max_params`` of them, percent-escapes in UTF-8.

        A fresh dict each time (callers add to it); the decoding itself is remembered per text.
        """
        if not text:
            return {}
        parsed = self._parsed.get(text)
        if parsed is None:
            try:
                found = parse_qs(text, keep_blank_values=True, max_num_fields=self.settings.max_params, errors="strict")
            except ValueError as exc:  # too many fields, or percent-escapes that are not UTF-8
                raise BadRequest(text_reply(HTTPStatus.BAD_REQUEST, f"bad parameters: {exc}")) from None
            parsed = tuple((key, tuple(values)) for key, values in found.items())
            self._parsed.put(text, parsed)
        return {key: list(values) for key, values in parsed}

    async def _body(self, headers: _Headers, receive: Receive) -> bytes:
        """The request body, after checking its framing; ``BadRequest`` (closing the connection) when wrong."""
        s = self.settings
        lengths = headers.getall("content-length")
        if headers.getall("transfer-encoding"):
            if lengths:
                raise BadRequest(text_reply(400, "Content-Length together with Transfer-Encoding"), close=True)
            raise BadRequest(text_reply(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length"), close=True)
        if not lengths:
            raise BadRequest(text_reply(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length"), close=True)
        if len(lengths) > 1 or not lengths[0].isascii() or not lengths[0].isdigit():
            raise BadRequest(text_reply(400, "bad Content-Length"), close=True)
        size = int(lengths[0])
        if size > s.max_body:
            raise BadRequest(
                text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"requests are limited to {s.max_body} bytes"),
                close=True,
            )
        body = bytearray()
        deadline = time.monotonic() + s.body_timeout
        more = True
        while more:
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, remaining))
            except TimeoutError:
                raise BadRequest(
                    text_reply(HTTPStatus.REQUEST_TIMEOUT, f"the body did not arrive within {s.body_timeout:g} s"),
                    close=True,
                ) from None
            if message["type"] == "http.disconnect":
                raise BadRequest(text_reply(400, "the client went away"), close=True)
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > s.max_body:
                raise BadRequest(text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large"), close=True)
        return bytes(body)

    async def _get(self, path: str, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        if path in ("/", "/index.html"):
            return Reply(HTTPStatus.OK, "text/html; charset=utf-8", self.page, dict(PAGE_SECURITY))
        if path == "/page.js":
            return Reply(HTTPStatus.OK, "text/javascript; charset=utf-8", PAGE_JS.encode(), dict(PAGE_SECURITY))
        if path == "/page.css":
            return Reply(HTTPStatus.OK, "text/css; charset=utf-8", PAGE_CSS.encode(), dict(PAGE_SECURITY))
        if path == "/sparql":
            return await self._protocol(params, headers, scope)
        if path == "/queries":
            return Reply(HTTPStatus.OK, "application/json", self.listing)
        if path.startswith("/queries/"):
            return await self._named(unquote(path[len("/queries/") :]), params, headers, scope)
        return text_reply(HTTPStatus.NOT_FOUND, f"no such page: {path}; the endpoint is at /sparql")

    def _accept(self, params: dict[str, list[str]], headers: Any) -> str:
        """The Accept header, unless a ``format``/``output`` parameter names a known format."""
        for key in ("format", "output"):
            for name in params.get(key, []):
                if name.lower() in FORMAT_NAMES:
                    return FORMAT_NAMES[name.lower()]
        return ", ".join(headers.getall("accept"))

    async def _protocol(self, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        if "update" in params:
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return text_reply(
                HTTPStatus.BAD_REQUEST, "this endpoint has one default graph; drop default-graph-uri/named-graph-uri"
            )
        texts = params.get("query", [])
        if len(texts) != 1 or not texts[0].strip():
            return text_reply(HTTPStatus.BAD_REQUEST, "give exactly one query, e.g. /sparql?query=SELECT...")
        return await self._run(texts[0], self._accept(params, headers), scope)

    async def _named(self, name: str, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        query = self.queries.get(name)
        if query is None:
            return text_reply(HTTPStatus.NOT_FOUND, f"no library query named {name!r}; see /queries")
        values = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}
        try:
            text = query.bind(values)
        except QueryError as exc:
            return text_reply(HTTPStatus.BAD_REQUEST, str(exc))
        return await self._run(text, self._accept(params, headers), scope)

    def _inspect(self, text: str) -> Verdict:
        """The policy's verdict on ``text`` (with the text for the engine), remembered per exact text.

        Clients repeat the same texts (the library's queries above all); reading them once
        saves the tokenizer's work on every later request. The verdict depends only on the
        text and the settings, which are fixed for the life of the app.
        """
        verdict = self._verdicts.get(text)
        if verdict is None:
            s = self.settings
            try:
                shape = policy.inspect(
                    text, s.query, allowed_services=s.allowed_services, default_prefixes=DEFAULT_PREFIXES
                )
            except policy.PolicyError as exc:
                verdict = exc
            else:
                verdict = Accepted(shape, *policy.with_prefixes(text, shape, DEFAULT_PREFIXES))
            self._verdicts.put(text, verdict)
        return verdict

    def _choose(self, accept: str, kind: str) -> str | None:
        """``choose_type``, remembered per Accept header (browsers and clients send a handful)."""
        key = f"{kind}\n{accept}"
        found = self._media.get(key)
        if found is None:
            found = (choose_type(accept, kind),)
            self._media.put(key, found)
        return found[0]

    async def _run(self, text: str, accept: str, scope: Scope) -> Reply:
        verdict = self._inspect(text)
        if isinstance(verdict, policy.PolicyError):
            return text_reply(verdict.status, str(verdict))
        shape, sent, added = verdict
        media = self._choose(accept, shape.kind)
        if media is None:
            offered = GRAPH_TYPES if shape.kind == "graph" else SELECT_TYPES
            return text_reply(HTTPStatus.NOT_ACCEPTABLE, f"this result can be sent as: {', '.join(offered)}")
        engine_media = "application/n-triples" if shape.kind == "graph" else media
        key = f"{media}\n{sent}"
        if shape.repeatable and (kept := self._answers.get(key)) is not None:
            status, content_type, body, headers = kept
            return Reply(status, content_type, body, {**dict(headers), **_FROM_MEMORY})
        client = (scope.get("client") or ("?", 0))[0]
        reply, _lane = await self.scheduler.run(sent, engine_media, shape.fingerprint, client)
        if reply.status == 400:
            message = policy.syntax_message(reply.body.decode("utf-8", "replace"), text, added)
            return Reply(400, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), reply.headers)
        if reply.status == 200 and engine_media != media:
            reply.body = await asyncio.to_thread(_graph_as, reply.body, media)
            reply.content_type = _content_type(media)
        if reply.status == 200 and shape.repeatable:
            kept_headers = {k: v for k, v in reply.headers.items() if k not in _PER_REQUEST}
            self._answers.put(key, reply.status, reply.content_type, reply.body, kept_headers)
        return reply


# Headers that describe one request's run, not the answer: a remembered answer gets its own.
_PER_REQUEST = frozenset({"Server-Timing", "X-Cxkb-Lane"})
_FROM_MEMORY = {"Server-Timing": "queue;dur=0.0, query;dur=0.0", "X-Cxkb-Lane": "memory"}


class _Headers(dict[str, list[str]]):
    def get(self, name: str, default: str = "") -> str:  # type: ignore[override]
        values = super().get(name)
        return values[0] if values else default

    def getall(self, name: str) -> list[str]:
        return super().get(name) or []


def _headers(scope: Scope) -> _Headers:
    headers = _Headers()
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return headers


# Headers on every answer, encoded once (a reply's own header of the same name replaces one).
_ALWAYS = tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**CORS, "Vary": "Accept"}.items())


async def _send(send: Send, reply: Reply, *, head: bool = False, close: bool = False) -> None:
    own = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()]
    names = {name for name, _ in own}
    raw = [h for h in _ALWAYS if h[0] not in names] + own
    if reply.content_type:
        raw.append((b"content-type", reply.content_type.encode("latin-1")))
    raw.append((b"content-length", str(len(reply.body)).encode("latin-1")))
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": int(reply.status), "headers": raw})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})
