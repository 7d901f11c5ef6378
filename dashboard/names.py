"""How the app names one project in a chart, so two projects of the same name never read as one.

Departments reuse names (党建经费, 宣传与推广) across units, years and forms. A chart's
category axis or hover shows '名称（区 年度）'; where two rows would still read the same,
the 实施单位, the form (绩效自评 / 绩效目标申报) and the 全年预算数 are added until they differ.
"""

from __future__ import annotations

from collections import Counter

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
