"""Arithmetic inside a table, on tiny hand-written tables: one case that must fire, one
within rounding that must not be more than info."""

from __future__ import annotations

from etl.validate import arithmetic
from etl.validate.index import LineIndex
from tests.etl.validate.frames import line, three_public

T3 = "支出决算表"
T1 = "收入支出决算总表"
T6B = "一般公共预算基本支出经济分类预算表"


def _ids(checks: list, severity: str | None = None) -> list[str]:
    return [c.check for c in checks if severity is None or c.severity == severity]


def _hierarchy(class_amount: str) -> list:
    rows = [
        line(T3, "本年支出合计", class_amount, code="208"),
        line(T3, "本年支出合计", "100.01", code="20805"),
        line(T3, "本年支出合计", "50.02", code="20808"),
    ]
    return arithmetic.hierarchy_checks(LineIndex(rows))


def test__hierarchy__class_above_its_kuan_fires() -> None:
    checks = _hierarchy("151.03")  # 100.01 + 50.02 = 150.03
    assert _ids(checks, "warning") == ["hierarchy_sum"]
    assert "151.03万元" in checks[0].message and "150.03万元" in checks[0].message


def test__hierarchy__rounding_is_info() -> None:
    assert _ids(_hierarchy("150.04"), "warning") == []
    assert _ids(_hierarchy("150.04"), "info") == ["hierarchy_sum"]
    assert _hierarchy("150.03") == []


def _total_row(total: str) -> list:
    rows = [
        line(T3, "本年支出合计", "10.00", code="201"),
        line(T3, "本年支出合计", "20.00", code="208"),
        line(T3, "本年支出合计", total, name="合计", total=True),
    ]
    return arithmetic.total_row_checks(LineIndex(rows))


def test__total_row__fires_and_rounding_is_info() -> None:
    assert _ids(_total_row("30.10"), "warning") == ["total_row_sum"]
    assert _ids(_total_row("30.01")) == ["total_row_sum"] and _ids(_total_row("30.01"), "warning") == []
    assert _total_row("30.00") == []


def _composition(total: str, unit: str = "万元", kind: str = "final_accounts") -> list:
    rows = [
        line(T3, "本年支出合计", total, code="20805", unit=unit, kind=kind),
        line(T3, "基本支出", "60.00" if unit == "万元" else "600000", code="20805", unit=unit, kind=kind),
        line(T3, "项目支出", "40.00" if unit == "万元" else "400000", code="20805", unit=unit, kind=kind),
    ]
    return arithmetic.row_composition_checks(LineIndex(rows))


def test__row_composition__fires_and_rounding_is_info() -> None:
    assert _ids(_composition("100.20"), "warning") == ["row_composition"]
    assert _ids(_composition("100.01"), "info") == ["row_composition"]
    assert _composition("100.00") == []


def test__row_composition__whole_yuan_budget_is_tight() -> None:
    # Printed in whole 元: 600000 + 400000 against 1000002 is 2 元 off, beyond 3 × 0.5 元.
    checks = _composition("1000002", unit="元", kind="budget")
    assert _ids(checks, "warning") == ["row_composition"]
    assert _ids(_composition("1000001", unit="元", kind="budget"), "info") == ["row_composition"]


def test__row_composition__missing_part_is_unknown_not_zero() -> None:
    # The table prints a 项目支出 column (row 20808 fills it) but 20805 leaves it blank.
    rows = [
        line(T3, "本年支出合计", "100.00", code="20805"),
        line(T3, "基本支出", "60.00", code="20805"),
        line(T3, "本年支出合计", "5.00", code="20808"),
        line(T3, "项目支出", "5.00", code="20808"),
    ]
    assert arithmetic.row_composition_checks(LineIndex(rows)) == []


def _basic(personnel: str) -> list:
    rows = [
        line(T6B, "合计", "80.00", code="301", kind="budget"),
        line(T6B, "合计", "5.00", code="303", kind="budget"),
        line(T6B, "合计", "15.00", code="302", kind="budget"),
        line(T6B, "人员经费", personnel, name="合计", total=True, kind="budget"),
        line(T6B, "公用经费", "15.00", name="合计", total=True, kind="budget"),
    ]
    return arithmetic.basic_checks(LineIndex(rows))


def test__basic__personnel_is_301_plus_303() -> None:
    assert _ids(_basic("86.00"), "warning") == ["basic_personnel"]
    assert _ids(_basic("85.01"), "warning") == [] and _ids(_basic("85.01"), "info") == ["basic_personnel"]
    assert _basic("85.00") == []


def _three(total: str) -> list:
    rows = [
        three_public("合计", "10.00", total),
        three_public("因公出国（境）费", "0.00", "0.00"),
        three_public("公务用车购置及运行维护费", "6.00", "5.00"),
        three_public("公务用车购置费", "0.00", "0.00"),
        three_public("公务用车运行维护费", "6.00", "5.00"),
        three_public("公务接待费", "4.00", "2.00"),
    ]
    return arithmetic.three_public_checks(rows)


def test__three_public__total_is_the_three_items() -> None:
    checks = _three("8.00")  # 决算数 0 + 5 + 2 = 7
    assert _ids(checks, "warning") == ["three_public_sum"] and "决算数" in checks[0].message
    assert _ids(_three("7.01"), "warning") == [] and _ids(_three("7.01"), "info") == ["three_public_sum"]


def _balance(spending: str) -> list:
    rows = [
        line(T1, "决算数", "100.00", name="总计", side="收入", total=True),
        line(T1, "决算数", spending, name="总计", side="支出", total=True),
    ]
    return arithmetic.balance_checks(LineIndex(rows))


def test__balance__income_equals_expenditure() -> None:
    assert _ids(_balance("99.00"), "warning") == ["summary_balance"]
    assert _balance("100.00") == []


def test__basic__public_is_the_other_classes() -> None:
    rows = [
        line(T6B, "合计", "80.00", code="301", kind="budget"),
        line(T6B, "合计", "15.00", code="302", kind="budget"),
        line(T6B, "合计", "3.00", code="310", kind="budget"),
        line(T6B, "人员经费", "80.00", name="合计", total=True, kind="budget"),
        line(T6B, "公用经费", "15.00", name="合计", total=True, kind="budget"),  # 302 + 310 = 18
    ]
    checks = arithmetic.basic_checks(LineIndex(rows))
    assert _ids(checks, "warning") == ["basic_public"]
    assert "302+310" in checks[0].message and "18.00" in checks[0].message
