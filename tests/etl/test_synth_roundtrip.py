"""parse(generate(x)) recovers x: every layout the generator writes, figure for figure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.build import process_document
from etl.synth import LAYOUTS, SynthDoc, generate_document, write_corpus

WAN = Decimal(10000)
CASES = [(i, layout) for layout in LAYOUTS for i in range(12)]


def _roundtrip(doc: SynthDoc) -> dict:
    return process_document(doc.file_name, doc.text.encode("utf-8"))


@pytest.mark.parametrize(("index", "layout"), CASES)
def test__roundtrip__document_facts(index: int, layout: str) -> None:
    doc = generate_document(index, seed=7, layout=layout)
    out = _roundtrip(doc)
    d = out["document"]
    errors = [c for c in out["checks"] if c["severity"] == "error"]
    assert sorted((c["check"], c["statement"]) for c in errors) == sorted(
        ("table_missing", t) for t in doc.missing_tables
    ), [c["message"] for c in errors]
    assert d["status"] == ("partial" if doc.missing_tables else "ok")
    assert (d["district"], d["year"], d["department"]) == (doc.district, doc.year, doc.department)


@pytest.mark.parametrize(("index", "layout"), [c for c in CASES if c[1].startswith("final_accounts")])
def test__roundtrip__budget_lines_exact(index: int, layout: str) -> None:
    doc = generate_document(index, seed=7, layout=layout)
    out = _roundtrip(doc)
    got = {
        (r["statement"], r["code"], r["name"], r["measure"], r["amount_yuan"]) for r in out["budget_lines"]
    }
    want = {(t.statement, t.code, t.name, t.measure, t.amount * WAN) for t in doc.lines}
    assert got == want, (sorted(want - got)[:5], sorted(got - want)[:5])
    assert len(out["budget_lines"]) == len(doc.lines), "a figure read twice"
    assert not [
        c
        for c in out["checks"]
        if c["severity"] == "warning" and c["check"].startswith(("hierarchy", "total_row"))
    ]


@pytest.mark.parametrize(("index", "layout"), [c for c in CASES if not c[1].startswith("final_accounts")])
def test__roundtrip__projects_and_indicators_exact(index: int, layout: str) -> None:
    doc = generate_document(index, seed=7, layout=layout)
    out = _roundtrip(doc)
    projects = {(p["project_name"], p["kind"]): p for p in out["projects"]}
    assert len(projects) == len(doc.projects)
    for truth in doc.projects:
        p = projects[(truth.name, truth.kind)]
        assert (
            p["budget_initial_yuan"],
            p["budget_full_year_yuan"],
            p["executed_yuan"],
            p["score_total"],
        ) == (
            truth.budget_initial,
            truth.budget_full_year,
            truth.executed,
            truth.score_total,
        )
        rows = [i for i in out["indicators"] if i["project_id"] == p["project_id"]]
        got = [
            (
                i["level1"],
                i["level2"],
                i["level3"],
                i["target_value"],
                i["actual_value"],
                i["weight"],
                i["score"],
            )
            for i in rows
        ]
        want = [
            (t.level1, t.level2, t.level3, t.target, t.actual, t.weight, t.score) for t in truth.indicators
        ]
        assert got == want


def test__write_corpus__writes_files_of_every_layout(tmp_path: Path) -> None:
    assert write_corpus(tmp_path, docs=8, seed=1) == 8
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 8 and all(any(layout in n for n in names) for layout in LAYOUTS)


@pytest.mark.parametrize("index", range(12))
def test__roundtrip__three_public_and_narrative_items_exact(index: int) -> None:
    doc = generate_document(index, seed=7, layout="final_accounts_word")
    out = _roundtrip(doc)
    got = {(r["item"], r["budget_yuan"], r["actual_yuan"]) for r in out["three_public"]}
    assert got == {(t.item, t.budget * WAN, t.actual * WAN) for t in doc.three_public}
    items = [(r["item"], r["budget_initial_yuan"], r["final_yuan"]) for r in out["narrative_items"]]
    assert items == [(t.item, t.budget_initial * WAN, t.final * WAN) for t in doc.narrative_items]
    unexpected = [c for c in out["checks"] if c["severity"] != "info" and c["check"] != "table_missing"]
    assert not unexpected, [c["message"] for c in unexpected]
    assert {c["statement"] for c in out["checks"] if c["check"] == "table_missing"} == set(doc.missing_tables)


def test__generate__one_document_per_department_year_and_kind() -> None:
    # Two documents of one identity would be versions of one document (etl.validate.versions):
    # a corpus past one cycle of districts × departments × years must still have none.
    seen: dict[tuple, int] = {}
    for index in range(2 * 16 * 7 * 5 * len(LAYOUTS) + 10):
        doc = generate_document(index, seed=3)
        kind = (
            "final_accounts"
            if doc.layout.startswith("final_accounts")
            else doc.layout.removesuffix("_qingpu")
        )
        names = frozenset(p.name for p in doc.projects) if kind != "final_accounts" else frozenset()
        key = (kind, doc.department, doc.year, names)
        assert key not in seen, (index, seen.get(key), key[:3])
        seen[key] = index
