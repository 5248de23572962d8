"""Reading documents: masking keeps every offset, languages, suppression, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxkb.checker.discover import discover, glob_match
from cxkb.checker.documents import InputError, detect_language, read_document
from cxkb.checker.masking import MASK, mask_html, mask_markdown

MARKDOWN = """\
---
title: Klantreis
lang: nl
---
# De klantreis

Tekst met `klantreis` in code en een [link](https://example.com/klantreis "klantreis").
Zie ook <https://example.org/x> en www.example.com/klantbeleving.
<!-- klantreis in commentaar -->
<b>klant</b> reis

```python
klantreis = 1
```

    klantreis in ingesprongen code

Na de code: klantreis.
"""


def test_markdown_mask_keeps_length_and_lines() -> None:
    text, lang = mask_markdown(MARKDOWN)
    assert lang == "nl"
    assert len(text) == len(MARKDOWN)
    assert [i for i, c in enumerate(text) if c == "\n"] == [i for i, c in enumerate(MARKDOWN) if c == "\n"]


def test_front_matter_ends_at_its_first_closing_line() -> None:
    """An empty front matter (``---`` twice) ends there; the text's later rules stay prose.

    The closing line found first decides, so a document read in pieces masks what the
    whole document masks.
    """
    text, _ = mask_markdown("---\n---\nDe klantreis.\n\n---\n\nDe klantbeleving.\n")
    assert text.startswith(MASK * 3 + "\n" + MASK * 3 + "\nDe klantreis.")
    assert text.endswith("De klantbeleving.\n")


def test_markdown_mask_hides_non_prose() -> None:
    text, _ = mask_markdown(MARKDOWN)
    lines = text.split("\n")
    assert MASK * 3 in lines[0] and "Klantreis" not in lines[1]  # front matter
    assert lines[4] == "# De klantreis"
    assert "`klantreis`" not in lines[6] and "Tekst met" in lines[6] and "[link]" in lines[6]
    assert "example.com" not in lines[6]
    assert "example.org" not in lines[7] and "www.example" not in lines[7]
    assert "commentaar" not in lines[8]
    assert lines[9] == "   klant     reis"  # inline tags become spaces, the words stay in place
    assert all(set(line) <= {MASK} for line in lines[11:14])  # fenced code, fences included
    assert "klantreis" not in lines[15]  # indented code
    assert lines[17] == "Na de code: klantreis."
    # every prose word is where it was
    for i, c in enumerate(text):
        assert c in (MASK, " ", "\n") or c == MARKDOWN[i]


def test_unclosed_backticks_are_literal() -> None:
    text, _ = mask_markdown("een ` los teken en klantreis\n")
    assert "klantreis" in text


def test_html_keeps_text_positions() -> None:
    html = (
        '<html lang="nl-NL"><head><title>Klantreis</title><style>p { klantreis: 1 }</style></head>\n'
        "<body><p>De <em>klant</em>reis en de\n  <a href='https://x.nl/klantreis'>klantbeleving</a>.</p>\n"
        "<pre>klantreis</pre><code>klantreis</code><script>var klantreis;</script>\n"
        "<!-- klantreis --><p>Einde &amp; klantreis</p></body></html>\n"
    )
    text, lang = mask_html(html)
    assert lang == "nl"
    assert len(text) == len(html)
    lines = text.split("\n")
    assert "Klantreis" in lines[0] and "klantreis: 1" not in lines[0]
    assert "De" in lines[1] and "klant" in lines[1] and "x.nl" not in lines[1]
    assert "klantbeleving" in lines[2]
    assert "klantreis" not in lines[3]
    assert "Einde" in lines[4] and "klantreis" in lines[4] and "&amp;" not in lines[4]
    for i, c in enumerate(text):
        assert c in (MASK, " ", "\n") or c == html[i]
    # block boundaries are hard: no phrase runs from one paragraph into the next
    assert MASK in text[text.index("Einde") - 4 : text.index("Einde")]


def test_inline_html_tags_are_soft() -> None:
    text, _ = mask_html("<p>customer <b>journey</b></p>")
    assert "customer    journey" in text


def test_docx_paragraphs_are_lines(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Eerste alinea.")
    document.add_paragraph("De klantreis staat hier.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "cel met klantbeleving"
    document.add_paragraph("Slot.")
    path = tmp_path / "doc.docx"
    document.save(path)
    doc = read_document(path, "doc.docx")
    assert doc.kind == "docx" and not doc.fixable
    offset = doc.text.index("klantreis")
    assert doc.position(offset) == (2, 4)
    assert doc.position(doc.text.index("klantbeleving")) == (3, 9)
    assert doc.position(doc.text.index("Slot")) == (5, 1)  # the empty second cell is paragraph 4


def test_broken_docx_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not a real package")
    with pytest.raises(InputError, match=r"not a readable \.docx"):
        read_document(path, "broken.docx")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dit is een tekst over de klant en het is niet moeilijk.", "nl"),
        ("This is a text about the customer and it is not hard.", "en"),
        ("12345 67890", None),
    ],
)
def test_language_detection(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_language_sources(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("---\nlang: en\n---\nDit is een tekst over de klant en het is niet moeilijk.\n", encoding="utf-8")
    assert (read_document(md).lang, read_document(md).lang_origin) == ("en", "front matter")
    assert (read_document(md, lang="nl").lang, read_document(md, lang="nl").lang_origin) == ("nl", "config")
    txt = tmp_path / "b.txt"
    txt.write_text("Dit is een tekst over de klant en het is niet moeilijk.\n", encoding="utf-8")
    assert (read_document(txt).lang, read_document(txt).lang_origin) == ("nl", "detected")
    txt.write_text("12345\n", encoding="utf-8")
    assert (read_document(txt).lang, read_document(txt).lang_origin) == ("en", "default")


def test_suppression_regions(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text(
        "een\n<!-- cxkb-check off -->\ntwee\n<!-- cxkb-check on -->\ndrie\n"
        "<!-- cxkb-check disable-next-line -->\nvier\nvijf\n<!-- cxkb-check sometimes -->\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    source = doc.source
    assert not doc.is_suppressed(source.index("een"))
    assert doc.is_suppressed(source.index("twee"))
    assert not doc.is_suppressed(source.index("drie"))
    assert doc.is_suppressed(source.index("vier"))
    assert not doc.is_suppressed(source.index("vijf"))
    ((offset, message, line, column),) = doc.suppressed.problems
    assert doc.position(offset) == (line, column) == (9, 1) and "sometimes" in message


def test_off_without_on_runs_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("een\n<!-- cxkb-check off -->\ntwee\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.is_suppressed(doc.source.index("twee"))
    assert MASK in doc.text  # the directive itself is not prose


def test_crlf_and_bom_keep_positions(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes("\ufeffeen\r\nde klantreis\r\n".encode())
    doc = read_document(path)
    assert doc.bom
    assert doc.position(doc.text.index("klantreis")) == (2, 4)


# -- bad input --------------------------------------------------------------------------------


def _error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path, path.name, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _error(path).message


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"goed\nook goed\nfout \xff hier\n")
    error = _error(path)
    assert error.line == 3 and "UTF-8" in error.message
    assert error.format().startswith("x.md:3: ")


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(content)
    assert "empty" in _error(path).message


def test_huge_line(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"kort\n" + b"a" * 5_000_000 + b"\n")
    error = _error(path)
    assert error.line == 2 and "5,000,000" in error.message


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "gone.md").message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.md"
    path.write_text("tekst\n", encoding="utf-8")
    original = os.open

    def deny(target: object, *args: object, **kwargs: object) -> int:
        if Path(str(target)) == path:
            raise PermissionError(13, "Permission denied")
        return original(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    assert "permission denied" in _error(path).message


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root can read any file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("tekst\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert "permission denied" in _error(path).message
    finally:
        path.chmod(0o644)


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("klantreis\n", encoding="utf-8")
    (tmp_path / "docs" / "self.md").symlink_to("self.md")
    (tmp_path / "docs" / "up").symlink_to("..", target_is_directory=True)
    found = discover([tmp_path / "docs"], cwd=tmp_path)
    assert [name for _, name in found.files] == ["docs/a.md"]
    messages = sorted(e.format() for e in found.errors)
    assert len(messages) == 2
    assert all("symlink loop" in m for m in messages)
    assert _error(tmp_path / "docs" / "self.md").message.startswith("symlink loop")


def test_discovery_order_globs_and_hidden_folders(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.html", "d.py", "sub/e.md", "sub/drafts/f.md", ".git/g.md", "node_modules/h.md"):
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x\n", encoding="utf-8")
    names = [n for _, n in discover([tmp_path], cwd=tmp_path).files]
    assert names == ["a.txt", "b.md", "c.html", "sub/drafts/f.md", "sub/e.md"]
    names = [n for _, n in discover([tmp_path], exclude=["drafts"], include=["*.md"], cwd=tmp_path).files]
    assert names == ["b.md", "sub/e.md"]
    # a named file is checked whatever its extension
    assert [n for _, n in discover([tmp_path / "d.py"], cwd=tmp_path).files] == ["d.py"]
    missing = discover([tmp_path / "nope"], cwd=tmp_path)
    assert missing.files == [] and "no such file" in missing.errors[0].message


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("docs/a.md", "*.md", True),
        ("docs/a.md", "docs/*.md", True),
        ("docs/x/a.md", "docs/**/a.md", True),
        ("docs/a.md", "docs/**/a.md", True),
        ("docs/a.md", "docs/", True),
        ("other/a.md", "docs/", False),
        ("docs/a.md", "*.txt", False),
    ],
)
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected
