"""The query engine: ``oxigraph serve-read-only`` processes over one on-disk store.

The Oxigraph server is a maintained SPARQL 1.1 Protocol implementation in Rust; it answers
the library's queries without any Python in the loop. It is run read-only, on a loopback
port, only ever reached by the endpoint's front (``cxkb.sparql.front``).

Its own ``--timeout-s`` does not stop every query (an aggregate over a cross join runs on
past it) and costs a sleeping thread per query, and a thread cannot be stopped from
outside, so the engines run without it and a query that overruns is ended the only sure
way: its process is killed. That is why there are several small processes
rather than one: the front moves new work to a fresh process before it kills one
(``Engine.condemn``), so the queries that were not at fault finish where they are. A
read-only Oxigraph server over the store starts in well under a second.

Every engine process asks the kernel to kill it when the process that started it dies
(``PR_SET_PDEATHSIG``), so even a ``kill -9`` of ``cxkb serve`` leaves no engine behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cxkb.release import open_release

Progress = Callable[[str], None]

_PR_SET_PDEATHSIG = 1


def _quiet(_: str) -> None:
    return None


class EngineError(RuntimeError):
    """The engine binary is missing, or a store could not be loaded or served."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` command: next to this Python first (the PyPI package installs it there)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise EngineError("the 'oxigraph' command is not installed: pip install oxigraph")
    return found


def load_store(files: list[Path], store_dir: Path) -> None:
    """``oxigraph load`` the RDF ``files`` into a new store in ``store_dir``."""
    command = [oxigraph_binary(), "load", "--location", str(store_dir)]
    for path in files:
        command += ["--file", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise EngineError(f"oxigraph load failed: {done.stderr.strip()[-500:]}")


def _child_setup(nice: int) -> None:
    """Runs in the child before exec: die with the parent, and start at the given niceness."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Engine:
    """One ``oxigraph serve-read-only`` process and the queries the front has running on it.

    ``inflight`` counts the front's requests on this process. A condemned engine takes no
    new requests and is killed as soon as ``inflight`` reaches zero.
    """

    def __init__(self, store_dir: Path, *, lane: str, nice: int = 0, engine_timeout: int = 0) -> None:
        self.store_dir = store_dir
        self.lane = lane
        self.nice = nice
        self.engine_timeout = engine_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.inflight = 0
        self.condemned = False
        self.condemned_at = 0.0  # time.monotonic() when it was condemned
        # Kept-alive connections of the front to this engine (reader, writer), reused in turn.
        self.connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def start(self, startup: float = 30.0) -> None:
        """Start the process and wait until it accepts connections (a few tries for a free port)."""
        for _ in range(5):
            self.port = _free_port()
            command = [
                oxigraph_binary(),
                "serve-read-only",
                "--location",
                str(self.store_dir),
                "--bind",
                f"127.0.0.1:{self.port}",
            ]
            if self.engine_timeout:
                command += ["--timeout-s", str(self.engine_timeout)]
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=lambda: _child_setup(self.nice),  # started from the event loop's thread, which outlives it
            )
            deadline = time.monotonic() + startup
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    await asyncio.sleep(0.01)
                    continue
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
                return
            self.kill()
        raise EngineError("the Oxigraph server did not start")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_kib(self) -> int:
        """Resident memory of the process in KiB (0 when it is gone)."""
        if self.process is None:
            return 0
        try:
            with open(f"/proc/{self.process.pid}/statm", encoding="ascii") as fh:
                return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            return 0

    def condemn(self) -> None:
        """Take no new work, and run what is left at low priority (every thread of the process)."""
        self.condemned = True
        self.condemned_at = time.monotonic()
        if self.process is None:
            return
        tasks = Path(f"/proc/{self.process.pid}/task")
        with contextlib.suppress(OSError):
            for task in tasks.iterdir():
                with contextlib.suppress(OSError, ValueError):
                    os.setpriority(os.PRIO_PROCESS, int(task.name), max(self.nice, 10))

    def kill(self) -> None:
        """Kill the process and reap it (it is read-only: nothing is lost)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def _ask(store_dir: Path, query: str) -> bool:
    """An ASK query on a store, through the ``oxigraph query`` command (nothing loaded in this process)."""
    done = subprocess.run(
        [oxigraph_binary(), "query", "--location", str(store_dir), "--query", query, "--results-format", "tsv"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EngineError(f"oxigraph query failed: {done.stderr.strip()[-500:]}")
    return done.stdout.strip().lower() == "true"


def prepare_store(root: Path, store_dir: Path, *, reasoning: bool = True, progress: Progress = _quiet) -> None:
    """Fill ``store_dir`` with the release's graph (``ReleaseError`` when there is no current one).

    The release file is loaded by ``oxigraph load`` straight from disk, so the graph never
    passes through this process.
    """
    path = open_release(root).graph_file(reasoning=reasoning)
    progress(f"loading {path.relative_to(root)} into the query engine")
    load_store([path], store_dir)
