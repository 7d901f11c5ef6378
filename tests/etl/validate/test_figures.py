"""Tolerance from the printed precision: the envelope is the sum of every printed figure's half-unit."""

from __future__ import annotations

from decimal import Decimal

from etl.validate.figures import compare, from_value, half_unit, total


def test__half_unit_follows_the_printed_places() -> None:
    assert half_unit("3,845.49", "万元") == Decimal("50")  # 0.005 万元
    assert half_unit("686", "万元") == Decimal("5000")  # 0.5 万元
    assert half_unit("96,282,213.44", "元") == Decimal("0.005")
    assert half_unit("156211123", "元") == Decimal("0.5")  # whole 元: never 50 元


def test__four_terms_in_wan_allow_0_025() -> None:
    parts = [from_value(Decimal(v), "万元", "表") for v in ("2106.66", "326.72", "60.99", "445.69")]
    whole = from_value(Decimal("2940.05"), "万元", "表")
    c = compare("total_row_sum", "合计行与各类之和", whole, total(parts, "4个类"))
    assert c is not None and c.severity == "info" and "尾差" in c.message  # 0.01 within (4+1)×0.005


def test__beyond_the_envelope_is_the_registered_severity() -> None:
    parts = [from_value(Decimal(v), "万元", "表") for v in ("2106.66", "326.72")]
    whole = from_value(Decimal("2433.41"), "万元", "表")  # Σ = 2433.38: 0.03 > 3 × 0.005
    c = compare("total_row_sum", "合计行与各类之和", whole, total(parts, "2个类"))
    assert c is not None and c.severity == "warning"
    assert "2,433.41万元" in c.message and "2,433.38万元" in c.message and "0.03万元" in c.message
    assert c.figure and c.compared and "2,433.38" in c.compared


def test__whole_yuan_figures_allow_one_yuan_for_two_terms_not_fifty() -> None:
    parts = [from_value(Decimal(v), "元", "表") for v in ("100", "200")]
    assert (
        compare("total_row_sum", "x", from_value(Decimal("301"), "元", "表"), total(parts, "")).severity
        == "info"
    )
    c = compare("total_row_sum", "x", from_value(Decimal("303"), "元", "表"), total(parts, ""))
    assert c.severity == "warning"  # 3 元 > 1.5 元; a fixed 50 元 would have hidden it


def test__equal_figures_raise_nothing_and_units_are_converted() -> None:
    a = from_value(Decimal("9628.22"), "万元", "说明")
    b = from_value(Decimal("96282200.00"), "元", "表")
    assert compare("narrative_vs_table", "x", a, b) is None
    c = compare("narrative_vs_table", "x", a, from_value(Decimal("96282213.44"), "元", "表"))
    assert c.severity == "info" and "13.44元" in c.message and "即9,628.22万元" in c.message


def test__a_figure_cut_rather_than_rounded_is_a_rounding_difference() -> None:
    # issue 18: a 说明 printing 87.70 万元 for a table's 877,080 元 (rounded it would be 87.71)
    wan = from_value(Decimal("87.70"), "万元", "说明")
    yuan = from_value(Decimal("877080"), "元", "表")
    c = compare("narrative_item_vs_table_budget", "说明与报表", wan, yuan)
    assert c is not None and c.severity == "info" and "截位" in c.message and "尾差" in c.message
    c = compare("narrative_item_vs_table_budget", "说明与报表", yuan, wan)  # either order
    assert c is not None and c.severity == "info"


def test__cut_allows_less_than_one_unit_below_never_above() -> None:
    wan = from_value(Decimal("87.70"), "万元", "说明")
    over = compare("narrative_item_vs_table_budget", "x", wan, from_value(Decimal("877100"), "元", "表"))
    assert over is not None and over.severity == "warning"  # 87.71 万元 printed as 87.70: not a cut
    under = compare("narrative_item_vs_table_budget", "x", wan, from_value(Decimal("876940"), "元", "表"))
    assert under is not None and under.severity == "warning"  # the table is below what is printed
