"""``cxkb check`` limits: only regular files, bounded sizes, bounded findings; refusals never end the run."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from check_support import make_check_root
from cxkb.checker.config import ConfigError, load_config, parse_size
from cxkb.checker.documents import InputError, read_document
from cxkb.cli import app

runner = CliRunner()
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_check_root(tmp_path_factory.mktemp("limits"))


def invoke(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["check", "--root", str(root), "--lang", "nl", *args])


def cxkb_check(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command in its own process, so a hang is a failed test and not a stuck run."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    code = "import sys; from cxkb.cli import run; sys.argv[0] = 'cxkb'; run()"
    return subprocess.run(
        [sys.executable, "-c", code, "check", "--root", str(root), "--lang", "nl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


# -- only regular files ------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_devices_and_links_to_devices_are_refused_and_the_run_goes_on(root: Path, tmp_path: Path) -> None:
    (tmp_path / "f.md").parent.mkdir(exist_ok=True)
    os.mkfifo(tmp_path / "f.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    (tmp_path / "random.md").symlink_to("/dev/urandom")
    folder = tmp_path / "docs"
    folder.mkdir()
    os.mkfifo(folder / "pipe.md")
    (folder / "null.md").symlink_to("/dev/null")  # another device: links to one target are checked once
    (folder / "good.md").write_text("De klantreis.\n", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("De klantreis.\n", encoding="utf-8")
    started = time.monotonic()
    names = ("f.md", "zero.md", "random.md", "docs", "good.md")
    done = cxkb_check(root, *(str(tmp_path / n) for n in names))
    assert time.monotonic() - started < 30
    assert done.returncode == 2, done.stderr
    assert "good.md:1:4: info [preferred]" in done.stdout
    assert "docs/good.md:1:4" in done.stdout
    for name, what in [
        ("f.md", "named pipe"),
        ("zero.md", "character device"),
        ("random.md", "character device"),
        ("pipe.md", "named pipe"),
        ("null.md", "character device"),
    ]:
        lines = done.stderr.splitlines()
        assert any(name in line and what in line and "not a regular file" in line for line in lines), done.stderr
    assert "2 file(s) checked" in done.stderr and "5 input error(s)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_document_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match="named pipe"):
        read_document(tmp_path / "pipe.txt", "pipe.txt")


def test_an_unreadable_file_named_on_the_command_line_is_one_input_error(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the option parser would refuse (missing, unreadable, a folder of nothing) is reported, not fatal."""
    locked = tmp_path / "locked.md"
    locked.write_text("De klantreis.\n", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("De klantreis.\n", encoding="utf-8")
    original = os.open

    def deny(target: object, *args: object, **kwargs: object) -> int:
        if Path(str(target)).name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return original(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    result = invoke(root, str(tmp_path / "missing.md"), str(locked), str(good), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert sorted(e["path"].rsplit("/", 1)[-1] for e in data["input_errors"]) == ["locked.md", "missing.md"]
    assert [d["path"].rsplit("/", 1)[-1] for d in data["documents"]] == ["good.md"]
    assert "Usage:" not in result.output


# -- sizes ---------------------------------------------------------------------------------------


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(InputError):
            action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(root: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"De klantreis.\n" * 200)  # 2,800 bytes
    good = tmp_path / "good.md"
    good.write_text("De klantreis.\n", encoding="utf-8")
    result = invoke(root, str(big), str(good), "--max-file-size", "1kB")
    assert result.exit_code == 2
    assert "big.md: file is 2,800 bytes, over the limit of 1,000 bytes (max-file-size)" in result.stderr
    assert "good.md:1:4" in result.stdout
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(200_000_000)  # sparse: 200 MB that cost no disk
    peak = _peak(lambda: read_document(huge, "huge.txt"))
    assert peak < 5_000_000


def test_the_size_limits_come_from_the_settings_file(root: Path, tmp_path: Path) -> None:
    (tmp_path / ".cxkb-check.toml").write_text(
        'max-file-size = "1kB"\nmax-findings = 2\nmax-docx-part-size = 5000\n', encoding="utf-8"
    )
    settings = load_config(cwd=tmp_path)
    assert (settings.max_file_size, settings.max_findings, settings.max_docx_part_size) == (1000, 2, 5000)
    (tmp_path / ".cxkb-check.toml").write_text('language = "nl"\n\nmax-file-size = "lots"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tmp_path)
    assert info.value.line == 3 and "max-file-size" in info.value.message


@pytest.mark.parametrize(
    ("text", "size"),
    [("10MB", 10_000_000), ("500 kB", 500_000), ("2g", 2_000_000_000), (1234, 1234), ("1.5M", 1_500_000)],
)
def test_parse_size(text: object, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["", "ten", "-5", 0, True, "5 TB", 1.5])
def test_parse_size_refuses(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_size(bad)


def _docx(path: Path, body: Callable[[io.BufferedIOBase], None]) -> Path:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name == "word/document.xml":
                with z.open(name, "w", force_zip64=True) as fh:
                    body(fh)  # type: ignore[arg-type]
            else:
                z.writestr(name, data)
    return path


HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
TAIL = b"</w:body></w:document>"


def test_a_docx_part_that_unpacks_past_the_limit_is_refused_unread(root: Path, tmp_path: Path) -> None:
    pytest.importorskip("docx")

    def huge(fh: io.BufferedIOBase) -> None:
        fh.write(HEAD + b"<w:p><w:r><w:t>")
        for _ in range(60):
            fh.write(b"a" * 1_000_000)
        fh.write(b"</w:t></w:r></w:p>" + TAIL)

    bomb = _docx(tmp_path / "bomb.docx", huge)
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    peak = _peak(lambda: read_document(bomb, "bomb.docx"))
    assert time.monotonic() - started < 5 and peak < 10_000_000
    with pytest.raises(InputError, match=r"word/document.xml unpacks to 60,000,\d{3} bytes.*max-docx-part-size"):
        read_document(bomb, "bomb.docx")
    good = tmp_path / "good.md"
    good.write_text("De klantreis.\n", encoding="utf-8")
    result = invoke(root, str(bomb), str(good), "--max-docx-part-size", "20MB")
    assert result.exit_code == 2 and "bomb.docx: word/document.xml unpacks to" in result.stderr
    assert "good.md:1:4" in result.stdout


def test_many_paragraphs_are_streamed(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    count = 100_000

    def paragraphs(fh: io.BufferedIOBase) -> None:
        fh.write(HEAD)
        fh.write(b"<w:p><w:r><w:t>De klantreis.</w:t></w:r></w:p>" * count)
        fh.write(TAIL)

    path = _docx(tmp_path / "many.docx", paragraphs)
    tracemalloc.start()
    try:
        doc = read_document(path, "many.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.source.count("\n") == count - 1
    assert doc.position(doc.source.rindex("klantreis")) == (count, 4)
    assert peak < 60_000_000  # the text and its line index; python-docx's tree took about 700 MB here
    with pytest.raises(InputError, match=r"text of this \.docx is over 100,000 characters"):
        read_document(path, "many.docx", max_size=100_000)


def test_a_broken_docx_part_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    path = _docx(tmp_path / "cut.docx", lambda fh: fh.write(HEAD + b"<w:p><w:r><w:t>half"))
    with pytest.raises(InputError, match=r"not a readable \.docx file \(XML error in word/document.xml"):
        read_document(path, "cut.docx")
    with zipfile.ZipFile(tmp_path / "norels.docx", "w") as z:
        z.writestr("word/document.xml", HEAD + TAIL)
    with pytest.raises(InputError, match=r"no _rels/.rels"):
        read_document(tmp_path / "norels.docx", "norels.docx")


# -- findings ------------------------------------------------------------------------------------


def test_findings_per_file_are_capped_with_a_summary_line(root: Path, tmp_path: Path) -> None:
    doc = tmp_path / "many.md"
    doc.write_text("De klantreis en de klantreis.\n" * 30 + "De tevredenheidsindex is oud.\n", encoding="utf-8")
    result = invoke(root, str(doc), "--max-findings", "5", "--format", "json")
    data = json.loads(result.stdout)
    findings = data["findings"]
    assert len(findings) == 6
    summary = [f for f in findings if f["code"] == "too-many-findings"]
    assert len(summary) == 1
    assert "61 findings in this file, over the limit of 5" in summary[0]["message"]
    assert "56 more not listed (56 info)" in summary[0]["message"]
    assert any(f["code"] == "deprecated" for f in findings)  # the most serious finding is kept
    assert summary[0]["level"] == "info"
    assert result.exit_code == 1  # the kept error still fails the run
    quiet = invoke(root, str(doc), "--max-findings", "1", "--fail-level", "info")
    assert quiet.exit_code == 1
    codes = sorted(line.split(" [")[1].split("]")[0] for line in quiet.stdout.splitlines())
    assert codes == ["deprecated", "too-many-findings"]


def test_help_documents_the_limits() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for words in ("--max-file-size", "--max-docx-part-size", "--max-findings", "only regular files are read"):
        assert words in text
