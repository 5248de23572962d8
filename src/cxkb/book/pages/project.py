"""Project pages (contributing) brought into the book."""

from __future__ import annotations

import re


def project_markdown(text: str, links: dict[str, str], lang: str = "en") -> str:
    """A project document (trusted Markdown) made fit for the book.

    Links between repository files become links between book pages, and a ``|`` inside
    a code span in a table row is escaped, since GitHub-flavoured tables split on it.
    ``lang`` is the edition an English document is shown in: in the Dutch one it is marked
    as English, with a note saying so.
    """
    for old, new in links.items():
        text = text.replace(f"]({old})", f"]({new})")
    out = []
    for line in text.splitlines():
        if line.startswith("|"):
            line = re.sub(r"`([^`]*)`", lambda m: "`" + m.group(1).replace("|", "\\|") + "`", line)
        out.append(line)
    if lang == "nl":
        # The project documents are written in English: the Dutch edition says so and marks them.
        title = next((i for i, line in enumerate(out) if line.startswith("# ")), None)
        head = out[: title + 1] if title is not None else []
        rest = out[title + 1 :] if title is not None else out
        note = "*Deze pagina voor bijdragers is in het Engels geschreven.*"
        out = [*head, "", note, "", '<div lang="en">', "", *rest, "", "</div>"]
    return "\n".join(out) + "\n"
