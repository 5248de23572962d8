"""uvicorn, hardened: strict header deadlines and sizes, a connection cap, and a clean stop."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cxkb.sparql.answers import Settings
from cxkb.sparql.endpoint import (
    CORS,
)
from cxkb.sparql.front import Front
from cxkb.sparql.library import NamedQuery

Scope = dict[str, Any]


# ---------------------------------------------------------------------------------------
# The HTTP layer: uvicorn's httptools protocol with header limits and timeouts
# ---------------------------------------------------------------------------------------

DEFAULT_HEADERS = [("server", "cxkb"), ("x-content-type-options", "nosniff")]


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol plus what it leaves out: a header deadline and size limit.

    uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but a connection
    that never sends a complete request head (slowloris) would stay open. Here a timer
    runs from the connection's start, and from the first byte of each later request, to
    the end of the head; the head may be at most ``max_header_bytes`` long; and beyond
    ``max_connections`` open connections a new one is answered 503 with Retry-After.
    """

    settings: Settings = Settings()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.settings.max_connections:
            self._refuse(503, "too many connections; try again in a moment", retry=True)
            return
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.settings.header_timeout, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self._refuse(408, f"the request head did not arrive within {self.settings.header_timeout:g} s")

    def _refuse(self, status: int, message: str, *, retry: bool = False) -> None:
        body = (message + "\n").encode("utf-8")
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines += [f"{k}: {v}" for k, v in DEFAULT_HEADERS]
        lines += [f"{k}: {v}" for k, v in CORS.items()]
        if retry:
            lines.append(f"Retry-After: {self.settings.retry_after}")
        lines += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}", "Connection: close"]
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._arm()
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end + 4
            if self._head_bytes > self.settings.max_header_bytes:
                limit = self.settings.max_header_bytes
                self._refuse(431, f"the request line and headers are limited to {limit} bytes")
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._in_head = True
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_config(app: Front, host: str, port: int, *, access_log: bool) -> uvicorn.Config:
    """uvicorn with the guarded protocol, uvloop, no version in ``Server`` and ``nosniff`` on every answer.

    One worker: on a small machine the engines need the cores, and the front's share of a
    request (parsing, policy verdicts remembered per text, passing bytes on) is a fraction
    of the engine's.
    """
    protocol = type("Guarded", (GuardedProtocol,), {"settings": app.settings})
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        loop="uvloop",
        lifespan="on",
        server_header=False,
        headers=list(DEFAULT_HEADERS),
        timeout_keep_alive=max(1, round(app.settings.idle_timeout)),
        timeout_graceful_shutdown=3,
        backlog=1024,
        # The front faces clients itself: an X-Forwarded-For from a local client must not
        # change the address the slow lane's suspicion is kept under (and the middleware
        # that would read it costs a call per request).
        proxy_headers=False,
        access_log=access_log,
        log_level="info" if access_log else "warning",
    )


def serve(
    settings: Settings,
    store_dir: Path,
    queries: list[NamedQuery],
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    access_log: bool = False,
    on_ready: Callable[[Front, int], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; the engines are killed on the way out, whatever happens."""
    app = Front(settings, store_dir, queries)
    server = uvicorn.Server(uvicorn_config(app, host, port, access_log=access_log))
    if on_ready is not None:
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets=sockets)
            if server.started:
                bound = port
                for listener in server.servers:
                    for sock in listener.sockets:
                        bound = sock.getsockname()[1]
                on_ready(app, bound)

        server.startup = startup  # type: ignore[method-assign]
    # uvicorn catches SIGINT and SIGTERM to shut down gracefully and raises them again
    # once it has; with these handlers that second delivery is a no-op, so the caller's
    # clean-up (the engines, the store folder) runs and the exit status is 0.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        app.scheduler.fast.close()
        app.scheduler.slow.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stopped(_signum: int, _frame: object) -> None:
    return None


def settings_summary(settings: Settings) -> Mapping[str, object]:
    """The limits as plain data (for the log line at start-up and for tests)."""
    return {k: getattr(settings, k) for k in settings.__dataclass_fields__}
