"""The knowledge graph: tables -> validated records -> graph -> reasoning -> release.

Only this package reads the tables. Its one output is the release (``cxkb.release``),
which every other part of cxkb opens instead.
"""

from cxkb.kg import rules as rules  # registers the rule ids every check reports under
