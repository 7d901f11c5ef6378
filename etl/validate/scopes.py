"""One scope per department and year: a 部门预算 already holds its own units' budgets.

A department publishes its consolidated 部门预算 (scope ``department``) and each of its units
its own 单位预算 (scope ``unit``, the department's 机关 among them). Adding the two counts the
units twice (商务委 2025: 371,514,655 元 printed, 743,029,310 元 when added). So where a
department-scope document of the same kind, district, department and year counts, a unit-scope
document stays in the warehouse (its rows, its checks: it is still read and shown on its own)
but is marked ``in_totals = false``: pages that add figures leave it out and say so. Without
a department-scope document, unit documents count (their sum is what the corpus holds).

Keys compare null as a value: a municipal unit has no district and is still one department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from etl.model import Check
from etl.templates import KIND_LABELS
from etl.validate.spec import CheckSpec

if TYPE_CHECKING:  # polars is imported where a corpus is resolved: reading one file needs none of it
    import polars as pl

SCOPED_KINDS = ("final_accounts", "budget")

SPECS = (
    CheckSpec(
        "scope_not_added",
        "versions",
        "info",
        "单位文件不加入部门合计",
        "同一部门同一年度已有部门预算（决算），它已汇总本部门所属单位；单位文件照常读入和核对，但各页只用部门口径的数字，不再相加",
    ),
)


def _key(d: dict[str, Any]) -> tuple[Any, ...]:
    return (d.get("kind"), d.get("district"), d.get("department"), d.get("year"))


# What resolve reads of a document (the rest stays in the frame: 100,000 documents' dicts are large).
_COLUMNS = ("source_file", "kind", "scope", "district", "department", "year", "counted", "status")


def resolve(documents: pl.DataFrame) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """``documents`` with ``in_totals`` and ``totals_via``; one info finding per unit document left out."""
    import polars as pl

    docs = documents.select(c for c in _COLUMNS if c in documents.columns).to_dicts()
    consolidated: dict[tuple[Any, ...], str] = {}
    for d in docs:
        if (
            d.get("scope") == "department"
            and d.get("kind") in SCOPED_KINDS
            and d.get("counted") is not False
            and d.get("status") != "failed"
            and d.get("department")
            and d.get("year")
        ):
            consolidated.setdefault(_key(d), d["source_file"])
    via: dict[str, str] = {}
    checks: list[dict[str, Any]] = []
    for d in docs:
        if d.get("scope") != "unit" or d.get("kind") not in SCOPED_KINDS:
            continue
        parent = consolidated.get(_key(d))
        if parent is None:
            continue
        via[d["source_file"]] = parent
        kind = KIND_LABELS.get(d["kind"], d["kind"])[-2:]  # 预算 / 决算
        checks.append(
            {
                "document": d,
                "check": Check(
                    "scope_not_added",
                    "info",
                    f"{d['department']} {d['year']} 年已有部门{kind}（{parent}），"
                    f"它已汇总所属单位；本文件（单位{kind}）照常读入和核对，但各页只用部门{kind}的数字，不与本文件相加",
                ),
            }
        )
    documents = documents.with_columns(
        pl.Series("in_totals", [d["source_file"] not in via for d in docs], dtype=pl.Boolean),
        pl.Series("totals_via", [via.get(d["source_file"]) for d in docs], dtype=pl.String),
    )
    return documents, checks
