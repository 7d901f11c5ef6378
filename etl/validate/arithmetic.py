"""Arithmetic inside one table (VALIDATION.md families 2, 3, 5, 6), for 决算 and 预算 alike.

类 = Σ款 = Σ项; the 合计 row = Σ类; each row's 合计 = 基本 + 项目 (+ …); 人员经费 =
301 + 303, 公用经费 = the other 类, 人员 + 公用 = 基本支出; 三公 合计 = Σ parts and 公务用车
= 购置 + 运行; 收入总计 = 支出总计 in the balanced summary tables.
"""

from __future__ import annotations

from collections import defaultdict

from etl.model import Check
from etl.textutil import squash
from etl.validate.figures import Printed, compare, from_line, half_unit, show, total
from etl.validate.index import LineIndex
from etl.validate.spec import CheckSpec

SPECS = (
    CheckSpec(
        "hierarchy_sum",
        "arithmetic",
        "warning",
        "类款项合计不符",
        "一个类（款）的金额与其下各款（项）之和",
        True,
    ),
    CheckSpec(
        "total_row_sum", "arithmetic", "warning", "合计行与各类之和不符", "表中合计行与各类金额之和", True
    ),
    CheckSpec(
        "row_composition",
        "arithmetic",
        "warning",
        "行内各栏之和不符",
        "每行的合计栏与基本支出、项目支出等各栏之和（收入表为各收入来源之和）",
        True,
    ),
    CheckSpec(
        "basic_personnel",
        "arithmetic",
        "warning",
        "人员经费合计不符",
        "基本支出经济分类表人员经费与301、303之和",
        True,
    ),
    CheckSpec(
        "basic_public",
        "arithmetic",
        "warning",
        "公用经费合计不符",
        "基本支出经济分类表公用经费与其余各类之和",
        True,
    ),
    CheckSpec(
        "three_public_sum",
        "arithmetic",
        "warning",
        "三公经费合计不符",
        "三公经费合计与三项之和、公务用车小计与购置费和运行费之和",
        True,
    ),
    CheckSpec(
        "summary_balance",
        "arithmetic",
        "warning",
        "收支总表不平衡",
        "收支总表（含财政拨款收支总表）收入总计与支出总计",
        True,
    ),
)

INCOME_PARTS = (
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "事业单位经营收入",
    "附属单位上缴收入",
    "其他收入",
)
# 单位预留机动经费: the reserve a 江苏 支出预算总表 prints beside 基本支出 and 项目支出.
EXPENSE_PARTS = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出", "单位预留机动经费")
PERSONNEL_CLASSES = ("301", "303")
_LEVEL = {3: "类", 5: "款"}
_SUB = {3: "款", 5: "项"}


def hierarchy_checks(idx: LineIndex) -> list[Check]:
    """类 = Σ款, 款 = Σ项 (by code prefix), per table and column."""
    out = []
    for role in sorted(idx.roles):
        for measure in sorted(idx.measures(role)):
            codes = idx.codes(role, measure)
            for code, row in sorted(codes.items()):
                if len(code) not in _LEVEL:
                    continue
                children = [r for c, r in codes.items() if len(c) == len(code) + 2 and c.startswith(code)]
                parts = [p for p in (from_line(r) for r in children) if p]
                if not parts or len(parts) != len(children):
                    continue
                name = idx.table_name(role)
                c = compare(
                    "hierarchy_sum",
                    f"{name}“{measure}”栏 {code} {row['name']}（{_LEVEL[len(code)]}）与其下各{_SUB[len(code)]}之和",
                    from_line(row),
                    total(parts, f"其下{len(parts)}个{_SUB[len(code)]}"),
                    statement=row["statement"],
                    code=code,
                    source_line=row["source_line"],
                )
                if c:
                    out.append(c)
    return out


def total_row_checks(idx: LineIndex) -> list[Check]:
    """Printed 合计 row = Σ类 for every column of the detail tables."""
    out = []
    for role in (
        "income",
        "expenditure",
        "gpb",
        "gov_fund",
        "soe",
        "basic",
        "fiscal_expenditure",
        "fiscal_basic",
        "operating_costs",
    ):
        for measure in sorted(idx.measures(role)):
            row = idx.total(role, measure, "合计")
            classes = [r for c, r in idx.codes(role, measure).items() if len(c) == 3]
            parts = [p for p in (from_line(r) for r in classes) if p]
            if row is None or not parts:
                continue
            c = compare(
                "total_row_sum",
                f"{idx.table_name(role)}“{measure}”栏合计行与各类之和",
                from_line(row),
                total(parts, f"{len(parts)}个类"),
                statement=row["statement"],
                source_line=row["source_line"],
            )
            if c:
                out.append(c)
    return out


def row_composition_checks(idx: LineIndex) -> list[Check]:
    """Each row: 合计 = 基本 + 项目 (+ …); 收入 合计 = Σ收入来源; basic: 合计 = 人员 + 公用."""
    out = []
    plans = (
        ("expenditure", ("本年支出合计", "合计"), EXPENSE_PARTS),
        ("gpb", ("合计",), EXPENSE_PARTS[:2]),
        ("income", ("本年收入合计", "合计"), INCOME_PARTS),
        ("basic", ("合计",), ("人员经费", "公用经费")),
    )
    for role, total_measures, parts in plans:
        measure = idx.measure(role, *total_measures)
        if measure is None:
            continue
        keyed: dict[str, dict[str, dict]] = defaultdict(dict)
        for r in idx.rows:
            if r["role"] != role or r["amount_yuan"] is None or r.get("side"):
                continue
            keyed[r["code"] or squash(r["name"])][r["measure"]] = r
        columns = [p for p in parts if p in idx.measures(role)]  # the parts this table prints
        for key, cells in keyed.items():
            row = cells.get(measure)
            present = [cells[p] for p in columns if p in cells]
            if row is None or not present:
                continue
            printed = [p for p in (from_line(r) for r in present) if p]
            whole = from_line(row)
            sum_ = total(printed, "+".join(r["measure"] for r in present))
            # Blank cells are unknown, not zero: with parts missing, only report parts exceeding the total.
            if whole is None or sum_ is None or (len(present) < len(columns) and sum_.value < whole.value):
                continue
            c = compare(
                "row_composition",
                f"{idx.table_name(role)} {key}：{measure}栏与{'+'.join(r['measure'] for r in present)}",
                whole,
                sum_,
                statement=row["statement"],
                code=row["code"],
                source_line=row["source_line"],
            )
            if c:
                out.append(c)
    return out


def basic_checks(idx: LineIndex) -> list[Check]:
    """人员经费 = 301 + 303; 公用经费 = the other 类 (决算: the 决算数 column; 预算: the 合计 column)."""
    out: list[Check] = []
    measure = idx.measure("basic", "决算数", "合计")
    classes = {c: r for c, r in idx.codes("basic", measure).items() if len(c) == 3}
    personnel = idx.total("basic", measure, "人员经费") or idx.total("basic", "人员经费", "合计")
    public = idx.total("basic", measure, "公用经费") or idx.total("basic", "公用经费", "合计")
    name = idx.table_name("basic")
    for check, whole, codes, label in (
        ("basic_personnel", personnel, [c for c in PERSONNEL_CLASSES if c in classes], "人员经费"),
        ("basic_public", public, sorted(c for c in classes if c not in PERSONNEL_CLASSES), "公用经费"),
    ):
        parts = [p for p in (from_line(classes[c]) for c in codes) if p]
        if whole is None or not parts:
            continue
        c = compare(
            check,
            f"{name}{label}合计与 {'+'.join(codes)} 之和",
            from_line(whole),
            total(parts, "+".join(codes)),
            statement=whole["statement"],
            source_line=whole["source_line"],
        )
        if c:
            out.append(c)
    return out


def three_public_printed(row: dict, field: str) -> Printed | None:
    """A 三公 table figure: unit and places as printed (older rows: 万元 for 决算, 元 for 预算)."""
    value = row.get(field)
    if value is None:
        return None
    unit = row.get("unit_printed") or "万元"  # rows built by hand may omit it; both templates print 万元
    printed = row.get(field.replace("_yuan", "_printed")) or f"{value / (10000 if unit == '万元' else 1):f}"
    label = {"budget_yuan": "预算数", "actual_yuan": "决算数"}[field]
    where = f"三公经费表“{row['item']}”{label}" + (
        f"（第{row['source_page']}页）" if row.get("source_page") else ""
    )
    places = len(printed.split(".", 1)[1]) if "." in printed else 0
    return Printed(value, half_unit(printed, unit), show(value, unit, places), where, unit)


def three_public_checks(rows: list[dict]) -> list[Check]:
    """合计 = 因公出国（境） + 公务用车 + 公务接待; 公务用车 = 购置 + 运行, for 预算数 and 决算数."""
    out: list[Check] = []
    items = {r["item"]: r for r in rows}
    for field, label in (("budget_yuan", "预算数"), ("actual_yuan", "决算数")):

        def get(name: str, field: str = field) -> Printed | None:
            r = items.get(name)
            return None if r is None else three_public_printed(r, field)

        for whole, parts, what in (
            ("合计", ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"), "合计与三项之和"),
            (
                "公务用车购置及运行维护费",
                ("公务用车购置费", "公务用车运行维护费"),
                "公务用车小计与购置费、运行维护费之和",
            ),
        ):
            figures = [get(p) for p in parts]
            if get(whole) is None or None in figures:
                continue
            c = compare(
                "three_public_sum",
                f"三公经费{label}：{what}",
                get(whole),
                total([f for f in figures if f], "各项"),
                statement=items[whole].get("statement") or "三公经费表",
                source_line=items[whole]["source_line"],
            )
            if c:
                out.append(c)
    return out


def balance_checks(idx: LineIndex) -> list[Check]:
    """T1 and T4: 收入总计 = 支出总计 (the grand totals; T4's 合计 column, not each fund's)."""
    out: list[Check] = []
    for role in ("summary", "fiscal_summary"):
        income = idx.side(role, "收入", "收入总计", "总计")
        measures = {r["measure"] for r in idx.side_rows(role, "支出")}
        measure = next((m for m in ("合计", "决算数", "预算数") if m in measures), None)
        spending = idx.side(role, "支出", "支出总计", "总计", measure=measure) if measure else None
        if income is None or spending is None:
            continue
        c = compare(
            "summary_balance",
            f"{idx.table_name(role)}收入总计与支出总计",
            from_line(income),
            from_line(spending),
            statement=income["statement"],
            source_line=income["source_line"],
        )
        if c:
            out.append(c)
    return out


def checks(idx: LineIndex, three_public: list[dict]) -> list[Check]:
    return (
        hierarchy_checks(idx)
        + total_row_checks(idx)
        + row_composition_checks(idx)
        + basic_checks(idx)
        + three_public_checks(three_public)
        + balance_checks(idx)
    )
