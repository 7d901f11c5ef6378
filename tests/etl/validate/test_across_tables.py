"""The same figure in two tables, on tiny hand-written 决算 and 预算 tables."""

from __future__ import annotations

from etl.validate import across_tables
from etl.validate.index import LineIndex
from tests.etl.validate.frames import line, three_public

T1, T3, T5, T6 = (
    "收入支出决算总表",
    "支出决算表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
)
B1, B3 = "财务收支预算总表", "支出预算总表"


def _ids(checks: list, severity: str = "warning") -> list[str]:
    return [c.check for c in checks if c.severity == severity]


def _summary(t3_total: str) -> list:
    rows = [
        line(T1, "决算数", "100.00", name="本年支出合计", side="支出", total=True, page=6),
        line(T3, "本年支出合计", t3_total, name="合计", total=True, page=10),
    ]
    return across_tables.summary_checks(LineIndex(rows))


def test__summary_vs_expenditure_total() -> None:
    checks = _summary("101.00")
    assert _ids(checks) == ["cross_table"]
    assert "第6页" in checks[0].message and "第10页" in checks[0].message
    assert _ids(_summary("100.01")) == [] and _ids(_summary("100.01"), "info") == ["cross_table"]


def test__budget_summary_grand_total_vs_expenditure_total_in_whole_yuan() -> None:
    def run(t3: str) -> list:
        rows = [
            line(
                B1, "预算数", "156211123", name="支出总计", side="支出", total=True, unit="元", kind="budget"
            ),
            line(B3, "合计", t3, name="合计", total=True, unit="元", kind="budget"),
        ]
        return across_tables.summary_checks(LineIndex(rows))

    assert _ids(run("156211125")) == ["cross_table"]  # 2 元 > 0.5 + 0.5
    assert _ids(run("156211124"), "info") == ["cross_table"]
    assert run("156211123") == []


def test__class_row_of_the_summary_vs_the_expenditure_table() -> None:
    rows = [
        line(T1, "决算数", "326.71", name="八、社会保障和就业支出", side="支出"),
        line(T3, "本年支出合计", "326.72", code="208", name="社会保障和就业支出"),
        line(T3, "本年支出合计", "327.72", code="210", name="卫生健康支出"),
        line(T1, "决算数", "320.00", name="九、卫生健康支出", side="支出"),
    ]
    checks = across_tables.summary_checks(LineIndex(rows))
    warnings = [c for c in checks if c.severity == "warning"]
    assert [c.check for c in warnings] == ["cross_table"] and "210" in warnings[0].message
    assert _ids(checks, "info") == ["cross_table"]  # 208: 326.71 vs 326.72, one figure each


def test__basic_is_personnel_plus_public() -> None:
    def run(basic: str) -> list:
        rows = [
            line(T5, "基本支出", basic, name="合计", total=True),
            line(T6, "决算数", "80.00", name="人员经费合计", total=True),
            line(T6, "决算数", "20.00", name="公用经费合计", total=True),
        ]
        return across_tables.basic_composition_checks(LineIndex(rows))

    assert _ids(run("110.00")) == ["basic_composition"]
    assert _ids(run("100.01"), "info") == ["basic_composition"]
    assert run("100.00") == []


def test__economic_code_above_its_three_public_item() -> None:
    def run(reception: str) -> list:
        rows = [line(T6, "决算数", reception, code="30217", name="公务接待费")]
        tp = [three_public("公务接待费", "3.00", "2.00")]
        return across_tables.three_public_vs_basic(LineIndex(rows), tp)

    checks = run("2.50")
    assert _ids(checks) == ["three_public_vs_basic"] and "2.50万元" in checks[0].message
    assert run("2.00") == [] and run("1.50") == []


def test__budget_income_by_function_mirrors_spending_by_function() -> None:
    def run(income_2040601: str) -> list:
        b2, b3 = "收入预算总表", "支出预算总表"
        rows = [
            line(b2, "合计", "300", name="合计", total=True, unit="元", kind="budget"),
            line(b3, "合计", "300", name="合计", total=True, unit="元", kind="budget"),
            line(b2, "合计", income_2040601, code="2040601", name="行政运行", unit="元", kind="budget"),
            line(b3, "合计", "200", code="2040601", name="行政运行", unit="元", kind="budget"),
        ]
        return across_tables.summary_checks(LineIndex(rows))

    assert _ids(run("210")) == ["cross_table"]
    assert run("200") == []
