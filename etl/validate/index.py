"""Budget lines indexed by the table's role in the template (T1 … T9), for 决算 and 预算 alike.

The same check runs on a 支出决算表 and a 支出预算总表: both are the ``expenditure``
table; where their columns differ in wording (本年支出合计 vs 合计) a lookup takes the
alternatives in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from etl.templates import vocabulary
from etl.textutil import squash

_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、|^\d+[.．、]")

# Role -> how a human names the table in a message, per kind.
ROLE_NAMES = {
    "summary": ("收入支出决算总表", "财务收支预算总表"),
    "income": ("收入决算表", "收入预算总表"),
    "expenditure": ("支出决算表", "支出预算总表"),
    "fiscal_summary": ("财政拨款收入支出决算总表", "财政拨款收支预算总表"),
    "gpb": ("一般公共预算财政拨款支出决算表", "一般公共预算支出功能分类预算表"),
    "basic": ("一般公共预算财政拨款基本支出决算表", "一般公共预算基本支出经济分类预算表"),
    "three_public": ("“三公”经费支出决算表", "“三公”经费和机关运行经费预算表"),
    # National tables beyond the Shanghai template (江苏 2017; tables.toml `optional`)
    "fiscal_expenditure": ("财政拨款支出决算表", "财政拨款支出预算表"),
    "fiscal_basic": ("财政拨款基本支出决算表", "财政拨款基本支出预算表"),
    "operating_costs": ("机关运行经费支出决算表", "一般公共预算机关运行经费支出预算表"),
}
# Column wording per role: the row total of each detail table.
TOTAL_MEASURES = {
    "income": ("本年收入合计", "合计"),
    "expenditure": ("本年支出合计", "合计"),
    "gpb": ("合计", "本年支出合计"),
}


def bare_name(name: str | None) -> str:
    """'三、卫生健康支出' -> '卫生健康支出' (numbering and spaces dropped)."""
    return _NUMBERING.sub("", squash(name or ""))


class LineIndex:
    """Budget lines by (role, measure, code), by total-row name, and by summary-side name."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        voc = vocabulary()
        self.by_code: dict[tuple[str, str, str], dict] = {}
        self.totals: dict[tuple[str, str, str], dict] = {}
        self.summary: dict[tuple[str, str, str, str], dict] = {}
        self.roles: set[str] = set()
        self.rows: list[dict] = []  # every line, with its role
        self.kind: str | None = None
        for r in rows:
            role = voc.role_of(r.get("template")) or r.get("statement")
            r = {**r, "role": role}
            self.rows.append(r)
            self.roles.add(role)
            self.kind = self.kind or r.get("doc_kind")
            if r["amount_yuan"] is None:
                continue
            if r["code"] is not None:
                self.by_code.setdefault((role, r["measure"], r["code"]), r)
            elif r.get("side") is not None:
                self.summary.setdefault((role, r["side"], bare_name(r["name"]), r["measure"]), r)
            if r["is_total"]:
                self.totals.setdefault((role, r["measure"], squash(r["name"])), r)

    def table_name(self, role: str) -> str:
        names = ROLE_NAMES.get(role)
        if names is None:
            return role
        return names[1] if self.kind == "budget" else names[0]

    def measures(self, role: str) -> set[str]:
        return {m for (s, m, _) in self.by_code if s == role} | {m for (s, m, _) in self.totals if s == role}

    def measure(self, role: str, *names: str) -> str | None:
        """The first of several wordings this document's table uses."""
        present = self.measures(role)
        return next((m for m in names if m in present), None)

    def codes(self, role: str, measure: str | None) -> dict[str, dict]:
        return {c: r for (s, m, c), r in self.by_code.items() if s == role and m == measure}

    def total(self, role: str, measure: str | None, *names: str) -> dict | None:
        for name in names or ("合计",):
            for (s, m, n), r in self.totals.items():
                if s == role and m == measure and n.startswith(name):
                    return r
        return None

    def row_total(self, role: str) -> tuple[str | None, dict | None]:
        """(measure, the printed 合计 row) of a detail table's row-total column."""
        measure = self.measure(role, *TOTAL_MEASURES.get(role, ("合计",)))
        return measure, self.total(role, measure, "合计", "总计")

    def side(self, role: str, side: str, *names: str, measure: str | None = None) -> dict | None:
        for name in names:
            for (s, sd, n, m), r in self.summary.items():
                if s == role and sd == side and n == name and (measure is None or m == measure):
                    return r
        return None

    def side_rows(self, role: str, side: str) -> list[dict]:
        return [r for (s, sd, _, _), r in self.summary.items() if s == role and sd == side]
