"""How the app names things: a project in a chart (two projects of the same name never read as one),
a department without its city and district, what a figure covers.

Departments reuse names (党建经费, 宣传与推广) across units, years and forms. A chart's
category axis or hover shows '名称（区 年度）'; where two rows would still read the same,
the 实施单位, the form (绩效自评 / 绩效目标申报) and the 全年预算数 are added until they differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import polars as pl

from dashboard.export import VALUE_WORDS, money_text


def _short_unit(unit: object, district: object) -> str:
    text = str(unit or "").removeprefix("上海市")
    if district:
        text = text.removeprefix(f"{district}区")
    return text or "单位未印"


def project_labels(df: pl.DataFrame) -> list[str]:
    """One label per row, unique across the frame (rows in the frame's order).

    Needs project_name, district and year; uses unit (or department), kind and
    budget_full_year_yuan when present; a last resort numbers the rows that remain alike.
    """
    if df.is_empty():
        return []
    year = pl.col("year").cast(pl.String) if "year" in df.columns else pl.lit(None, pl.String)
    base = df.select(
        pl.format(
            "{}（{} {}）",
            pl.col("project_name").fill_null("（未印项目名称）"),
            pl.col("district").fill_null("—"),
            year.fill_null("—"),
        ).alias("label")
    )["label"]
    labels = base.to_list()
    alike = base.is_duplicated()
    if not alike.any():
        return labels  # the usual case: no two rows read the same, no row-by-row work
    # Only the rows that read alike are looked at again, one detail at a time.
    index = alike.arg_true().to_list()
    rows = dict(zip(index, df[index].to_dicts(), strict=True))
    extras = (
        lambda r: _short_unit(r.get("unit") or r.get("department"), r.get("district")),
        lambda r: VALUE_WORDS["kind"].get(str(r.get("kind")), ""),
        lambda r: money_text(r.get("budget_full_year_yuan"), "金额未印"),
    )
    for extra in extras:
        groups: dict[str, list[int]] = {}
        for i in index:
            groups.setdefault(labels[i], []).append(i)
        for members in groups.values():
            words = [extra(rows[i]) for i in members]
            if len(members) > 1 and len(set(words)) > 1:  # this detail tells them apart
                for i, word in zip(members, words, strict=True):
                    labels[i] = f"{labels[i]} · {word or '—'}"
    counts = Counter(labels[i] for i in index)
    seen: Counter[str] = Counter()
    for i in index:
        if counts[labels[i]] > 1:
            seen[labels[i]] += 1
            labels[i] = f"{labels[i]} · 其{seen[labels[i]]}"
    return labels


def short_department(name: str, district: str | None = None) -> str:
    """'上海市松江区城市运行管理中心' -> '城市运行管理中心' (the city and district are said elsewhere)."""
    out = name.removeprefix("上海市")
    if district:
        out = out.removeprefix(f"{district}区")
    return out or name


def coverage_label(district: str | None, departments: Sequence[str] | None, none: str | None = None) -> str:
    """What a figure covers: '松江区 · 城市运行管理中心' or '松江区 · 3 个部门', never the district alone;
    ``none`` says what an empty list means (no such document: '无部门决算'), else the name was not read."""
    where = f"{district}区" if district else "未识别区"
    names = sorted({d for d in departments or [] if d})
    if not names:
        return (
            none
            if none is not None and departments is not None and not departments
            else f"{where} · 部门未识别"
        )
    if not district:  # another province's or a municipal department: its own name says where it is
        return names[0] if len(names) == 1 else f"{len(names)} 个部门（非上海各区）"
    if len(names) == 1:
        return f"{where} · {short_department(names[0], district)}"
    return f"{where} · {len(names)} 个部门"
