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
