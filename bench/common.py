"""What every benchmark script shares: the machine it ran on, and where its results go.

Each script records its own section of docs/benchmarks.md and leaves the others alone, so
sections measured on different days (or machines) can sit side by side; each says which
machine it was measured on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "benchmarks.md"


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def machine() -> str:
    """One line: cores, CPU model, memory, Python, and the load when the run started."""
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"
    mem_kib = _proc_field("/proc/meminfo", "MemTotal")
    mem = f"{int(mem_kib.split()[0]) / 1024 / 1024:.0f} GiB RAM" if mem_kib else "unknown RAM"
    load = f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    return f"{os.cpu_count()} cores, {cpu}, {mem}, Python {platform.python_version()}, {platform.system()}{load}"


def record_section(heading: str, body: str, path: Path = DOCS) -> None:
    """Write ``body`` under ``heading`` (a ``## `` line), replacing that section only, atomically."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    os.replace(tmp, path)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json PATH``: also write the key figures, for bench/bench_scale.py's summary."""
    parser.add_argument("--json", type=Path, help="Also write the key figures to this JSON file.")


def write_figures(path: Path | None, figures: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
