"""Golden outputs: the mini fixture's release and a few generated pages, as committed files.

A change to what cxkb writes then shows up as a diff of these files in review, in the
manner of pyLODE's example outputs. ``python scripts/update_golden.py`` writes them anew;
``tests/test_golden.py`` fails while they differ from what the code produces.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
GOLDEN = REPO / "tests" / "golden" / "mini"
RELEASE_FILES = (
    "cxkb-base.ttl",
    "cxkb-records.json",
    "cxkb-skos.ttl",
    "cxkb.jsonld",
    "cxkb.nt",
    "cxkb.owl",
    "cxkb.ttl",
)
PAGES = (
    "generated/topics/customer-emotions.md",
    "generated/questions/customer-emotions-q1.md",
    "generated/concepts/peak-end-rule.md",
    "generated/domains/customer.md",
    "generated/glossary.md",
)


def produce(workdir: Path) -> dict[str, bytes]:
    """Build the mini fixture under ``workdir`` and return the golden files by relative name."""
    from cxkb.book.generate import generate
    from cxkb.kg.build import build

    root = workdir / "kb"
    shutil.copytree(MINI, root)
    for name in ("cxkb.ttl", "shapes.ttl"):
        shutil.copy(REPO / "ontology" / name, root / "ontology" / name)
    for folder in ("book",):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("_build", "generated", "_toc.yml"))
    build(root, cache=False)
    generate(root)
    out = {f"release/{name}": (root / "build/release" / name).read_bytes() for name in RELEASE_FILES}
    manifest = json.loads((root / "build/release/manifest.json").read_text(encoding="utf-8"))
    manifest.pop("tools")  # versions of the machine's libraries: not an output of the code
    out["release/manifest.json"] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8")
    for page in PAGES:
        out[f"book/{page}"] = (root / "book" / page).read_bytes()
    return out


def produce_in_tmp() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="cxkb-golden-") as tmp:
        return produce(Path(tmp))
