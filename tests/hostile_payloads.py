"""Hostile cell values: text that tries to become markup, code, a formula or another record.

Each payload names what it attacks, so a failing assertion says which defence gave way.
The values are put into every column of every table by ``test_hostile.py``; a payload is
either refused by the validator at its cell, or must come out of every artefact as the
same text it went in as. ``SCRIPT_PAYLOADS`` set ``window.__pwned`` if they ever run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    name: str
    text: str


def _long(size: int) -> str:
    """About ``size`` characters of numbered markup-laden phrases, a ``|`` after every fiftieth.

    Numbered, so no two values of a multi-value cell are alike; the separators make a
    multi-value cell hold about twenty long values.
    """
    units, total, n = [], 0, 0
    while total < size:
        unit = f"experience {n} <b>&amp;</b> {{eval-rst}} `x`" + (" |" if n % 50 == 49 else "")
        units.append(unit)
        total += len(unit) + 1
        n += 1
    return " ".join(units).rstrip(" |")


LONG = _long(9_000)  # just under the contract's 10,000 characters per cell

SCRIPT_PAYLOADS: tuple[Payload, ...] = (
    Payload("script-tag", "<script>window.__pwned=1</script>"),
    Payload("img-onerror", '<img src=x onerror="window.__pwned=1">'),
    Payload("svg-onload", '"><svg onload=window.__pwned=1>'),
    Payload("close-script", "</script><script>window.__pwned=1</script>"),
    Payload("attribute-break", "' onmouseover='window.__pwned=1' x='"),
    Payload("details-ontoggle", "<details open ontoggle=window.__pwned=1>"),
    Payload("iframe-srcdoc", '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>'),
    Payload("markdown-js-link", "[click me](javascript:window.__pwned=1)"),
    Payload("autolink-js", "<javascript:window.__pwned=1>"),
    Payload("javascript-url", "javascript:window.__pwned=1"),
    Payload("myst-raw-role", "{raw} html `<script>window.__pwned=1</script>`"),
    Payload("eval-rst-fence", "```{eval-rst} .. raw:: html <script>window.__pwned=1</script> ```"),
    Payload("template-literal", "`${window.__pwned=1}` {{ window.__pwned }}"),
)

TEXT_PAYLOADS: tuple[Payload, ...] = (
    Payload("entities", "&lt;script&gt;window.__pwned=1&lt;/script&gt; &amp;amp; &#60;b&#62;"),
    Payload("style-tag", "<style>body{display:none}</style>"),
    Payload("html-comment", "<!-- hidden --> visible"),
    Payload(
        "quotes",
        "\"double\" 'single' \u2018curly\u2019 \u201ccurly\u201d \u201elow\u201c \u00abguillemets\u00bb `tick`",
    ),
    Payload("backslashes", "C:\\path\\to\\ \\textbf{x} \\\\ \\n \\"),
    Payload("raw-directive", ".. raw:: html"),
    Payload("raw-fence", "```{raw} html"),
    Payload("colon-fence", ":::{note} injected :::"),
    Payload("download-role", "{download}`/etc/passwd`"),
    Payload("doc-role", ":doc:`intro` and {doc}`intro`"),
    Payload("markdown", "# Heading **bold** _em_ ~~strike~~ ![img](x.png) > quote"),
    Payload("math", "$x^2$ and $$y$$ and \\(z\\)"),
    Payload("table-pipes", "| a | b | --- |"),
    Payload("list-marker", "* item 1. item"),
    Payload("formula-inside", "a=1+1 and b@c -d"),
    Payload("bibtex-close", "}"),
    Payload("bibtex-open", "{"),
    Payload("bibtex-comment", "x @comment{ y"),
    Payload("bibtex-field", "}, title = {pwned"),
    Payload("latex-specials", "50% of $5 & #1 in A_B ~ x^2"),
    Payload("bibtex-and", "Smith and Jones"),
    Payload("ris-end", "before ER  - after"),
    Payload("ris-type", "TY  - JOUR"),
    Payload("ris-end-tail", "closing ER  -"),
    Payload("json-breaker", '"}], "x": [{"'),
    Payload("sparql-breaker", '" } ; DROP ALL ; #'),
    Payload("unicode", "\u00e9\u0301 \u4e2d\u6587 \u062a\u062c\u0631\u0628\u0629 \U0001f600 \u00df\u1e9e \u2013\u2014"),
    Payload("long-9kb", LONG),
)

REJECTED_PAYLOADS: tuple[Payload, ...] = (
    Payload("formula-hyperlink", '=HYPERLINK("http://x","y")'),
    Payload("formula-plus", "+1"),
    Payload("formula-at", "@SUM(1)"),
    Payload("formula-minus", "-2+3"),
    Payload("formula-tab", "\t=1+1"),
    Payload("bidi-override", "abc\u202egnp.exe"),
    Payload("bidi-isolate", "x\u2066y\u2069"),
    Payload("bidi-embedding", "\u202bright\u202c"),
    Payload("zero-width-space", "zero\u200bwidth"),
    Payload("zero-width-joiner", "zero\u200dwidth"),
    Payload("inline-bom", "in\ufeffline"),
    Payload("soft-hyphen", "soft\u00adhyphen"),
    Payload("nul", "a\x00b"),
    Payload("escape", "a\x1b[31mred"),
    Payload("tab", "a\tb"),
    Payload("newline", "line one\nline two"),
    Payload("crlf", "line one\r\nline two"),
    Payload("carriage-return", "a\rb"),
    Payload("line-separator", "a\u2028b"),
    Payload("eval-rst-block", "```{eval-rst}\n.. raw:: html\n\n   <script>window.__pwned=1</script>\n```"),
    Payload("ris-newline", "x\nER  - \nTY  - JOUR"),
)

# Values that are valid identifiers by their column's syntax and still hostile in a page.
IDENTIFIER_PAYLOADS: dict[str, tuple[str, ...]] = {
    "doi": (
        '10.1234/"><script>window.__pwned=1</script>',
        "10.1234/x'onmouseover='window.__pwned=1",
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
    ),
    "url": ('https://example.org/"><svg/onload=window.__pwned=1>', "https://example.org/a'b<c>"),
}

ALL_PAYLOADS: tuple[Payload, ...] = SCRIPT_PAYLOADS + TEXT_PAYLOADS + REJECTED_PAYLOADS
