"""Figures as printed, and comparing two of them with a tolerance from their printed precision.

A figure printed as 3,845.49 万元 may be off by 0.005 万元 from the value it rounds; a sum
of n printed figures by the sum of their n half-units. So the envelope of a comparison is
the sum of the half-units of every figure in it — (n + 1) × 0.005 万元 for n terms in 万元,
(n + 1) × 0.5 元 for whole 元, never a fixed amount. Inside the envelope a difference is
``info`` (尾差); beyond it the check fires at its registered severity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from etl.model import Check
from etl.validate import registry

WAN = Decimal(10000)
FACTORS = {"元": Decimal(1), "万元": WAN}


def decimals(value: Decimal | str) -> int:
    """Places printed after the point: Decimal('7682.00') -> 2, '1,234' -> 0."""
    if isinstance(value, str):
        s = value.replace(",", "").strip()
        return len(s.split(".", 1)[1]) if "." in s else 0
    return max(0, -int(value.as_tuple().exponent))


def half_unit(printed: Decimal | str, unit: str) -> Decimal:
    """Largest rounding error of one printed figure, in 元."""
    return FACTORS[unit] * Decimal(5) / Decimal(10) ** (decimals(printed) + 1)


def show(yuan: Decimal, unit: str, places: int | None = None) -> str:
    """元 -> '3,845.49万元' or '96,282,213.44元' (the unit's usual places unless given)."""
    value = yuan / FACTORS[unit]
    places = (2 if unit == "万元" or value != value.to_integral() else 0) if places is None else places
    return f"{value:,.{places}f}{unit}"


@dataclass(frozen=True)
class Printed:
    """One figure (or a sum of figures) as printed: value in 元, its envelope, its words."""

    value: Decimal  # 元
    half: Decimal  # 元: the sum of the half-units of every printed figure in it
    shown: str  # as printed with its unit: '3,845.49万元', or '1.00+2.00=3.00万元'
    where: str  # '第9页说明第99行', '表5第3行第5列（第12页）'
    unit: str = "万元"

    def full(self) -> str:
        return f"{self.shown}（{self.where}）" if self.where else self.shown


def from_line(row: dict[str, Any], where: str | None = None) -> Printed | None:
    """A budget line (a table cell) as printed."""
    if row.get("amount_yuan") is None:
        return None
    unit = row.get("unit_printed") or "万元"
    if unit not in FACTORS:
        return None
    printed = row.get("amount_printed") or str(row["amount_yuan"] / FACTORS[unit])
    if where is None:
        where = table_place(row)
    return Printed(
        row["amount_yuan"],
        half_unit(printed, unit),
        show(row["amount_yuan"], unit, decimals(printed)),
        where,
        unit,
    )


def table_place(row: dict[str, Any]) -> str:
    """'支出决算表 2080505（第12页）' for messages."""
    label = row.get("code") or (row.get("name") or "").strip()
    page = row.get("source_page")
    table = row.get("statement") or row.get("template") or ""
    measure = row.get("measure")
    what = f"{table}“{label}”" + (f"{measure}栏" if measure else "")
    return what + (f"（第{page}页）" if page else "")


def from_value(value: Decimal, unit: str, where: str) -> Printed | None:
    """A figure the 说明 states ('3845.49' in 万元), value as printed in its unit."""
    if unit not in FACTORS:
        return None
    return Printed(
        value * FACTORS[unit],
        half_unit(value, unit),
        show(value * FACTORS[unit], unit, decimals(value)),
        where,
        unit,
    )


def from_yuan(yuan: Decimal, where: str, unit: str = "万元") -> Printed:
    """An amount held in 元 whose printed form is not at hand (a 说明 item's row): shown in
    ``unit`` to the places its value needs, at least two for 万元 (the 说明's usual print)."""
    value = yuan / FACTORS[unit]
    places = max(2 if unit == "万元" else 0, decimals(value.normalize()))
    number = f"{value:.{places}f}"  # no thousands separator: a 说明 prints '43269.30万元'
    return Printed(yuan, half_unit(number, unit), f"{number}{unit}", where, unit)


def from_figure(fig: dict[str, Any], where: str | None = None) -> Printed | None:
    """A narrative figure row (value and unit as printed)."""
    if fig.get("value") is None or fig.get("unit") not in FACTORS:
        return None
    if where is None:
        where = text_place(fig)
    return from_value(fig["value"], fig["unit"], where)


def text_place(row: dict[str, Any]) -> str:
    page, line = row.get("source_page"), row.get("source_line")
    return "说明" + (f"第{page}页" if page else "") + (f"第{line}行" if line else "")


def total(parts: Iterable[Printed], where: str) -> Printed | None:
    """The sum of printed figures, its envelope the sum of theirs."""
    parts = list(parts)
    if not parts:
        return None
    value = sum((p.value for p in parts), Decimal(0))
    unit = parts[0].unit
    places = max(decimals(p.shown.replace(p.unit, "").split("=")[-1]) for p in parts)
    shown = show(value, unit, places)
    if len(parts) <= 4:
        shown = "+".join(p.shown.removesuffix(p.unit) for p in parts) + "=" + shown
    else:
        shown = f"{len(parts)}项合计{shown}"
    return Printed(value, sum((p.half for p in parts), Decimal(0)), shown, where, unit)


def truncated(a: Printed, b: Printed) -> bool:
    """One single figure printed coarser is the other cut, not rounded, at its last place
    (877,080 元 printed 87.70 万元): a difference of less than one unit of that place, below."""
    if any(sign in p.shown for p in (a, b) for sign in "+="):
        return False  # a sum's envelope is no one figure's last place
    coarse, fine = (a, b) if a.half >= b.half else (b, a)
    quantum = 2 * coarse.half
    if quantum <= 2 * fine.half:
        return False
    return coarse.value % quantum == 0 and Decimal(0) < fine.value - coarse.value < quantum


def compare(
    check: str,
    what: str,
    a: Printed | None,
    b: Printed | None,
    *,
    statement: str | None = None,
    code: str | None = None,
    source_line: int | None = None,
    page: int | None = None,
    project_ref: str | None = None,
) -> Check | None:
    """A finding when two printed figures differ: info within their envelope, else the registered severity."""
    if a is None or b is None:
        return None
    diff = abs(a.value - b.value)
    if diff == 0:
        return None
    tolerance = a.half + b.half
    spec = registry.REGISTRY[check]
    within = diff <= tolerance
    cut = not within and truncated(a, b)
    severity = "info" if within or cut else spec.severity
    unit = "元" if "元" in (a.unit, b.unit) and diff < WAN / 100 else a.unit  # 0.0013万元 reads as 13.44元
    tail = (
        f"，在印刷精度的四舍五入误差（±{show(tolerance, unit, None if unit == '元' else 3)}）以内，属尾差"
        if within
        else "，是把较精确的数截位（舍去末位以后的数）而不是四舍五入印出的，属尾差"
        if cut
        else ""
    )
    # Figures printed in different units: the second also in the first's unit, to compare at a glance.
    other = f"，即{show(b.value, a.unit)}" if a.unit != b.unit else ""
    message = f"{what}不一致：{a.full()}，{b.full()}{other}，相差 {show(diff, unit)}{tail}"
    return Check(
        check,
        severity,
        message,
        source_line=source_line,
        statement=statement,
        code=code,
        page=page,
        project_ref=project_ref,
        figure=a.full(),
        compared=b.full(),
    )
