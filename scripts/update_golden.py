"""Write the golden outputs (tests/golden/) anew from the current code: one command,
then review the diff like any other change.

    python scripts/update_golden.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from golden_support import GOLDEN, produce_in_tmp


def main() -> None:
    files = produce_in_tmp()
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in sorted(files.items()):
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(GOLDEN.parents[2])}")


if __name__ == "__main__":
    main()
