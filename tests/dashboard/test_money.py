"""One rounding for every 万元 on screen and in files (issue 19: four formatters rounded two ways)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from dashboard import export, money


def test__half_up_at_a_hundredth_of_a_wan_everywhere() -> None:
    # 12,345.50 元 is 1.23455 万元: half up gives 1.23 (the float path once gave 1.23 or 1.24 by luck)
    assert money.wan_text(Decimal("12345.50")) == "1.23 万元"
    assert money.wan_text(Decimal("12350.00")) == "1.24 万元"  # 1.235 -> 1.24, half up
    assert export.money_text(Decimal("12350.00")) == money.money_text(Decimal("12350.00")) == "1.24 万元"


def test__small_figures_in_yuan_and_missing_said() -> None:
    assert money.money_text(Decimal("950.00")) == "950.00 元"
    assert money.money_text(None, "未印") == "未印"
    assert money.yuan_text(Decimal("10903043")) == "10,903,043.00 元"


def test__table_and_chart_columns_in_wan() -> None:
    s = pl.Series("a", [Decimal("39840500.00"), None], dtype=pl.Decimal(18, 2))
    assert money.wan_floats(s) == [3984.05, None]
    out = pl.DataFrame({"a": s}).select(money.wan_column(pl.col("a")))["a"].to_list()
    assert out == [3984.05, None]


def test__screen_labels_are_the_schemas_with_the_unit_they_show() -> None:
    # issue 19: etl/schema.py and ui.LABELS named 43 columns twice and 12 of them differently
    from dashboard import ui
    from etl.schema import labels

    stored = labels("projects")
    assert (
        ui.LABELS["executed_yuan"]
        == stored["executed_yuan"].replace("（元）", "（万元）")
        == "全年执行数（万元）"
    )
    assert ui.LABELS["source_page"] == stored["source_page"]
    assert not set(ui.PAGE_LABELS) & set(ui.STORED_LABELS), "a stored column named again on the pages"


def test__a_finding_wraps_between_chinese_characters_not_at_its_figures() -> None:
    # issue 19.9: "第 23⏎页", "找到的 2⏎张": the table broke a finding at the spaces around a figure
    from dashboard import ui

    shown = ui.for_display(pl.DataFrame({"message": ["第 23 页的表格中找到的 2 张绩效表"]}))["message"][0]
    assert " " not in shown and shown == "第\u00a023\u00a0页的表格中找到的\u00a02\u00a0张绩效表"
