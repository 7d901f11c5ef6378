"""dashboard.names: two projects of the same name never read as one in a chart."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from dashboard.names import project_labels


def _frame(**columns: list) -> pl.DataFrame:
    return pl.DataFrame(columns, schema_overrides={"budget_full_year_yuan": pl.Decimal(18, 2)})


def test__distinct_names__name_district_and_year_only() -> None:
    df = _frame(project_name=["业务培训", "党建经费"], district=["松江", "闵行"], year=[2021, 2022])
    assert project_labels(df) == ["业务培训（松江 2021）", "党建经费（闵行 2022）"]


def test__same_name_in_two_units__the_unit_tells_them_apart() -> None:
    df = _frame(
        project_name=["党建经费", "党建经费"],
        district=["松江", "松江"],
        year=[2021, 2021],
        unit=["上海市松江区城市运行管理中心", "上海市松江区行政服务中心"],
    )
    assert project_labels(df) == [
        "党建经费（松江 2021） · 城市运行管理中心",
        "党建经费（松江 2021） · 行政服务中心",
    ]


def test__same_unit__the_form_then_the_amount_tell_them_apart() -> None:
    df = _frame(
        project_name=["宣传与推广"] * 3,
        district=["松江"] * 3,
        year=[2021] * 3,
        unit=["行政服务中心"] * 3,
        kind=["self_evaluation", "self_evaluation", "target_declaration"],
        budget_full_year_yuan=[Decimal("712723.00"), Decimal("5000.00"), None],
    )
    assert project_labels(df) == [
        "宣传与推广（松江 2021） · 绩效自评 · 71.27 万元",
        "宣传与推广（松江 2021） · 绩效自评 · 5,000.00 元",  # below 1 万元 the amount reads in 元
        "宣传与推广（松江 2021） · 绩效目标申报",
    ]


def test__rows_alike_in_everything_are_numbered() -> None:
    df = _frame(project_name=["台式电脑", "台式电脑"], district=["青浦", "青浦"], year=[2020, 2020])
    assert project_labels(df) == ["台式电脑（青浦 2020） · 其1", "台式电脑（青浦 2020） · 其2"]
