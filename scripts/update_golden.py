"""Write the golden outputs (tests/golden/) and the README's generated data-model section
anew from the current code: one command, then review the diff like any other change.

    python scripts/update_golden.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from golden_support import GOLDEN, REPO, produce_in_tmp


def main() -> None:
    from cxkb.book.pages.datamodel import with_readme_section

    readme = REPO / "README.md"
    readme.write_text(with_readme_section(readme.read_text(encoding="utf-8"), REPO), encoding="utf-8")
    print("wrote the data-model section of README.md")
    files = produce_in_tmp()
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in sorted(files.items()):
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(GOLDEN.parents[2])}")


if __name__ == "__main__":
    main()
