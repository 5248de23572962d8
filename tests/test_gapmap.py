"""The evidence-gap map's facts, its page and the study design in the exports.

The build's gap-map facts are checked against an independent oracle: pandas over the
repository's CSV tables, written here without cxkb's readers or the build's code.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest

from conftest import REPO, built, edit, make_root
from cxkb.bibliography import to_bibtex, to_csljson, to_ris
from cxkb.book import maps
from cxkb.book.pages.gapmap import gap_map_fragment, page_gapmap
from cxkb.book.pages.overview import page_overview
from cxkb.book.site import Site
from cxkb.release import open_release

REVIEW_YEAR = 2021
NON_EMPIRICAL = {"conceptual", "review"}


def oracle(root=REPO) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Per question: designs and years of its papers, and the four answers, from the CSV files."""
    papers = pd.read_csv(root / "literature" / "papers.csv", dtype=str, keep_default_na=False)
    questions = pd.read_csv(root / "ontology" / "tables" / "questions.csv", dtype=str, keep_default_na=False)
    long = papers.assign(question=papers["questions"].str.split("|")).explode("question")
    long = long[long["question"] != ""]
    long = long.assign(design=long["designs"].str.split("|")).explode("design")
    long["year"] = long["year"].astype(int)
    out: dict[str, dict[str, object]] = {}
    for q in questions["id"]:
        rows = long[long["question"] == q]
        designs = set(rows["design"]) - {""}
        out[q] = {
            "papers": rows["id"].nunique(),
            "by_design": rows.groupby("design")["id"].nunique().to_dict(),
            "recent": rows.loc[rows["year"] >= REVIEW_YEAR, "id"].nunique(),
            "designs": designs,
        }
    answers = {
        "thin": [q for q, v in out.items() if v["papers"] < 2],
        "no-recent": [q for q, v in out.items() if v["recent"] == 0],
        "no-empirical": [q for q, v in out.items() if not v["designs"] - NON_EMPIRICAL],
        "no-causal-or-behavioural": [q for q, v in out.items() if not v["designs"] & {"experiment", "field-data"}],
    }
    gaps = sorted({q for qs in answers.values() for q in qs})
    return {"questions": out, "answers": answers, "gaps": gaps}


@pytest.fixture(scope="module")
def release():  # type: ignore[no-untyped-def]
    return open_release(built(REPO))


@pytest.fixture(scope="module")
def site(release) -> Site:  # type: ignore[no-untyped-def]
    return Site(REPO, release.records, release.frames)


def test_gap_map_facts_match_pandas_over_the_tables(release) -> None:  # type: ignore[no-untyped-def]
    expected = oracle()
    facts = release.derived["gap_map"]
    for q, v in expected["questions"].items():
        got = {d: len(ps) for d, ps in facts["by_design"][q].items()}
        assert got == v["by_design"], q
        recent = facts["by_period"][q].get("since-review", [])
        assert len(recent) == v["recent"], q
        assert sum(len(ps) for ps in facts["by_period"][q].values()) == v["papers"], q
    assert {k: sorted(v) for k, v in facts["answers"].items()} == {k: sorted(v) for k, v in expected["answers"].items()}
    assert sorted(release.derived["evidence_gaps"]) == expected["gaps"]


def test_the_newest_period_starts_with_the_review(release) -> None:  # type: ignore[no-untyped-def]
    periods = release.derived["gap_map"]["periods"]
    assert periods[-1]["from"] == REVIEW_YEAR and periods[-1]["to"] is None
    assert periods[-2]["to"] == REVIEW_YEAR - 1
    assert periods[-1]["label_en"] == "2021 and later"


def test_landing_page_and_gap_page_count_the_same_gaps(site: Site) -> None:
    gaps = len(site.frames.evidence_gaps())
    overview = page_overview(site)
    assert re.search(rf"\[{gaps} of them (an )?evidence gaps?\]\(generated/gapmap\.md\)", overview), overview[:400]
    page = page_gapmap(site)
    assert f"**{gaps} research question" in page
    for reason, *_ in (("no-recent",), ("no-empirical",), ("no-causal-or-behavioural",)):
        assert reason in site.frames.gap_map["answers"]
    # every question the build names in an answer is linked in the page's answer list
    for q in {q for qs in site.frames.gap_map["answers"].values() for q in qs}:
        assert f"(questions/{q}.md)" in page


def test_gap_map_json_is_inert_and_holds_every_cell(site: Site) -> None:
    fragment = gap_map_fragment(site)
    block = re.search(r'<script type="application/json" id="gapmap-data">(.*?)</script>', fragment, re.S)
    assert block and "<" not in block.group(1)
    data = json.loads(block.group(1))
    assert len(data["questions"]) == len(site.kb.questions)
    assert [d["id"] for d in data["designs"]][:2] == ["conceptual", "review"]
    cited = {p for q in data["questions"] for ps in q["design"].values() for p in ps}
    assert cited <= set(data["papers"])
    assert data["bibliography"] == "../bibliography.html"
    # the accessible tables: one row per question, one column per design plus the question
    tables = re.findall(r'<table class="cxkb-gapmap-table">.*?</table>', fragment, re.S)
    assert len(tables) == 2
    assert tables[0].count('<th scope="row">') == len(site.kb.questions)


def test_hostile_text_stays_text_on_the_gap_map(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = make_root(tmp_path)
    hostile = "</script><img src=x onerror=alert(1)> & {eval-rst}"
    edit(root / "literature" / "papers.csv", "When More Pain Is Preferred to Less", hostile)
    release = open_release(built(root))
    site = Site(root, release.records, release.frames)
    fragment = gap_map_fragment(site)
    assert "<img" not in fragment and "</script><" not in fragment
    data = json.loads(re.search(r'id="gapmap-data">(.*?)</script>', fragment, re.S).group(1))
    assert any(hostile in p["title"] for p in data["papers"].values())


def test_exports_carry_the_study_design(release) -> None:  # type: ignore[no-untyped-def]
    kb = release.records
    paper = next(p for p in kb.papers.values() if len(p.designs) >= 2)
    labels = [kb.designs[d].label.en for d in paper.designs]
    ris = to_ris(kb)
    entry = ris[ris.index(f"ID  - {paper.id}\n") :].split("ER  - ")[0]
    assert f"M3  - {'; '.join(labels)}" in entry
    csl = {item["id"]: item for item in json.loads(to_csljson(kb))}
    assert csl[paper.id]["genre"] == "; ".join(labels)
    bib = to_bibtex(kb)
    entry = bib[bib.index(f"{{{paper.id},") :].split("\n}\n")[0]
    assert labels[0] not in entry.split("title")[0] and "genre" not in entry and "M3" not in entry


def test_paper_listings_show_designs(site: Site) -> None:
    from cxkb.book.pages.question import page_question

    q = next(iter(site.kb.questions))
    page = page_question(site, q)
    assert "  - Design\n" in page
    paper = site.kb.papers[site.question_papers[q][0]]
    assert site.kb.designs[paper.designs[0]].label.en.split()[0] in page
    dutch = page_question(replace(site, lang="nl"), q)
    assert "  - Opzet\n" in dutch
    assert site.kb.designs[paper.designs[0]].label.nl.split()[0] in dutch


def test_concept_pages_get_an_ego_map(site: Site) -> None:
    cid = next(c.id for c in site.kb.concepts.values() if c.broader and not c.deprecated)
    net = maps.build_network(site.frames, maps.MapSpec(f"concept-{cid}", "concept", cid), site.map_urls("x"))
    ids = {n["id"] for n in net.nodes}
    assert f"concept:{cid}" in ids
    assert {f"concept:{b}" for b in site.kb.concepts[cid].broader} <= ids
    assert any(i.startswith("topic:") for i in ids)
    focus = next(n for n in net.nodes if n["id"] == f"concept:{cid}")
    assert "url" not in focus or not focus["url"]  # the page itself is not a link


def test_keyword_map_labels_only_its_most_central_keywords(site: Site) -> None:
    from cxkb.book.cokeywords import compare_with_topics

    result = compare_with_topics(site.kb)
    net, _legend = maps.keyword_network(result, {}, {}, labelled=20)
    data = maps.map_data(net)
    labelled = [n for n in data["nodes"] if n.get("label")]
    assert len(labelled) == min(20, len(data["nodes"]))
    assert all(n.get("name") for n in data["nodes"])
