"""Shared fixtures: a throw-away copy of a small knowledge base, the real repository, a browser."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
CHROMIUM = Path(os.environ.get("CXKB_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps trying to reach outside hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))
# `make test-fast`: the edit-loop tier. No browser, no JVM: HermiT's consistency check of the
# schema and taxonomy is taken as passed (the chain rule, pure Python, still infers what the
# graph states), and tests marked `reasoner` (they are about HermiT itself) are left out.
FAST = bool(os.environ.get("CXKB_FAST"))


if FAST:  # property tests that set no count of their own draw a quarter of Hypothesis's 100 too
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("fast", max_examples=25)
    _hypothesis_settings.load_profile("fast")


def examples(n: int) -> int:
    """How many examples a property test draws: ``n`` in ``make test``, a quarter of it (at least
    ten) in the fast tier, which samples the inputs as it samples the hostile payloads."""
    return max(10, n // 4) if FAST else n


@pytest.fixture(scope="session", autouse=True)
def _no_jvm_in_the_fast_tier() -> Iterator[None]:
    if not FAST:
        yield
        return
    from cxkb.kg import build, reason

    class AssumedConsistent:
        def __init__(self, lines: object) -> None:
            pass

        def wait(self) -> None:
            return None

        def cancel(self) -> None:
            return None

    def no_hermit(*args: object, **kwargs: object) -> object:
        pytest.skip("needs HermiT over the whole graph (a JVM): run `make test`")

    def wait_without_remembering(self: build._Reasoning) -> None:
        self.consistency = None  # an assumed answer is never remembered as HermiT's

    saved = (reason.ConsistencyCheck, reason.materialise_hermit, build._Reasoning.wait)
    reason.ConsistencyCheck = AssumedConsistent  # type: ignore[assignment, misc]
    reason.materialise_hermit = no_hermit  # type: ignore[assignment]
    build._Reasoning.wait = wait_without_remembering  # type: ignore[method-assign]
    try:
        yield
    finally:
        reason.ConsistencyCheck, reason.materialise_hermit, build._Reasoning.wait = saved  # type: ignore[misc]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not FAST:
        return
    skip = pytest.mark.skip(reason="not in the fast tier (browser, JVM or slow): run `make test`")
    for item in items:
        marked = item.get_closest_marker("reasoner") or item.get_closest_marker("slow")
        if item.path.name.endswith("_browser.py") or marked:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole run.

    Playwright's sync API allows one running instance per thread, so every browser test
    shares this one. Without Chromium the tests are skipped, except under CI, where a
    missing browser is a failure.
    """
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"CI must install Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the playwright package: pip install playwright")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def built(root: Path) -> Path:
    """``root`` with a current release: built now unless the one there matches the sources."""
    import fcntl

    from cxkb.kg.build import build
    from cxkb.release import status

    # `make test-fast` runs two workers; the first to find the release stale builds it while
    # the other waits, then finds it current.
    (root / "build").mkdir(exist_ok=True)
    with (root / "build" / ".tests.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if status(root):
            build(root)
    return root


_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
"""One test run: the same for every pytest-xdist worker of a run, new for each serial run."""


def built_book(root: Path) -> Path:
    """The index page of ``root``'s book, built at most once per test run.

    Several test files browse the same book, and under `make test` they run on two workers at
    once. The first to get here builds the book (from a current release) while the others wait;
    they then find it built in this run and browse it as it is, so no build replaces the pages
    under a test that is reading them.
    """
    import fcntl

    from cxkb.book.build import build_book

    current = built(root)  # the root, its release now up to date
    html = root / "book" / "_build" / "html"
    stamp = root / "build" / ".tests-book-run"
    with (root / "build" / ".tests-book.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (html / "index.html").exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == _RUN:
            return html / "index.html"
        stamp.unlink(missing_ok=True)
        index = build_book(current)
        stamp.write_text(_RUN, encoding="utf-8")
        return index


def make_root(tmp_path: Path, tables_from: Path = MINI) -> Path:
    """A repository-shaped folder: the real schema and shapes, with tables from a fixture."""
    root = tmp_path / "kb"
    shutil.copytree(tables_from, root)
    for name in ("cxkb.ttl", "shapes.ttl"):
        shutil.copy(REPO / "ontology" / name, root / "ontology" / name)
    return root


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    return make_root(tmp_path)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
