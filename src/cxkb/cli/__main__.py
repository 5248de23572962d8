"""``python -m cxkb.cli``."""

from cxkb.cli import run

run()
