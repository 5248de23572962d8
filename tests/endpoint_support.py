"""Starting and stopping ``cxkb serve`` as its own process, for the endpoint's tests.

The tests talk to the endpoint exactly as clients do: over loopback TCP to the process
``cxkb serve`` starts, which in turn starts its Oxigraph engines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc), deepest last."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        try:
            text = Path(f"/proc/{parent}/task/{parent}/children").read_text()
        except OSError:
            continue
        kids = [int(k) for k in text.split()]
        found += kids
        frontier += kids
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def engines(self) -> list[int]:
        return children(self.process.pid)

    def stop(self, sig: int = signal.SIGTERM, wait: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(wait)
        except subprocess.TimeoutExpired:
            for pid in self.engines():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait(10)
            raise


_PORT_TAKEN = "address already in use"
_PORT_TRIES = 3


def serve(root: Path, log: Path, *args: str, startup: float = 120.0) -> Served:
    """Start ``cxkb serve --no-reason`` on ``root`` on a free port; return once it answers.

    ``root`` gets a release first if it has no current one (``cxkb serve`` serves releases only).
    A port found free can be taken by another process's outgoing connection before the server
    binds it (both draw from the ephemeral range), so a bind refusal is tried again on a new port."""
    for attempt in range(_PORT_TRIES):
        try:
            return _serve_once(root, log, args, startup)
        except RuntimeError as error:
            if _PORT_TAKEN not in str(error) or attempt == _PORT_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _serve_once(root: Path, log: Path, args: tuple[str, ...], startup: float) -> Served:
    from conftest import built

    built(root)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    command = [sys.executable, "-m", "cxkb.cli", "serve", "--root", str(root), "--port", str(port), "--no-reason"]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, *args], stdout=out, stderr=subprocess.STDOUT, env=env)
    served = Served(process, port, log)
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cxkb serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(served.url + "queries", timeout=2) as answer:
                if answer.status == 200:
                    return served
        except OSError:
            time.sleep(0.1)
    served.stop(signal.SIGKILL)
    raise RuntimeError(f"cxkb serve did not start:\n{log.read_text(errors='replace')}")
