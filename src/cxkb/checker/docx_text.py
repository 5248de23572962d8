"""The text of a Word document (.docx): its paragraphs, one per line, read as a stream.

A .docx is a zip archive whose main part is WordprocessingML. Only the paragraph texts are
needed, so the part is parsed with lxml's ``iterparse`` and each paragraph is handed on and
dropped from the tree as soon as its text is taken: memory stays that of one paragraph
whatever the document's length, which lets :class:`cxkb.checker.reader.StreamedFile` check a
long document piece by piece as it does plain text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from cxkb.checker.documents import MAX_DOCX_PART_SIZE, MAX_FILE_SIZE, InputError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _R, _T, _HYPERLINK = f"{_W}p", f"{_W}r", f"{_W}t", f"{_W}hyperlink"
_RUN_BREAKS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": " ", f"{_W}cr": " ", f"{_W}noBreakHyphen": "-"}
_OFFICE_DOCUMENT = "/officeDocument"


def docx_paragraphs(
    file: BinaryIO, shown: str, *, max_part: int = MAX_DOCX_PART_SIZE, max_chars: int = MAX_FILE_SIZE
) -> Iterator[str]:
    """Paragraph texts in document order (body paragraphs and table cells); a document's lines.

    The main part is streamed with lxml's ``iterparse`` and every paragraph is dropped from
    the tree once its text is taken, so memory stays proportional to one paragraph, not to
    the document (python-docx builds the whole tree: a million empty paragraphs took
    gigabytes). Sizes come from the zip directory before anything is unpacked; zipfile
    stops at that size, so a member cannot unpack to more than it declares.
    """
    from lxml import etree

    try:
        package = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError(shown, f"not a readable .docx file ({type(exc).__name__})") from None
    with package:
        name = _main_part(package, shown, max_part)
        info = _member(package, name, shown, max_part)
        chars = 0
        depth = 0
        try:
            with package.open(info) as stream:
                events = etree.iterparse(
                    stream,
                    events=("start", "end"),
                    tag=_P,
                    resolve_entities=False,
                    no_network=True,
                    load_dtd=False,
                    huge_tree=False,
                )
                for event, element in events:
                    if event == "start":
                        depth += 1
                        continue
                    depth -= 1
                    if depth:
                        continue  # a paragraph inside a text box: its outer paragraph holds it
                    text = _paragraph_text(element)
                    chars += len(text) + 1
                    if chars > max_chars:
                        raise InputError(
                            shown,
                            f"the text of this .docx is over {max_chars:,} characters (max-file-size): not checked",
                        )
                    element.clear(keep_tail=False)  # before the paragraph is checked, not after
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
                    yield text
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or 0
            raise InputError(shown, f"not a readable .docx file (XML error in {name} at line {line})") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise InputError(shown, f"not a readable .docx file ({type(exc).__name__} in {name})") from None


def _member(package: zipfile.ZipFile, name: str, shown: str, max_part: int) -> zipfile.ZipInfo:
    try:
        info = package.getinfo(name)
    except KeyError:
        raise InputError(shown, f"not a readable .docx file (no part {name})") from None
    if info.file_size > max_part:
        raise InputError(
            shown,
            f"{name} unpacks to {info.file_size:,} bytes, over the limit of {max_part:,} bytes "
            "(max-docx-part-size): not checked",
        )
    return info


def _main_part(package: zipfile.ZipFile, shown: str, max_part: int) -> str:
    """The main document part's name, as the package relationships say (word/document.xml)."""
    from lxml import etree

    try:
        info = package.getinfo("_rels/.rels")
    except KeyError:
        raise InputError(shown, "not a readable .docx file (no _rels/.rels)") from None
    info = _member(package, info.filename, shown, max_part)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(package.read(info), parser)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(shown, f"not a readable .docx file ({type(exc).__name__} in _rels/.rels)") from None
    for rel in root:
        if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            return str(rel.get("Target", "")).lstrip("/")
    raise InputError(shown, "not a readable .docx file (no main document part)")


def _paragraph_text(p: object) -> str:
    """A paragraph's text as python-docx gives it: runs and hyperlinked runs; breaks as spaces."""
    parts: list[str] = []
    for child in p:  # type: ignore[attr-defined]
        if child.tag == _R:
            runs = (child,)
        elif child.tag == _HYPERLINK:
            runs = tuple(r for r in child if r.tag == _R)
        else:
            continue
        for run in runs:
            for item in run:
                if item.tag == _T:
                    parts.append(item.text or "")
                elif item.tag in _RUN_BREAKS:
                    parts.append(_RUN_BREAKS[item.tag])
    return "".join(parts).replace("\n", " ").replace("\r", " ")
