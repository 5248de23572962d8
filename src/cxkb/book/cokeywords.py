"""The keyword co-occurrence network of the literature, and how it compares with the taxonomy.

The taxonomy's topics are an expert classification; the authors' own keywords are a second,
independent one. Clustering the keyword network and comparing the clusters with the topics
shows where the literature's vocabulary follows the framework and where it cuts across it.
Everything here is deterministic (fixed seed, sorted output) so the book's figures and
tables only change when the literature does.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import pandas as pd

from cxkb.model import KnowledgeBase

SEED = 42


def keyword_key(keyword: str) -> str:
    """Spelling variants of one keyword share a key: case, hyphens, spaces, a plural -s."""
    key = re.sub(r"[\s\-_/]+", " ", keyword.strip().lower())
    return "".join(_singular(w) for w in key.split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class KeywordNetwork:
    """The network, with each node's display form, paper count and majority taxonomy topic."""

    graph: nx.Graph
    display: dict[str, str]
    papers: dict[str, int]
    topic: dict[str, str]


def keyword_network(kb: KnowledgeBase, *, min_papers: int = 2) -> KeywordNetwork:
    """Keywords used by at least ``min_papers`` papers; edges weighted by papers sharing both.

    A keyword's topic is the taxonomy topic most of its papers cover (ties go to the topic
    that comes first in the topic table), which makes the keywords comparable with the
    clusters.
    """
    topic_order = {t: i for i, t in enumerate(kb.topics)}
    per_paper: dict[str, set[str]] = {}
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    topic_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in kb.papers.values():
        keys = set()
        for kw in paper.keywords:
            key = keyword_key(kw)
            if key:
                keys.add(key)
                variants[key][" ".join(kw.lower().split())] += 1
        per_paper[paper.id] = keys
        for key in keys:
            for t in paper.topics:
                topic_votes[key][t] += 1
    counts = Counter(k for keys in per_paper.values() for k in keys)
    kept = {k for k, n in counts.items() if n >= min_papers}

    graph = nx.Graph()
    for key in sorted(kept):
        graph.add_node(key)
    edge_weights: Counter[tuple[str, str]] = Counter()
    for keys in per_paper.values():
        for a, b in combinations(sorted(keys & kept), 2):
            edge_weights[(a, b)] += 1
    for (a, b), w in sorted(edge_weights.items()):
        graph.add_edge(a, b, weight=w)

    display = {k: min(variants[k].items(), key=lambda kv: (-kv[1], kv[0]))[0] for k in kept}
    topic = {
        k: min(topic_votes[k].items(), key=lambda kv: (-kv[1], topic_order.get(kv[0], len(topic_order)), kv[0]))[0]
        for k in kept
        if topic_votes[k]
    }
    return KeywordNetwork(graph, display, {k: counts[k] for k in kept}, topic)


def communities(graph: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    """Louvain communities (fixed seed), largest first, each sorted; isolated nodes included."""
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = [sorted(c) for c in found]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def membership(groups: Sequence[Sequence[str]]) -> dict[str, int]:
    """Node -> community number (1-based, in the order of ``groups``)."""
    return {node: i for i, group in enumerate(groups, start=1) for node in group}


def contingency(a: Sequence[Hashable], b: Sequence[Hashable]) -> pd.DataFrame:
    """Cross-tabulation of two labelings of the same items (rows: ``a``, columns: ``b``)."""
    if len(a) != len(b):
        raise ValueError("both labelings must label the same items")
    table = pd.crosstab(pd.Series(list(a), name="a"), pd.Series(list(b), name="b"))
    return table.sort_index(axis=0).sort_index(axis=1)


def _comb2(n: float) -> float:
    return n * (n - 1) / 2


def adjusted_rand_index(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Agreement of two partitions on pairs of items, corrected for chance (Hubert and Arabie).

    1 means the same partition; around 0 means no more agreement than random labelings.
    """
    n = len(a)
    if n != len(b):
        raise ValueError("both labelings must label the same items")
    if n < 2:
        return 1.0
    table = contingency(a, b).to_numpy()
    index = sum(_comb2(x) for x in table.ravel())
    rows = sum(_comb2(x) for x in table.sum(axis=1))
    cols = sum(_comb2(x) for x in table.sum(axis=0))
    expected = rows * cols / _comb2(n)
    maximum = (rows + cols) / 2
    if maximum == expected:  # both partitions trivial (all in one group, or all singletons)
        return 1.0
    return float((index - expected) / (maximum - expected))


def _entropy(counts: Sequence[float], n: int) -> float:
    return -sum((c / n) * math.log(c / n) for c in counts if c)


def normalized_mutual_information(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Shared information of two partitions, scaled by the mean of their entropies (0 to 1)."""
    n = len(a)
    if n != len(b):
        raise ValueError("both labelings must label the same items")
    if n == 0:
        return 1.0
    table = contingency(a, b).to_numpy().astype(float)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    h_a, h_b = _entropy(rows, n), _entropy(cols, n)
    if h_a == 0 and h_b == 0:
        return 1.0
    mutual = 0.0
    for i, row in enumerate(table):
        for j, nij in enumerate(row):
            if nij:
                mutual += (nij / n) * math.log(n * nij / (rows[i] * cols[j]))
    denominator = (h_a + h_b) / 2
    return float(max(0.0, min(1.0, mutual / denominator))) if denominator else 0.0


@dataclass(frozen=True)
class Comparison:
    """Louvain clusters of the keyword network against the keywords' taxonomy topics."""

    network: KeywordNetwork
    groups: list[list[str]]
    table: pd.DataFrame
    ari: float
    nmi: float

    def community_names(self, top: int = 3) -> dict[int, str]:
        """Each community named after its most used keywords."""
        names = {}
        for number, group in enumerate(self.groups, start=1):
            best = sorted(group, key=lambda k: (-self.network.papers[k], self.network.display[k]))[:top]
            names[number] = ", ".join(self.network.display[k] for k in best)
        return names


def compare_with_topics(kb: KnowledgeBase, *, min_papers: int = 2, seed: int = SEED) -> Comparison:
    network = keyword_network(kb, min_papers=min_papers)
    groups = communities(network.graph, seed=seed)
    member = membership(groups)
    nodes = sorted(k for k in network.graph.nodes if k in network.topic)
    clusters = [member[k] for k in nodes]
    topics = [network.topic[k] for k in nodes]
    table = contingency(clusters, topics) if nodes else pd.DataFrame()
    if not table.empty:
        table.index.name = "community"
        table.columns.name = "topic"
        table = table.reindex(columns=[t for t in kb.topics if t in table.columns])
    return Comparison(
        network,
        groups,
        table,
        adjusted_rand_index(clusters, topics) if nodes else float("nan"),
        normalized_mutual_information(clusters, topics) if nodes else float("nan"),
    )
