"""Standard 决算 and 预算 tables read from real PDFs, against figures typed by hand from the pages.

One case file per document in tests/cases/template_tables/ (page number beside every figure);
one parametrized test per kind of expectation.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.realdocs import outcome

CASES = Path(__file__).resolve().parents[1] / "cases" / "template_tables"
FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}


def _cases() -> list[dict[str, Any]]:
    return [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(CASES.glob("*.toml"))]


def _figures() -> list[tuple[str, dict[str, Any]]]:
    return [(c["file"], f) for c in _cases() for f in c.get("figure", [])]


def _id(value: Any) -> str:
    if isinstance(value, dict):
        return f"p{value['page']}-{value['template'][:6]}-{value.get('code') or value.get('name')}-{value['measure']}"
    return str(value)[:24]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["file"][:30])
def test__real_document__kind_who_and_status(case: dict[str, Any]) -> None:
    doc = outcome(case["file"])["document"]
    assert (doc["kind"], doc["scope"]) == (case["kind"], case["scope"])
    # Every case states who the document belongs to ("" for no Shanghai district: another province).
    stated = {k: case[k] for k in ("district", "year", "department")}
    assert {k: doc[k] or "" for k in stated} == stated
    assert doc["status"] == case["status"], [c["message"] for c in outcome(case["file"])["checks"]]
    assert (doc["tables_expected"], doc["tables_found"]) == (case["tables_expected"], case["tables_found"])
    assert doc["tables_missing"] is None


@pytest.mark.parametrize(
    "case", [c for c in _cases() if "figures_per_table" in c], ids=lambda c: c["file"][:30]
)
def test__real_document__every_printed_figure_is_read_once(case: dict[str, Any]) -> None:
    lines = outcome(case["file"])["budget_lines"]
    counts = Counter(line["template"] for line in lines)
    expected = case["figures_per_table"]
    assert {t: counts.get(t, 0) for t in expected} == expected
    assert set(counts) <= set(expected), f"lines of unexpected tables: {set(counts) - set(expected)}"


@pytest.mark.parametrize(("file", "figure"), _figures(), ids=_id)
def test__real_document__figure_typed_from_the_page(file: str, figure: dict[str, Any]) -> None:
    out = outcome(file)
    lines = [
        r
        for r in out["budget_lines"]
        if r["template"] == figure["template"]
        and r["measure"] == figure["measure"]
        and (figure.get("code") is None or r["code"] == figure["code"])
        and (figure.get("code") is not None or r["name"] == figure["name"])
        and r["side"] == figure.get("side")
        and r["source_page"] == figure["page"]
    ]
    if figure.get("absent"):
        assert lines == [], "a blank cell must give no figure"
        return
    assert len(lines) == 1, lines
    line = lines[0]
    amount = Decimal(figure["amount"])
    assert Decimal(line["amount_printed"]) == amount
    assert line["amount_yuan"] == amount * FACTOR[line["unit_printed"]]
    assert line["is_total"] is figure.get("total", False)
    if "name" in figure:
        assert line["name"] == figure["name"]
    if "statement" in figure:
        assert line["statement"] == figure["statement"]
    assert line["source_cell"]


@pytest.mark.parametrize("case", [c for c in _cases() if "three_public" in c], ids=lambda c: c["file"][:30])
def test__real_document__three_public_items(case: dict[str, Any]) -> None:
    rows = {r["item"]: r for r in outcome(case["file"])["three_public"]}
    for item in case["three_public"]:
        row = rows[item["item"]]
        assert row["budget_yuan"] == Decimal(item["budget"]) * FACTOR[item["unit"]]
        expected_actual = item.get("actual")
        assert row["actual_yuan"] == (
            None if expected_actual is None else Decimal(expected_actual) * FACTOR[item["unit"]]
        )
    if case["kind"] == "budget":
        assert all(r["actual_yuan"] is None for r in rows.values()), "a budget prints no 决算数"


@pytest.mark.parametrize("case", [c for c in _cases() if "warnings" in c], ids=lambda c: c["file"][:30])
def test__real_document__warnings_raised(case: dict[str, Any]) -> None:
    checks = outcome(case["file"])["checks"]
    found = sorted(
        c["check"] for c in checks if c["severity"] in ("warning", "error") and c["check"] in case["warnings"]
    )
    assert found == sorted(case["warnings"])
