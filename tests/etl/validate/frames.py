"""Tiny hand-written documents for the family tests: a few budget lines, 三公 rows, figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from etl.model import DocumentMeta
from etl.normalize import NormalizedDocument

UNIT = {"万元": Decimal(10000), "元": Decimal(1)}


def line(
    template: str,
    measure: str,
    printed: str,
    *,
    code: str | None = None,
    name: str = "",
    side: str | None = None,
    total: bool = False,
    unit: str = "万元",
    kind: str = "final_accounts",
    page: int = 1,
) -> dict[str, Any]:
    """One printed cell, as normalisation stores it (amount in 元, the printed text kept)."""
    return {
        "source_file": "case.pdf",
        "source_line": 1,
        "source_page": page,
        "source_cell": None,
        "doc_kind": kind,
        "template": template,
        "statement": template,
        "side": side,
        "code": code,
        "name": name or (code or ""),
        "classification": None,
        "level": None,
        "measure": measure,
        "amount_yuan": Decimal(printed.replace(",", "")) * UNIT[unit],
        "amount_printed": printed,
        "unit_printed": unit,
        "is_total": total,
    }


def three_public(item: str, budget: str | None, actual: str | None, *, kind: str = "final_accounts") -> dict:
    """A 三公 row; both templates print the table in 万元."""
    unit = UNIT["万元"]
    return {
        "source_file": "case.pdf",
        "source_line": 1,
        "source_page": 1,
        "doc_kind": kind,
        "item": item,
        "budget_yuan": None if budget is None else Decimal(budget) * unit,
        "actual_yuan": None if actual is None else Decimal(actual) * unit,
        "unit_printed": "万元",
        "budget_printed": budget,
        "actual_printed": actual,
    }


def figure(key: str, value: str, text: str = "", unit: str = "万元", line_no: int = 1) -> dict:
    return {
        "source_file": "case.pdf",
        "source_line": line_no,
        "source_page": 1,
        "key": key,
        "value": Decimal(value),
        "unit": unit,
        "text": text or f"{value}{unit}",
    }


def document(kind: str = "final_accounts", **rows: list[dict]) -> NormalizedDocument:
    return NormalizedDocument(
        source_file="case.pdf",
        meta=DocumentMeta(district="普陀", department="上海市普陀区某局", year=2024, kind=kind),
        layouts=[],
        **rows,
    )
