"""The same figure wherever two tables print it (VALIDATION.md families 4 and 6), 决算 and 预算.

T1 收入/支出 ↔ T2/T3 totals; T1's 类 rows ↔ T3's 类; T2 财政拨款收入 ↔ T4 收入; T4 ↔ T5;
T5 基本支出 ↔ T6 (人员经费 + 公用经费); T6's 30212 / 31013 / 30231 / 30217 not above the
matching 三公 item.
"""

from __future__ import annotations

from etl.model import Check
from etl.validate.arithmetic import three_public_printed
from etl.validate.figures import compare, from_line, total
from etl.validate.index import LineIndex, bare_name
from etl.validate.spec import CheckSpec

SPECS = (
    CheckSpec(
        "cross_table",
        "across_tables",
        "warning",
        "表间数字不一致",
        "同一数字在两张表中的金额（总表与明细表、财政拨款表与一般公共预算表等）",
        True,
    ),
    CheckSpec(
        "basic_composition",
        "across_tables",
        "warning",
        "基本支出与人员公用经费不符",
        "一般公共预算支出表的基本支出与基本支出经济分类表人员经费、公用经费之和",
        True,
    ),
    CheckSpec(
        "three_public_vs_basic",
        "across_tables",
        "warning",
        "经济分类科目高于三公经费",
        "基本支出经济分类表的30212、31013、30231、30217不高于三公经费表对应项目",
    ),
)

# Economic codes of the basic-expenditure table that are part of a 三公 item.
THREE_PUBLIC_CODES = (
    ("30212", "因公出国（境）费"),
    ("31013", "公务用车购置费"),
    ("30231", "公务用车运行维护费"),
    ("30217", "公务接待费"),
)


def _pair(out: list[Check], what: str, a: dict | None, b: dict | None) -> None:
    if a is None or b is None:
        return
    c = compare(
        "cross_table",
        what,
        from_line(a),
        from_line(b),
        statement=a["statement"],
        source_line=a["source_line"],
    )
    if c:
        out.append(c)


def _grand(idx: LineIndex, role: str, side: str, this_year: str) -> dict | None:
    """T1's 本年收入合计 (决算) — or, in a summary with no 结转 rows (most 预算), its 收入总计."""
    row = idx.side(role, side, this_year)
    if row is not None:
        return row
    if any("结转" in (r["name"] or "") or "结余" in (r["name"] or "") for r in idx.side_rows(role, side)):
        return None
    return idx.side(role, side, "收入总计" if side == "收入" else "支出总计", "总计")


def summary_checks(idx: LineIndex) -> list[Check]:
    out: list[Check] = []
    t1, t2, t3, t4, t5 = (
        idx.table_name(r) for r in ("summary", "income", "expenditure", "fiscal_summary", "gpb")
    )
    _, income_total = idx.row_total("income")
    spend_measure, spend_total = idx.row_total("expenditure")
    _pair(out, f"{t1}本年收入与{t2}合计", _grand(idx, "summary", "收入", "本年收入合计"), income_total)
    _pair(out, f"{t1}本年支出与{t3}合计", _grand(idx, "summary", "支出", "本年支出合计"), spend_total)
    _pair(
        out,
        f"{t2}“财政拨款收入”合计与{t4}本年收入",
        idx.total("income", "财政拨款收入", "合计"),
        _grand(idx, "fiscal_summary", "收入", "本年收入合计"),
    )
    gpb_measure, gpb_total = idx.row_total("gpb")
    t4_gpb = None
    for measure in ("一般公共预算财政拨款", "一般公共预算"):
        t4_gpb = idx.side("fiscal_summary", "支出", "本年支出合计", measure=measure)
        if t4_gpb is None and not any(
            "结转" in (r["name"] or "") for r in idx.side_rows("fiscal_summary", "支出")
        ):
            t4_gpb = idx.side("fiscal_summary", "支出", "支出总计", "总计", measure=measure)
        if t4_gpb is not None:
            break
    _pair(out, f"{t5}合计与{t4}一般公共预算支出", gpb_total, t4_gpb)
    # Each 类 row of the summary against the expenditure table's 类.
    for code, row in sorted(idx.codes("expenditure", spend_measure).items()):
        if len(code) == 3:
            _pair(
                out,
                f"{t1}与{t3} {code} {row['name']}",
                idx.side("summary", "支出", bare_name(row["name"])),
                row,
            )
    # A 预算's income table is by function too: each code's 合计 is that code's spending, when
    # the two tables' totals agree (no 结转 spent, nothing held back).
    income_measure, income_row = idx.row_total("income")
    balanced = (
        income_row is not None
        and spend_total is not None
        and income_row["amount_yuan"] == spend_total["amount_yuan"]
    )
    if idx.kind == "budget" and balanced:
        spending = idx.codes("expenditure", spend_measure)
        for code, row in sorted(idx.codes("income", income_measure).items()):
            if code in spending:
                _pair(out, f"{t2}与{t3} {code} {row['name']}", row, spending[code])
    # … and the fiscal summary's 一般公共预算 column against the gpb table's 类.
    for code, row in sorted(idx.codes("gpb", gpb_measure).items()):
        if len(code) != 3:
            continue
        for measure in ("一般公共预算财政拨款", "一般公共预算"):
            other = idx.side("fiscal_summary", "支出", bare_name(row["name"]), measure=measure)
            if other is not None:
                _pair(out, f"{t4}与{t5} {code} {row['name']}", other, row)
                break
    return out


def basic_composition_checks(idx: LineIndex) -> list[Check]:
    """T5 基本支出 合计 = T6 人员经费 + 公用经费."""
    measure = idx.measure("basic", "决算数", "合计")
    personnel = idx.total("basic", measure, "人员经费") or idx.total("basic", "人员经费", "合计")
    public = idx.total("basic", measure, "公用经费") or idx.total("basic", "公用经费", "合计")
    basic = idx.total("gpb", "基本支出", "合计")
    parts = [p for p in (from_line(r) for r in (personnel, public) if r) if p]
    if basic is None or len(parts) != 2:
        return []
    c = compare(
        "basic_composition",
        f"{idx.table_name('gpb')}基本支出与{idx.table_name('basic')}人员经费、公用经费之和",
        from_line(basic),
        total(parts, f"{idx.table_name('basic')}人员经费+公用经费"),
        statement=basic["statement"],
        source_line=basic["source_line"],
    )
    return [c] if c else []


def three_public_vs_basic(idx: LineIndex, rows: list[dict]) -> list[Check]:
    """A 三公 item's economic code in T6 is part of that item: never above it."""
    out: list[Check] = []
    items = {r["item"]: r for r in rows}
    field = "budget_yuan" if idx.kind == "budget" else "actual_yuan"
    basic = idx.codes("basic", idx.measure("basic", "决算数", "合计"))
    for code, item in THREE_PUBLIC_CODES:
        if code not in basic or item not in items:
            continue
        a, b = from_line(basic[code]), three_public_printed(items[item], field)
        if a is None or b is None or a.value - b.value <= a.half + b.half:
            continue
        out.append(
            Check(
                "three_public_vs_basic",
                "warning",
                f"{a.full()}（{basic[code]['name']}）高于{b.full()}；该经济分类科目是三公经费的一部分，不应超过三公经费表",
                statement=basic[code]["statement"],
                code=code,
                source_line=basic[code]["source_line"],
                figure=a.full(),
                compared=b.full(),
            )
        )
    return out


def checks(idx: LineIndex, three_public: list[dict]) -> list[Check]:
    return summary_checks(idx) + basic_composition_checks(idx) + three_public_vs_basic(idx, three_public)
