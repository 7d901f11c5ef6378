"""Money on screen, in one place: 元 stored exactly (Decimal), shown in 万元 with the unit said.

Cards, captions, tables, charts and exports all round here, half up at 0.01 万元, so a figure
reads the same wherever an official meets it (a float's own rounding once showed 1.23 on a
card and 1.24 in a download).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

WAN = Decimal(10000)  # 元 per 万元
CENT = Decimal("0.01")
MISSING = "—"


def _decimal(yuan: object) -> Decimal | None:
    return None if yuan is None else yuan if isinstance(yuan, Decimal) else Decimal(str(yuan))


def wan(yuan: object) -> Decimal | None:
    """元 -> 万元, rounded half up to the 0.01 a 决算 prints."""
    d = _decimal(yuan)
    return None if d is None else (d / WAN).quantize(CENT, ROUND_HALF_UP)


def wan_text(yuan: object, missing: str = MISSING) -> str:
    """元 -> '3,984.05 万元'."""
    w = wan(yuan)
    return missing if w is None else f"{w:,.2f} 万元"


def yuan_text(yuan: object, missing: str = MISSING) -> str:
    """元 -> '500.00 元' (a form's own figure, exact)."""
    d = _decimal(yuan)
    return missing if d is None else f"{d.quantize(CENT, ROUND_HALF_UP):,.2f} 元"


def money_text(yuan: object, missing: str = MISSING) -> str:
    """元 -> '113.23 万元'; under 1 万元 -> '500.00 元' (0.05 万元 reads wrong); unknown -> ``missing``."""
    d = _decimal(yuan)
    if d is None:
        return missing
    return yuan_text(d) if abs(d) < WAN else wan_text(d)


def wan_float(yuan: object) -> float | None:
    """元 -> 万元 as a float, for a chart's axis (the hover and text say the rounded figure)."""
    d = _decimal(yuan)
    return None if d is None else float(d / WAN)


def wan_floats(values: pl.Series) -> list[float | None]:
    """A column of 元 as 万元 floats, for a chart."""
    return [wan_float(v) for v in values.to_list()]


def wan_column(column: pl.Expr) -> pl.Expr:
    """A table column of 元 shown in 万元 (a float the table formats to 0.01)."""
    return column.cast(pl.Float64) / float(WAN)
