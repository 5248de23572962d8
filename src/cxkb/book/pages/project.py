"""Project pages (contributing) brought into the book."""

from __future__ import annotations

import re


def project_markdown(text: str, links: dict[str, str]) -> str:
    """A project document (trusted Markdown) made fit for the book.

    Links between repository files become links between book pages, and a ``|`` inside
    a code span in a table row is escaped, since GitHub-flavoured tables split on it.
    """
    for old, new in links.items():
        text = text.replace(f"]({old})", f"]({new})")
    out = []
    for line in text.splitlines():
        if line.startswith("|"):
            line = re.sub(r"`([^`]*)`", lambda m: "`" + m.group(1).replace("|", "\\|") + "`", line)
        out.append(line)
    return "\n".join(out) + "\n"
