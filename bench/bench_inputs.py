"""Big and hostile inputs: how long ``cxkb check`` and ``cxkb add`` take on them, and how much memory.

Each case runs the command in a fresh process (``PYTHONPATH`` set to ``--src``, so the
same script measures any checkout), with a wall-clock timeout and an address-space cap
that keep a runaway case from taking the machine down. Peak memory is the child's maximum
resident set size as the kernel reports it (``wait4``).

Cases:

- ``check-50mb-text``: a 50 MB text file of CX prose (many findings per line), also with
  ``--report`` (which counts every mention);
- ``check-5mb-markdown-open-fence``: a 5 MB Markdown file whose code fence never closes;
- ``check-5mb-open-comment, .txt`` / ``.md`` / ``.html``: 5 MB files in which a comment opens
  after the first paragraph and never closes;
- ``check-repeated, <what>``: a mark a pass has to pair, repeated and never paired, on one
  line of 900 KB or over many short lines: unclosed inline comments, backtick runs of ever
  new widths, unclosed checker directives, a URL without spaces, directives switching the
  checker off and on 20,000 times, 5 MB quotes (one paragraph, one list, one paragraph in a
  quote in a quote), a 5 MB
  paragraph in one list item, one in a quote in a list item, one after a closed tag and one in
  a nested list item, one after a tag left open, an HTML block whose opening line leaves a tag
  open, a paragraph in a quote in a list item in a quote, one with a link and a code span
  every hundred lines, one after a backtick that never pairs, text after front matter that
  never closes, and an indented code block, which hold no top-level block to cut at; 5 MB of
  short paragraphs after a tag left open, with a quote's ``>`` at the very end; a paragraph
  after a tag left open with a ``>`` at its end, as 5 MB of short lines and as five long
  lines (masked as one tag while a tag could run that far), and an HTML block whose opening
  line leaves a tag open, with a ``>`` at its end; and in
  HTML, a paragraph after a start tag left open and a script left open; a line of dotted words
  without spaces, which each label in it read as a host name to its end;
- ``check-9mb-varied-words``: 9 MB of lines of 14 words drawn at random from every held-out
  text (English and Dutch), so the vocabulary keeps growing where the other texts repeat;
- ``check-5-lines-of-990k-characters``: lines near the line limit, also with an emoji in
  each (four bytes a character in Python) as plain text, Markdown paragraphs, HTML and a Word
  document (each line one paragraph of one run);
- ``check-docx-1m-paragraphs``: a small .docx whose body holds a million empty paragraphs;
- ``check-docx-1gb-part``: a ~1 MB .docx whose ``word/document.xml`` unpacks to 1 GB;
- ``check-fifo``: a named pipe called ``f.md`` (no writer);
- ``check-dev-zero`` / ``check-dev-urandom``: symbolic links to the devices, named ``.md``;
- ``add-bibtex-2000`` / ``add-bibtex-10000``: BibTeX exports with that many distinct entries;
- ``add-10mb-title``: one entry with a 10 MB title;
- ``add-5mb-abstract-50k-authors``: one entry with a 5 MB abstract and 50,000 authors.

Usage::

    python bench/bench_inputs.py                          # this checkout, print a table
    python bench/bench_inputs.py --src /tmp/old/src --json before.json --timeout 150
    python bench/bench_inputs.py --json after.json --write-docs --before before.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from common import machine, record_section

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Big and hostile inputs"
SEED = 20240701
ADDRESS_SPACE_CAP = 8 * 1024**3
_WORD_TEXT = (
    "customer experience journey touchpoint service design value co-creation satisfaction loyalty "
    "emotion employee context measurement management engagement technology online self-service robot "
    "platform trust quality encounter frontline retail banking hospitality health digital omnichannel "
    "brand memory peak moment recovery failure complaint feedback survey index net promoter score "
    "ecosystem network actor resource practice routine ritual sensory atmosphere store app chatbot"
)
WORDS = _WORD_TEXT.split()


@dataclass
class Outcome:
    case: str
    size: str
    seconds: float
    peak_mb: float
    exit: int | None
    note: str


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def run_case(argv: list[str], src: Path, timeout: float, cwd: Path) -> tuple[float, float, int | None, str, str]:
    """Run ``cxkb argv``; wall seconds, peak RSS in MB, exit code (None if stopped), stdout, stderr."""
    env = dict(os.environ, PYTHONPATH=str(src))
    script = "import sys; from cxkb.cli import run; sys.argv[0] = 'cxkb'; run()"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            preexec_fn=_cap_memory,
            start_new_session=True,
        )
        code: int | None = None
        rss_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                rss_kb = usage.ru_maxrss
                break
            if time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, usage = os.wait4(proc.pid, 0)
                rss_kb = usage.ru_maxrss
                break
            time.sleep(0.05)
        proc.returncode = code if code is not None else -9  # reaped here; keep Popen from waiting again
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return (
            seconds,
            rss_kb / 1024,
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


# -- inputs ---------------------------------------------------------------------------------


def make_text(path: Path, megabytes: int) -> None:
    rng = random.Random(SEED)
    lines = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".\n" for _ in range(2000)]
    block = "".join(lines).encode()
    with path.open("wb") as fh:
        written = 0
        while written < megabytes * 1_000_000:
            fh.write(block)
            written += len(block)


def make_varied(path: Path, megabytes: int) -> None:
    """Words of the held-out texts in random order: a vocabulary as varied as real prose."""
    words: list[str] = []
    for source in sorted((REPO / "tests" / "heldout" / "texts").iterdir()):
        words += source.read_text(encoding="utf-8").split()
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as fh:
        written = 0
        while written < megabytes * 1_000_000:
            line = " ".join(rng.sample(words, 14)) + "\n"
            fh.write(line)
            written += len(line.encode())


def make_open_fence(path: Path, megabytes: int) -> None:
    """A paragraph, then a code fence that runs to the end: every line after it is code."""
    make_text(path, megabytes)
    body = path.read_bytes()
    path.write_bytes(b"The customer journey, in code.\n\n```text\n" + body)


def make_open_comment(path: Path, megabytes: int) -> None:
    """A paragraph, then a comment that runs to the end: hidden in Markdown and HTML, text in plain text."""
    make_text(path, megabytes)
    body = path.read_bytes()
    first = b"<p>The customer journey.</p>\n" if path.suffix == ".html" else b"The customer journey.\n\n"
    path.write_bytes(first + b"<!-- notes\n" + body)


def _five_mb(head: str, tail: str = "") -> tuple[str, str, int, bool, str]:
    """A ``check-repeated`` case: ``head``, then 5 MB of lines of Dutch prose with a label in each,
    then ``tail``."""
    return head, "klantreis en nog wat tekst\n", 5_000_000, True, tail


REPEATED = {
    "unclosed inline comments, .md": ("", "klantreis <!-- ", 900_000, False),
    "backtick runs of new widths, .md": (
        "".join("`" * k + " klantreis " for k in range(3, 200)),
        "` klantreis ",
        900_000,
        False,
    ),
    "unclosed directives, .txt": ("", "<!-- cxkb-check klantreis ", 900_000, False),
    "a URL without spaces, .txt": ("", "https://x.nl/klantreis(", 900_000, False),
    "directives off and on, .md": ("", "<!-- cxkb-check off -->klantreis<!-- cxkb-check on -->\n", 1_100_000, True),
    "a 5 MB quote paragraph, .md": ("", "> klantreis en nog wat tekst\n", 5_000_000, True),
    "a 5 MB list in a quote, .md": ("", "> - klantreis en nog wat tekst\n", 5_000_000, True),
    "a 5 MB paragraph in a quote in a quote, .md": ("", "> > klantreis en nog wat tekst\n", 5_000_000, True),
    "a 5 MB paragraph in one list item, .md": ("- klantreis\n", "  klantreis en nog wat tekst\n", 5_000_000, True),
    "a 5 MB paragraph after a tag, .md": _five_mb("Een regel<br>\n"),
    "a 5 MB paragraph in a quote in a list item, .md": (
        "- klantreis\n",
        "  > klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB paragraph after an unclosed inline comment, .md": _five_mb("Een <!-- opmerking\n"),
    "a 5 MB text after an unclosed directive, .txt": _five_mb("<!-- cxkb-check off\n"),
    "a 5 MB paragraph in a list item in a quote, .md": (
        "> - klantreis\n",
        ">   klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB paragraph in a nested list item in a quote, .md": (
        "> - a\n>   - klantreis\n",
        ">     klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB quote paragraph in lazy lines, .md": _five_mb("> klantreis\n"),
    "a 5 MB HTML block, .md": _five_mb("Een regel.\n\n<div>\n"),
    "a 5 MB paragraph after a tag left open, .md": _five_mb("Een <span klantreis\n"),
    "5 MB of paragraphs after a tag left open, a quote at the end, .md": (
        "Als a <b dan.\n\n",
        "klantreis en nog wat tekst.\n\n",
        5_000_000,
        True,
        "> Een citaat.\n",
    ),
    "a 5 MB paragraph after a tag left open, a > at the end, .md": _five_mb("Een <span klantreis\n", "einde >\n"),
    "five long lines after a tag left open, a > at the end, .md": (
        "Een <b class=x ",
        "klantreis en nog wat tekst " * 33_000 + "\n",
        4_455_020,
        True,
        "einde >\n",
    ),
    "a 5 MB HTML block whose opening line leaves a tag open, .md": _five_mb("Een regel.\n\n<div class='x\n"),
    "a 5 MB HTML block whose opening line leaves a tag open, a > at the end, .md": _five_mb(
        "Een regel.\n\n<div class='x\n", "einde >\n"
    ),
    "a 5 MB paragraph in a quote in a list item in a quote, .md": (
        "> - a\n>   > klantreis\n",
        ">   > klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB paragraph in a nested list item, .md": (
        "- a\n  - klantreis\n",
        "    klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB paragraph after a backtick left open, .md": _five_mb("Om 5 o`clock\n"),
    "a 5 MB text after front matter left open, .md": _five_mb("---\ntitle: x\n\n"),
    "a 5 MB indented code block, .md": ("Intro.\n\n", "    klantreis en nog wat tekst\n", 5_000_000, True),
    "dotted words without spaces, .txt": ("", "klantreis.", 990_000, False),
    "five lines of dotted words without spaces, .txt": ("", "klantreis." * 99_000 + "\n", 4_950_005, True),
    "five lines of hyphenated words without spaces, .txt": ("", "klantreis-" * 99_000 + "\n", 4_950_005, True),
    "five lines of an abbreviation joined by hyphens, .txt": ("", "CX-" * 330_000 + "\n", 4_950_005, True),
    "five lines of an abbreviation with only spaces between, .txt": ("", "CX " * 330_000 + "\n", 4_950_005, True),
    "five lines of hyphenated phrases without spaces, .txt": (
        "",
        "customer-insight-team-" * 45_000 + "\n",
        4_950_005,
        True,
    ),
    "a line of hyphenated words, then 4 MB of prose, .txt": (
        "klantreis-" * 99_000 + "\n",
        "klantreis en nog wat tekst\n",
        5_000_000,
        True,
    ),
    "a 5 MB paragraph after a tag left open, .html": _five_mb("<p>Een <b\n"),
    "a 5 MB script left open, .html": _five_mb("<p>Klantreis</p><script>\n"),
    "a 5 MB paragraph with links and code, .md": (
        "",
        "Zie [de klantreis](https://klant.nl/reis) en `code`\n" + "klantreis en nog wat tekst\n" * 99,
        5_000_000,
        True,
    ),
}
"""A head, the unit repeated after it, the size in characters, and whether the text has many lines
(else it is one line). The backtick case's head has a run of each width once; the single ones
after it pair with each other."""


def make_repeated(path: Path, what: str) -> None:
    """The ``check-repeated`` input ``what`` (see :data:`REPEATED`)."""
    head, unit, chars, lines, *tail = REPEATED[what]
    text = head + unit * ((chars - len(head)) // len(unit)) + "".join(tail)
    path.write_text(text if lines else text + "\n", encoding="utf-8")


def make_long_lines(path: Path, lines: int, chars: int, emoji: bool = False) -> None:
    """Lines just under the checker's line limit: a page or a chat log pasted without breaks.

    With ``emoji`` each line starts with one, so Python holds the line at four bytes a
    character; a Markdown file gets a blank line between lines (each a paragraph), an HTML
    file a paragraph element around each.
    """
    rng = random.Random(SEED)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(2000)]
    open_, close, between = ("<p>", "</p>", "\n") if path.suffix == ".html" else ("", "", "\n")
    if path.suffix == ".md":
        between = "\n\n"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(lines):
            line, n = ["\N{GRINNING FACE}"] if emoji else [], 0
            while n < chars - 200:
                sentence = sentences[len(line) % len(sentences)]
                line.append(sentence)
                n += len(sentence) + 1
            fh.write(open_ + " ".join(line) + close + (between if i < lines - 1 else "\n"))


def make_matches_line(path: Path, count: int) -> None:
    """One line in which every word is a match: the taxonomy's abbreviation in brackets."""
    path.write_text(" ".join(["(CX)"] * count) + "\n", encoding="utf-8")


def _docx_skeleton() -> dict[str, bytes]:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as z:
        return {name: z.read(name) for name in z.namelist()}


_BODY_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_BODY_CLOSE = b"</w:body></w:document>"


def make_docx(path: Path, write_body: Callable[[io.BufferedIOBase], None]) -> None:
    parts = _docx_skeleton()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            if name == "word/document.xml":
                with z.open(name, "w", force_zip64=True) as fh:
                    write_body(fh)  # type: ignore[arg-type]
            else:
                z.writestr(name, data)


def paragraphs_body(count: int) -> Callable[[io.BufferedIOBase], None]:
    def write(fh: io.BufferedIOBase) -> None:
        fh.write(_BODY_OPEN)
        chunk = b"<w:p><w:r><w:t>A customer journey.</w:t></w:r></w:p>" * 10_000
        for _ in range(count // 10_000):
            fh.write(chunk)
        fh.write(_BODY_CLOSE)

    return write


def lines_body(source: Path) -> Callable[[io.BufferedIOBase], None]:
    """Each line of a text file as one paragraph of one run (Word's worst case: one text node)."""

    def write(fh: io.BufferedIOBase) -> None:
        fh.write(_BODY_OPEN)
        with source.open(encoding="utf-8") as lines:
            for line in lines:
                text = escape(line.rstrip("\n")).encode("utf-8")
                fh.write(b"<w:p><w:r><w:t xml:space='preserve'>" + text + b"</w:t></w:r></w:p>")
        fh.write(_BODY_CLOSE)

    return write


def big_text_body(megabytes: int) -> Callable[[io.BufferedIOBase], None]:
    def write(fh: io.BufferedIOBase) -> None:
        fh.write(_BODY_OPEN + b"<w:p><w:r><w:t>")
        chunk = b"a" * 1_000_000
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</w:t></w:r></w:p>" + _BODY_CLOSE)

    return write


def _vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Pronounceable made-up words: titles as varied as real ones, without a word list."""
    onsets, vowels, codas = (
        ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "st", "tr", "pl", "gr"],
        ["a", "e", "i", "o", "u", "ou", "ie"],
        "n r s t l m ng",
    )
    words = {
        "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3))) + rng.choice(codas.split())
        for _ in range(size)
    }
    return sorted(words)


def bibtex_entries(count: int) -> str:
    """Distinct entries: titles mix CX words with varied made-up words, as real titles mix common and rare words."""
    rng = random.Random(SEED + count)
    vocabulary = _vocabulary(rng)
    families = [f"{a}{b}" for a in ("Van", "De", "Ber", "Kol", "Mar", "Sil", "Tor", "Lem") for b in "aeiou"]
    out = []
    for i in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(4)) + " " + " ".join(rng.sample(vocabulary, 5))
        author = f"{rng.choice(families)}{i % 97}, {rng.choice('ABCDEFGH')}."
        out.append(
            f"@article{{e{i},\n  author = {{{author}}},\n  title = {{{title.capitalize()}}},\n"
            f"  journal = {{Journal of Service Research}},\n  year = {{{rng.randint(1990, 2023)}}},\n"
            f"  doi = {{10.9999/bench.{i}}},\n  keywords = {{customer experience}}\n}}\n"
        )
    return "\n".join(out)


def big_field_entry(title_mb: float = 0, abstract_mb: float = 0, authors: int = 1) -> str:
    title = ("Customer experience " * int(title_mb * 1_000_000 / 20 + 1))[: int(title_mb * 1_000_000)] or "A title"
    names = " and ".join(f"Family{i}, Given" for i in range(authors))
    abstract = ("An abstract sentence about service. " * int(abstract_mb * 1_000_000 / 36 + 1))[
        : int(abstract_mb * 1_000_000)
    ]
    fields = f"  author = {{{names}}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = {{2020}},\n"
    if abstract:
        fields += f"  abstract = {{{abstract}}},\n"
    return f"@article{{big,\n{fields}  doi = {{10.9999/big}}\n}}\n"


def mini_root(target: Path) -> Path:
    """A repository-shaped folder with the test fixture's small tables (what ``cxkb add`` writes to)."""
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", target)
    for name in ("cxkb.ttl", "shapes.ttl"):
        shutil.copy(REPO / "ontology" / name, target / "ontology" / name)
    return target


ADD_FLAGS = ["--topic", "customer-emotions", "--keyword", "customer experience", "--note", "Bench entry.", "--dry-run"]


def _first_line(text: str, limit: int = 90) -> str:
    for line in reversed(text.strip().splitlines()):
        if line.strip():
            line = " ".join(line.split())
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def cases(work: Path) -> list[tuple[str, str, list[str], Callable[[str, str], str]]]:
    """(name, input size, argv, how to summarise stdout/stderr) for every case."""
    root = REPO
    kb = mini_root(work / "kb")
    text = work / "big.md"
    make_text(text, 50)
    para = work / "paragraphs.docx"
    make_docx(para, paragraphs_body(1_000_000))
    bomb = work / "bomb.docx"
    make_docx(bomb, big_text_body(1000))
    long_lines = work / "long-lines.txt"
    make_long_lines(long_lines, 5, 990_000)
    emoji = {kind: work / f"long-lines-emoji.{kind}" for kind in ("txt", "md", "html")}
    for path in emoji.values():
        make_long_lines(path, 5, 990_000, emoji=True)
    emoji["docx"] = work / "long-lines-emoji.docx"
    make_docx(emoji["docx"], lines_body(emoji["txt"]))
    varied = work / "varied-words.txt"
    make_varied(varied, 9)
    fence = work / "open-fence.md"
    make_open_fence(fence, 5)
    comments = {kind: work / f"open-comment.{kind}" for kind in ("txt", "md", "html")}
    for path in comments.values():
        make_open_comment(path, 5)
    repeated = {what: work / f"repeated-{i}{what[what.rindex('.') :]}" for i, what in enumerate(REPEATED)}
    for what, path in repeated.items():
        make_repeated(path, what)
    matches = work / "matches-line.txt"
    make_matches_line(matches, 200_000)
    fifo = work / "fifo" / "f.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    zero = work / "zero.md"
    zero.symlink_to("/dev/zero")
    rand = work / "urandom.md"
    rand.symlink_to("/dev/urandom")
    bib: dict[str, Path] = {}
    for n in (2000, 10000):
        bib[str(n)] = work / f"entries-{n}.bib"
        bib[str(n)].write_text(bibtex_entries(n), encoding="utf-8")
    title = work / "title.bib"
    title.write_text(big_field_entry(title_mb=10), encoding="utf-8")
    abstract = work / "abstract.bib"
    abstract.write_text(big_field_entry(abstract_mb=5, authors=50_000), encoding="utf-8")

    def check_note(out: str, err: str) -> str:
        findings = sum(1 for line in out.splitlines() if "] " in line)
        refused = [line.split(": ", 2)[-1] for line in err.splitlines() if line.startswith("error: ")]
        return f"refused: {_first_line(refused[0])}" if refused else f"{findings:,} finding lines"

    def add_note(out: str, err: str) -> str:
        added = sum(1 for line in err.splitlines() if line.startswith("would add "))
        return f"{added:,} would be added" if added else f"refused: {_first_line(out.split(': ', 2)[-1])}"

    def mb(p: Path) -> str:
        return f"{p.stat().st_size / 1e6:,.1f} MB"

    check = ["check", "--root", str(root), "--format", "text"]
    raised = ["--max-file-size", "30MB", "--max-docx-part-size", "100MB"]
    return [
        ("check-50mb-text", mb(text), [*check, str(text)], check_note),
        ("check-50mb-text, limit 60MB", mb(text), [*check, "--max-file-size", "60MB", str(text)], check_note),
        ("check-50mb-text, limit 60MB, --report", mb(text),
         [*check, "--max-file-size", "60MB", "--report", str(text)], check_note),
        ("check-9mb-varied-words", mb(varied), [*check, str(varied)], check_note),
        ("check-5mb-markdown-open-fence", mb(fence), [*check, str(fence)], check_note),
        *(
            (f"check-5mb-open-comment, .{kind}", mb(path), [*check, str(path)], check_note)
            for kind, path in comments.items()
        ),
        *(
            (f"check-repeated, {what}", mb(path), [*check, str(path)], check_note)
            for what, path in repeated.items()
        ),
        ("check-docx-1m-paragraphs", mb(para), [*check, str(para)], check_note),
        ("check-docx-1m-paragraphs, limits 30MB/100MB", mb(para), [*check, *raised, str(para)], check_note),
        ("check-docx-1gb-part", mb(bomb), [*check, str(bomb)], check_note),
        ("check-5-lines-of-990k-characters", mb(long_lines), [*check, str(long_lines)], check_note),
        *(
            (f"check-5-lines-of-990k-characters-with-an-emoji, .{kind}", mb(path), [*check, str(path)], check_note)
            for kind, path in emoji.items()
        ),
        ("check-line-of-200k-matches", mb(matches), [*check, str(matches)], check_note),
        ("check-fifo", "named pipe", [*check, str(fifo)], check_note),
        ("check-dev-zero", "link to /dev/zero", [*check, str(zero)], check_note),
        ("check-dev-urandom", "link to /dev/urandom", [*check, str(rand)], check_note),
        ("add-bibtex-2000", mb(bib["2000"]), ["add", "--root", str(kb), "--bibtex", str(bib["2000"]), *ADD_FLAGS],
         add_note),
        ("add-bibtex-10000", mb(bib["10000"]),
         ["add", "--root", str(kb), "--bibtex", str(bib["10000"]), *ADD_FLAGS], add_note),
        ("add-10mb-title", mb(title), ["add", "--root", str(kb), "--bibtex", str(title), *ADD_FLAGS], add_note),
        ("add-5mb-abstract-50k-authors", mb(abstract),
         ["add", "--root", str(kb), "--bibtex", str(abstract), *ADD_FLAGS], add_note),
    ]  # fmt: skip


def measure(src: Path, timeout: float, only: set[str] | None) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="cxkb-bench-inputs-") as tmp:
        work = Path(tmp)
        for name, size, argv, note in cases(work):
            if only and name not in only:
                continue
            seconds, peak, code, out, err = run_case(argv, src, timeout, work)
            stopped = f"stopped after {timeout:.0f} s" if code is None else ""
            outcome = Outcome(name, size, round(seconds, 2), round(peak, 1), code, stopped or note(out, err))
            outcomes.append(outcome)
            print(f"{name:32} {size:>22} {seconds:8.2f} s {peak:9.1f} MB  exit {code}  {outcome.note}", flush=True)
    return outcomes


def _cell(o: Outcome | None) -> str:
    if o is None:
        return "—"
    time_text = f"> {o.seconds:.0f} s" if o.exit is None else f"{o.seconds:.2f} s"
    return f"{time_text}, {o.peak_mb:,.0f} MB, exit {o.exit if o.exit is not None else 'killed'}"


def table(after: list[Outcome], before: list[Outcome] | None) -> str:
    old = {o.case: o for o in before or []}
    lines = [
        "| case | input | before | after | after: outcome |",
        "|---|---|---|---|---|",
    ]
    for o in after:
        lines.append(f"| {o.case} | {o.size} | {_cell(old.get(o.case))} | {_cell(o)} | {o.note.replace('|', '/')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=REPO / "src", help="The src folder of the checkout to measure.")
    parser.add_argument("--timeout", type=float, default=150.0, help="Seconds before a case is stopped.")
    parser.add_argument("--only", action="append", help="Run only this case (repeatable).")
    parser.add_argument("--json", type=Path, help="Write the outcomes to this JSON file.")
    parser.add_argument("--before", type=Path, help="Outcomes of an earlier run (JSON), shown side by side.")
    parser.add_argument("--before-label", default="5fea446", help="What the earlier run measured.")
    parser.add_argument("--write-docs", action="store_true", help="Record the table in docs/benchmarks.md.")
    args = parser.parse_args()
    host = machine()
    outcomes = measure(args.src.resolve(), args.timeout, set(args.only) if args.only else None)
    if args.json:
        tmp = args.json.with_name(f".{args.json.name}.tmp")
        tmp.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, args.json)
    before = [Outcome(**o) for o in json.loads(args.before.read_text(encoding="utf-8"))] if args.before else None
    text = table(outcomes, before)
    print()
    print(text)
    if args.write_docs:
        body = (
            f"Machine: {host}.\n\n"
            f"`python bench/bench_inputs.py` (each case a fresh `cxkb` process, {args.timeout:.0f} s timeout, "
            f"address space capped at {ADDRESS_SPACE_CAP // 1024**3} GiB; peak = maximum resident set size). "
            f"*Before* is commit {args.before_label}, *after* this checkout.\n\n{text}"
        )
        record_section(HEADING, body)


if __name__ == "__main__":
    main()
