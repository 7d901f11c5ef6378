"""Each self-evaluated project: weights, scores, the printed execution rate."""

from __future__ import annotations

from decimal import Decimal

from etl.normalize import SELF_EVALUATION
from etl.validate import performance


def _project(**kw: object) -> dict:
    base = {
        "project_id": "p1",
        "project_name": "党建经费",
        "source_line": 10,
        "kind": SELF_EVALUATION,
        "execution_weight": Decimal(10),
        "execution_score": Decimal("5.58"),
        "score_max": Decimal(100),
        "score_total": Decimal("95.58"),
        "budget_full_year_yuan": Decimal("10000.00"),
        "executed_yuan": Decimal("5576.32"),
        "execution_rate": Decimal("0.5576"),
    }
    return {**base, **kw}


def _indicators(weights: tuple[int, ...] = (50, 40), scores: tuple[str, ...] = ("50", "40")) -> list[dict]:
    return [
        {"project_id": "p1", "weight": Decimal(w), "score": Decimal(s)}
        for w, s in zip(weights, scores, strict=True)
    ]


def _ids(checks: list, severity: str = "warning") -> list[str]:
    return [c.check for c in checks if c.severity == severity]


def test__consistent_project_raises_nothing() -> None:
    assert performance.project_checks([_project()], _indicators()) == []


def test__weights_must_add_to_the_maximum() -> None:
    assert _ids(performance.project_checks([_project()], _indicators((50, 30), ("50", "40")))) == [
        "weights_sum"
    ]


def test__scores_must_add_to_the_total() -> None:
    checks = performance.project_checks([_project(score_total=Decimal("97"))], _indicators())
    assert _ids(checks) == ["scores_sum"] and "97" in checks[0].message and "95.58" in checks[0].message


def test__score_above_maximum_is_an_error() -> None:
    checks = performance.project_checks([_project(score_total=Decimal("101"))], [])
    assert _ids(checks, "error") == ["score_above_max"]


def test__execution_rate_half_a_point_is_info_beyond_is_warning() -> None:
    # 5576.32 / 10000 = 55.76%; printed 55.77% is 0.01 point off (info), 57.00% is 1.24 points (warning).
    assert _ids(
        performance.project_checks([_project(execution_rate=Decimal("0.5577"))], _indicators()), "info"
    ) == ["execution_rate"]
    checks = performance.project_checks([_project(execution_rate=Decimal("0.57"))], _indicators())
    assert _ids(checks) == ["execution_rate"] and "55.76%" in checks[0].message


def test__executed_above_budget() -> None:
    checks = performance.project_checks(
        [_project(executed_yuan=Decimal("12000.00"), execution_rate=Decimal("1.2"))], _indicators()
    )
    assert _ids(checks) == ["executed_above_budget"]


def test__indicator_score_above_its_weight() -> None:
    inds = [
        {
            "project_id": "p1",
            "weight": Decimal(50),
            "score": Decimal(52),
            "level3": "完成率",
            "source_line": 12,
        },
        {
            "project_id": "p1",
            "weight": Decimal(40),
            "score": Decimal(38),
            "level3": "及时率",
            "source_line": 13,
        },
    ]
    checks = performance.indicator_checks(inds, [_project()])
    assert [(c.check, c.source_line) for c in checks] == [("indicator_score_above_weight", 12)]
    assert "完成率" in checks[0].message and "52" in checks[0].message and "50" in checks[0].message


def test__section_points_against_its_indicators() -> None:
    # 青浦: 产出目标 printed as 24 分, its two indicators weigh 12 + 10 = 22.
    project = _project(extra_json='{"分值:产出目标": "24"}')
    inds = [
        {
            "project_id": "p1",
            "weight": Decimal(12),
            "score": Decimal(12),
            "level1": "产出目标",
            "level3": "a",
            "source_line": 1,
        },
        {
            "project_id": "p1",
            "weight": Decimal(10),
            "score": Decimal(10),
            "level1": "产出目标",
            "level3": "b",
            "source_line": 2,
        },
    ]
    checks = performance.indicator_checks(inds, [project])
    assert [c.check for c in checks] == ["section_weights_sum"] and "24" in checks[0].message
    assert performance.indicator_checks(inds, [_project(extra_json='{"分值:产出目标": "22"}')]) == []


def _declaration(**extra: str) -> dict:
    import json

    return {
        "project_id": "d1",
        "project_name": "热线服务",
        "source_line": 5,
        "source_page": 31,
        "kind": "target_declaration",
        "amount_unit_printed": "元",
        "extra_json": json.dumps(extra, ensure_ascii=False),
    }


def test__declaration_total_is_fiscal_plus_other() -> None:
    # Labels as the grid layout keeps them (forms.toml `extra`): 项目资金总额 ≠ 财政资金 + 其他资金.
    p = _declaration(
        项目资金总额="5,000,000.00",
        财政资金="4,000,000.00",
        其他资金="500,000.00",
        年度资金申请总额="5,000,000.00",
    )
    checks = performance.declaration_checks([p])
    assert [(c.check, c.severity) for c in checks] == [("declaration_total_split_mismatch", "warning")]
    assert (
        "5,000,000.00" in checks[0].message
        and "4,500,000.00" in checks[0].message
        and "第 31 页" in checks[0].message
    )


def test__declaration_text_layout_keys_and_consistent_form() -> None:
    # Keys as the text layout keeps them (fund_<name>); every sum holds: nothing to report.
    p = _declaration(
        fund_total="50000.00",
        fund_annual="50000",
        fund_fiscal="50000",
        fund_current_year="50000",
        fund_carryover="0",
        fund_other="0",
    )
    assert performance.declaration_checks([p]) == []


def _indicator(level3: str, target: str, actual: str, weight: str, score: str, met: bool | None) -> dict:
    return {
        "project_id": "p1", "level3": level3, "target_value": target, "actual_value": actual,
        "weight": Decimal(weight), "score": Decimal(score), "meets_target": met, "source_line": 20,
    }  # fmt: skip


def test__a_missed_target_with_full_points_is_a_warning() -> None:
    # issue 19: the audit findings the 绩效评分 page listed are checks of the registry
    inds = [
        _indicator("完成率", "≥95%", "90%", "20", "20", False),  # missed, full points
        _indicator("满意度", "≥90%", "85%", "10", "8", False),  # missed, points lost: fine
        _indicator("及时率", "100%", "100%", "10", "10", True),
    ]
    (c,) = performance.audit_checks(inds, [_project()])
    assert (c.check, c.severity, c.project_ref) == ("indicator_missed_but_full_points", "warning", "p1")
    assert "完成率：目标 ≥95%，实际 90%，得分 20/20" in c.message and "满意度" not in c.message


def test__every_actual_value_copied_from_its_target_is_an_info() -> None:
    same = [_indicator(n, "100%", "100%", "10", "10", True) for n in ("甲", "乙", "丙")]
    (c,) = performance.audit_checks(same, [_project()])
    assert (c.check, c.severity) == ("indicator_values_all_identical", "info")
    assert performance.audit_checks(same[:2], [_project()]) == []  # two indicators prove nothing
    declared = performance.audit_checks(same, [_project(kind="target_declaration")])
    assert declared == []  # a declaration has no 实际完成值 to compare
