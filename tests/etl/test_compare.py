"""Targets and actuals: operator, number and unit, and whether the actual meets the target."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.compare import meets_target, parse_comparable


@pytest.mark.parametrize(
    ("text", "op", "number", "high", "unit"),
    [
        (">=29000家", ">=", "29000", None, "家"),
        ("≥85%", ">=", "85", None, "%"),
        ("＞80%", ">", "80", None, "%"),
        ("> 90%", ">", "90", None, "%"),
        ("<5%", "<", "5", None, "%"),
        ("2-3人", "range", "2", "3", "人"),
        ("24小时内", "<=", "24", None, "小时"),
        ("=0次", "=", "0", None, "次"),
        ("21％", "=", "21", None, "%"),
    ],
)
def test__parse_comparable__reads_operator_number_unit(text, op, number, high, unit) -> None:
    c = parse_comparable(text)
    assert (c.op, c.number, c.high, c.unit) == (
        op,
        Decimal(number),
        None if high is None else Decimal(high),
        unit,
    )


@pytest.mark.parametrize("text", ["及时", "提高", "健全", "接单后7个自然日内", None])
def test__parse_comparable__text_values_have_no_number(text) -> None:
    assert parse_comparable(text).number is None


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        (">=29000家", "3146", False),  # 松江 2021 窗口业务管理: missed, scored 6/7
        ("100%", "0%", False),  # 松江 2020 宣传与推广 居民知晓度: missed, scored 9/9
        ("≥20", "≥5", False),  # 松江 2020 硬件购置数
        ("≥85%", "≥85%", True),
        ("2-3人", "2-3人", True),
        ("<5%", "<5%", True),
        ("提高", "未执行", False),
        ("及时", "及时", True),
        ("及时性", "及时", None),
        ("=100%", "100%", True),
        ("90%", "95%", True),
    ],
)
def test__meets_target(target, actual, expected) -> None:
    assert meets_target(target, actual) is expected
