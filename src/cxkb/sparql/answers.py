"""What the front hands back: settings, replies, and row counting in the engine's streamed answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cxkb.sparql import policy

Scope = dict[str, Any]


@dataclass(frozen=True)
class Settings:
    """Every limit of the endpoint; ``cxkb serve --help`` documents each one."""

    timeout: float = 10.0  # seconds a query may run in all
    slow_after: float = 1.0  # seconds after which a running query moves to the slow lane
    max_rows: int = 10_000
    fast_concurrency: int = 8  # queries at once in the fast lane
    slow_concurrency: int = 1  # queries at once in the slow lane
    slow_queue: int = 16  # requests that may wait for the slow lane
    queue_wait: float = 30.0  # seconds a request may wait for a slot in its lane
    max_body: int = 1_000_000
    max_header_bytes: int = 65_536  # request line plus headers (a GET query is in the request line)
    max_params: int = 50
    header_timeout: float = 10.0  # from the first byte of a request (or the connection) to its last header
    body_timeout: float = 10.0  # to receive the whole body once the headers are in
    idle_timeout: float = 5.0  # a kept-alive connection with no new request is closed
    max_connections: int = 1_000
    engine_memory: int = 150  # MiB of resident memory an engine process may use
    memory: int = 400  # MiB the front and its engines may hold together
    answer_cache: int = 32  # MiB of answers the front remembers (0: none)
    query: policy.Limits = field(default_factory=policy.Limits)
    allowed_services: frozenset[str] = frozenset()

    @property
    def retry_after(self) -> str:
        return str(max(1, round(self.timeout)))


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), dict(headers))


# ---------------------------------------------------------------------------------------
# Counting and capping rows in the engine's output
# ---------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.DOTALL)
_CSV_TOKEN = re.compile(rb'"(?:[^"]|"")*"|\n')


def _nth(data: bytes | bytearray, pattern: bytes, n: int) -> int:
    """Offset of the ``n``-th (1-based) occurrence of ``pattern``, or -1."""
    pos = -1
    for _ in range(n):
        pos = data.find(pattern, pos + 1)
        if pos < 0:
            return -1
    return pos


def _json_cut(data: bytes, rows: int) -> int | None:
    """Where the ``rows``-th binding of a SPARQL JSON answer ends, if there are more than ``rows``."""
    start = data.find(b'"bindings":[')
    if start < 0:
        return None
    depth = 0
    seen = 0
    for match in _JSON_TOKEN.finditer(data, start + len(b'"bindings":[')):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            if depth == 0:
                return None  # the end of the bindings array
            depth -= 1
            if depth == 0:
                seen += 1
                if seen == rows:
                    rest = data[match.end() : match.end() + 2]
                    return match.end() if rest.startswith(b",") else None
    return None


def _csv_cut(data: bytes, lines: int) -> int | None:
    """Where the ``lines``-th record of CSV ends (newlines inside quoted fields skipped), if more follow."""
    seen = 0
    for match in _CSV_TOKEN.finditer(data):
        if match.group() == b"\n":
            seen += 1
            if seen == lines:
                return match.end() if match.end() < len(data) else None
    return None


class RowCounter:
    """Counts rows in a streamed answer of one media type, cheaply, and cuts it at the cap.

    TSV and N-Triples hold one row per line and SPARQL XML one ``<result>`` per row (none
    can appear inside a value, which is escaped), so counting is exact. In SPARQL JSON
    bindings are separated by ``},{`` and in CSV rows end in a newline, but a value may
    also contain them; the count is then an upper bound, and only when it passes the cap
    is the answer scanned properly.
    """

    def __init__(self, media: str, cap: int) -> None:
        self.media = media
        self.cap = cap
        self.marker, self.head = {
            "application/sparql-results+json": (b"},{", 1),  # separators: rows - 1
            "application/sparql-results+xml": (b"<result>", 0),
            "text/csv": (b"\n", -1),  # the header line
            "text/tab-separated-values": (b"\n", -1),
            "application/n-triples": (b"\n", 0),
        }.get(media, (b"", 0))
        self.count = 0
        self._scanned = 0

    def feed(self, buffer: bytearray) -> bool:
        """Update the count with what ``buffer`` gained; ``True`` once it surely holds more than the cap."""
        if not self.marker:
            return False
        begin = max(0, self._scanned - len(self.marker) + 1)
        self.count += buffer.count(self.marker, begin)
        self._scanned = len(buffer)
        if self.count + self.head <= self.cap:
            return False
        return self.cut(bytes(buffer)) is not None

    def cut(self, data: bytes) -> bytes | None:
        """``data`` cut after ``cap`` rows, or ``None`` when it holds no more than that."""
        cap = self.cap
        if self.media == "application/sparql-results+json":
            end = _json_cut(data, cap)
            return None if end is None else data[:end] + b"]}}"
        if self.media == "application/sparql-results+xml":
            pos = _nth(data, b"<result>", cap + 1)
            return None if pos < 0 else data[:pos] + b"</results></sparql>"
        if self.media == "text/csv":
            end = _csv_cut(data, cap + 1)
            return None if end is None else data[:end]
        lines = cap + (1 if self.media == "text/tab-separated-values" else 0)
        pos = _nth(data, b"\n", lines)
        return None if pos < 0 or pos + 1 >= len(data) else data[: pos + 1]
