"""The 说明 against the tables and the forms it summarises, on tiny hand-written documents."""

from __future__ import annotations

from decimal import Decimal

from etl.normalize import SELF_EVALUATION
from etl.validate import narrative_tables
from etl.validate.index import LineIndex
from tests.etl.validate.frames import document, figure, line


def _evaluation(pid: str, score: str) -> dict:
    return {
        "project_id": pid,
        "kind": SELF_EVALUATION,
        "score_total": Decimal(score),
        "grade": None,
        "budget_full_year_yuan": Decimal("100000.00"),
    }


def test__project_count_and_grade_counts_against_the_forms() -> None:
    # 说明: 3 projects self-evaluated, 2 rated 优; the document's forms: 2 projects, one 优 (95) one 良 (85).
    doc = document(
        projects=[_evaluation("a", "95"), _evaluation("b", "85")],
        narrative_figures=[
            figure("self_eval_project_count", "3", unit="个"),
            figure("grade_count_优", "2", unit="个"),
        ],
    )
    checks = narrative_tables.performance_checks(doc, LineIndex([]))
    assert sorted(c.check for c in checks) == ["narrative_grade_count", "narrative_project_count"]
    count = next(c for c in checks if c.check == "narrative_project_count")
    assert "3" in count.message and "2 个" in count.message


def test__counts_that_agree_raise_nothing() -> None:
    doc = document(
        projects=[_evaluation("a", "95"), _evaluation("b", "85")],
        narrative_figures=[
            figure("self_eval_project_count", "2", unit="个"),
            figure("grade_count_优", "1", unit="个"),
        ],
    )
    assert narrative_tables.performance_checks(doc, LineIndex([])) == []


def test__stated_total_against_the_table_within_rounding() -> None:
    rows = [line("支出决算表", "本年支出合计", "2940.05", name="合计", total=True)]
    close = document(narrative_figures=[figure("total_expenditure", "2940.05")], budget_lines=rows)
    assert narrative_tables.figure_checks(close, LineIndex(rows)) == []
    off = document(narrative_figures=[figure("total_expenditure", "2950.05")], budget_lines=rows)
    (c,) = narrative_tables.figure_checks(off, LineIndex(rows))
    assert (c.check, c.severity) == ("narrative_vs_table", "warning") and "10.00万元" in c.message


def test__operating_cost_against_the_three_public_table() -> None:
    # 司法局 2026 p. 21 prints 机关运行经费 217.83 (万元) in its 三公 table; the 说明 says the same.
    rows = [line("“三公”经费和机关运行经费预算表", "预算数", "217.83", name="机关运行经费", kind="budget")]
    same = document(
        kind="budget", narrative_figures=[figure("operating_cost_budget", "217.83")], budget_lines=rows
    )
    assert narrative_tables.figure_checks(same, LineIndex(rows)) == []
    off = document(
        kind="budget", narrative_figures=[figure("operating_cost_budget", "207.83")], budget_lines=rows
    )
    (c,) = narrative_tables.figure_checks(off, LineIndex(rows))
    assert c.severity == "warning" and "机关运行经费" in c.message and "10.00万元" in c.message
