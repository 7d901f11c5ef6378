"""Helpers to pick the figures of one printed row out of a parse result (shared by the 决算 tests)."""

from __future__ import annotations

from decimal import Decimal

from etl.model import BudgetLine, ParseResult


def lines_of(
    result: ParseResult, statement: str, *, name: str | None = None, code: str | None = None
) -> list[BudgetLine]:
    return [
        line
        for line in result.budget_lines
        if line.statement == statement
        and (name is None or line.name == name)
        and (code is None or line.code == code)
    ]


def figures(lines: list[BudgetLine], side: str | None = None) -> dict[str, Decimal]:
    """measure -> amount for the lines of one row (one side)."""
    chosen = [line for line in lines if side is None or line.side == side]
    out = {line.measure: line.amount for line in chosen}
    assert len(out) == len(chosen), "one figure per measure"
    return out


def check_ids(result: ParseResult) -> list[str]:
    return [c.check for c in result.checks]
