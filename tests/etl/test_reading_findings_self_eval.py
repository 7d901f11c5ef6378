"""Reading findings of the 绩效自评表 parsers and of unit conversion, one realistic defect each.

Every case is a copy of a real form from a seed with one defect edited in (said in a
comment): the first tabbed form of the 闵行 2022 seed (lines 1–24, 总分 on line 23) or the
first glued (PDF text) form of the 松江 2020 seed. Each test asserts the finding (id,
severity, the figure or text its message names, its line) and what the parser still read
around the defect; where cheap, a near miss that must not raise the id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from etl.build import process_document
from etl.model import Check, ParseResult, Project
from etl.parsers import self_eval_forms as forms
from etl.parsers.legacy_text import self_eval_glued as glued
from etl.readers.text import read_text
from etl.validate.registry import REGISTRY
from tests.conftest import seed_text

D = Decimal


def parse_text(text: str) -> ParseResult:
    """A text extraction through its reader (tab-separated rows become cells), then the forms parser."""
    return forms.parse(read_text("form.txt", text.encode("utf-8")))


MINHANG_FILE = "minhang_city_operation_center_2022_self_evaluation.txt"
SONGJIANG_FILE = "songjiang_city_operation_center_2020_final_accounts.txt"

# Lines 1–24 of the 闵行 seed: title on line 3, funds header 7, 年度资金总额 8, goal 12–13,
# indicator header 14, indicator rows 15–22, 总分 23.
SEED_FORM = seed_text("minhang_2022").split("\n")[:24]
NAME = "闵行区城市运行“一网统管”可视化平台(2022运维)"
IN_PROJECT = f"项目“{NAME}”"
SEED_LEVEL3 = [
    "系统故障维护完成率",
    "系统故障修复率",
    "系统维护及时性",
    "系统正常运行率",
    "系统故障重复率",
    "信息化数据分析能力",
    "长效管理制度健全性",
    "使用人员满意度",
]


def _form(*changes: tuple[int, str, str | None]) -> str:
    """The seed form with (1-based line, old, new) substitutions; new=None drops the line."""
    lines = list(SEED_FORM)
    for line, old, new in sorted(changes, reverse=True):
        assert old in lines[line - 1], (line, old)
        if new is None:
            del lines[line - 1]
        else:
            lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def _only(result: ParseResult) -> Project:
    (project,) = result.projects
    return project


def _finding(checks: list[Check], check_id: str) -> Check:
    """The one finding with this id; its severity must be the registered one."""
    found = [c for c in checks if c.check == check_id]
    assert len(found) == 1, [(c.check, c.message) for c in checks]
    assert found[0].severity == REGISTRY[check_id].severity
    return found[0]


def _ids(checks: list[Check]) -> set[str]:
    return {c.check for c in checks}


def _pipeline(name: str, text: str) -> dict[str, Any]:
    return process_document(name, text.encode("utf-8"))


def _rows(out: dict[str, Any], check_id: str) -> list[dict[str, Any]]:
    return [c for c in out["checks"] if c["check"] == check_id]


def _seed_glued_form() -> list[str]:
    """松江 2020 seed lines 1608–1753: the first glued form (figures, then its title and header)."""
    lines = seed_text("songjiang_2020").split("\n")[1607:1753]
    assert lines[0] == " 年初预算数" and lines[103] == "财政项目支出绩效自评表"
    assert lines[107] == "项目名称宣传与推广" and lines[101] == "总分：95"
    return lines


# ---------------------------------------------------------------- near miss: the seed form itself


def test__seed_form__reads_cleanly_and_raises_none_of_these_findings() -> None:
    """The unedited form: every figure read, none of the findings below."""
    result = parse_text(_form())
    p = _only(result)
    assert (p.project_name, p.amount_unit, p.score_max, p.score_total) == (NAME, "元", D("100"), D("100"))
    assert (p.budget_initial, p.budget_full_year, p.executed) == (
        D("208800.00"),
        D("208000.00"),
        D("208000.00"),
    )
    assert [i.level3 for i in p.indicators] == SEED_LEVEL3
    assert result.checks == []


# ---------------------------------------------------------------- head and funds


def test__project_name_extra_cells__name_split_over_two_cells() -> None:
    """Defect: the merged 项目名称 cell came out as two cells ('…可视化平台' | '(2022运维)')."""
    text = _form((5, "可视化平台(2022运维)", "可视化平台\t(2022运维)"))
    result = parse_text(text)
    p = _only(result)
    c = _finding(result.checks, "project_name_extra_cells")
    assert c.severity == "warning" and c.source_line == 5
    assert "闵行区城市运行“一网统管”可视化平台｜(2022运维)" in c.message and "取第一个" in c.message
    # The first cell is the name; the second survives only in the message. The rest of the form is intact.
    assert p.project_name == "闵行区城市运行“一网统管”可视化平台"
    assert p.department == "上海市闵行区城市运行管理中心(汇总)" and p.unit == "上海市闵行区城市运行管理中心"
    assert [i.level3 for i in p.indicators] == SEED_LEVEL3


def test__funds_total_missing__total_row_dropped() -> None:
    """Defect: the 年度资金总额 row (line 8) is not printed; the 其中 rows are."""
    result = parse_text(_form((8, SEED_FORM[7], None)))
    p = _only(result)
    c = _finding(result.checks, "funds_total_missing")
    assert c.severity == "warning" and c.source_line == 3  # the form's title line
    assert IN_PROJECT in c.message and "年度资金总额" in c.message
    # No total figure is made up from the 其中 rows, which are still kept as printed.
    assert (p.budget_initial, p.budget_full_year, p.executed, p.execution_rate) == (None, None, None, None)
    assert p.extra["当年财政拨款_年初预算数"] == "208800.00"
    assert p.extra["当年财政拨款_全年执行数"] == "208000.00"
    assert (p.amount_unit, p.score_total, len(p.indicators)) == ("元", D("100"), 8)


def test__funds_total_missing__not_raised_for_a_label_wrapped_in_its_cell() -> None:
    """Near miss: '年度 资金总额' (the label wrapped inside its cell, as '年度 总体 目标' is) is the total row."""
    result = parse_text(_form((8, "\t年度资金总额", "\t年度 资金总额")))
    assert "funds_total_missing" not in _ids(result.checks)
    assert _only(result).budget_full_year == D("208000.00")


def test__amount_unit_missing__tabbed_header_without_unit() -> None:
    """Defect: the funds header prints '项目资金' without '(元)'."""
    text = _form((7, "项目资金 (元)", "项目资金"))
    result = parse_text(text)
    p = _only(result)
    c = _finding(result.checks, "amount_unit_missing")
    assert c.severity == "warning" and c.source_line == 3
    assert IN_PROJECT in c.message and "未注明单位（元/万元）" in c.message
    # The figures are read as printed; no unit is assumed.
    assert p.amount_unit is None
    assert (p.budget_initial, p.budget_full_year, p.executed) == (
        D("208800.00"),
        D("208000.00"),
        D("208000.00"),
    )


def test__amount_unit_missing__pipeline_converts_nothing() -> None:
    """Through the pipeline: the finding is tied to the project and no 元 figure is guessed."""
    out = _pipeline(MINHANG_FILE, _form((7, "项目资金 (元)", "项目资金")))
    (row,) = _rows(out, "amount_unit_missing")
    (project,) = out["projects"]
    assert (row["severity"], row["source_line"], row["project_id"]) == ("warning", 3, project["project_id"])
    assert (project["amount_unit_printed"], project["amount_unit"]) == (None, None)
    assert (project["budget_initial_yuan"], project["budget_full_year_yuan"], project["executed_yuan"]) == (
        None,
        None,
        None,
    )
    assert project["n_indicators"] == 8


def test__amount_unit_missing__glued_header_without_unit() -> None:
    """Defect: the glued header lost its '（万元）' line, so '项目资金' stands alone."""
    lines = _seed_glued_form()
    lines.remove("（万元）")
    result = glued.parse("\n".join(lines))
    p = _only(result)
    c = _finding(result.checks, "amount_unit_missing")
    assert c.severity == "warning" and c.source_line == 104 == p.source_line  # the form's title
    assert "项目“宣传与推广”（粘连版式）" in c.message and "未注明单位" in c.message
    assert p.amount_unit is None
    assert (p.budget_full_year, p.score_total) == (D("575856.58"), D("95"))


def test__amount_unit_missing__glued_unit_on_its_own_line_is_read() -> None:
    """Near miss: the seed prints '项目资金' and '（万元）' on two lines; the unit is still read."""
    result = glued.parse("\n".join(_seed_glued_form()))
    assert _only(result).amount_unit == "万元"
    assert "amount_unit_missing" not in _ids(result.checks)


# (funds_figure_unparsed was removed: _read_funds_row only parses values _align_funds accepted, and
# _funds_types_ok accepts exactly what parse_amount and parse_percent can read.)


def test__amount_precision__excel_float_in_wan() -> None:
    """Defect: a 万元 form whose 年初预算数 shows Excel's float artefact (20.880000000000003)."""
    text = _form(
        (7, "项目资金 (元)", "项目资金 (万元)"),
        (8, "208800.00\t208000.00\t208000.00", "20.880000000000003\t20.80\t20.80"),
        (9, "208800.00\t208000.00\t208000.00", "20.88\t20.80\t20.80"),
    )
    out = _pipeline(MINHANG_FILE, text)
    (row,) = _rows(out, "amount_precision")
    assert row["severity"] == "warning"
    assert IN_PROJECT in row["message"]
    assert "20.880000000000003万元" in row["message"] and "208800.00 元" in row["message"]
    (project,) = out["projects"]
    assert project["amount_unit"] == "万元"
    assert project["budget_initial_yuan"] == D("208800.00")
    # The exact figures convert without a finding.
    assert (project["budget_full_year_yuan"], project["executed_yuan"]) == (D("208000.00"), D("208000.00"))


def test__amount_precision__four_decimals_in_wan_are_exact() -> None:
    """Near miss: 20.8800 万元 is exactly 208800.00 元."""
    text = _form(
        (7, "项目资金 (元)", "项目资金 (万元)"),
        (8, "208800.00\t208000.00\t208000.00", "20.8800\t20.80\t20.80"),
        (9, "208800.00\t208000.00\t208000.00", "20.88\t20.80\t20.80"),
    )
    out = _pipeline(MINHANG_FILE, text)
    assert not _rows(out, "amount_precision")
    assert out["projects"][0]["budget_initial_yuan"] == D("208800.00")


# ---------------------------------------------------------------- goal block


def test__goal_cells_extra__result_text_split_by_a_stray_tab() -> None:
    """Defect: the 实际完成情况 cell (line 13) is cut in two by a stray tab after '立项规范。'."""
    result = parse_text(_form((13, "立项规范。", "立项规范。\t\t")))
    p = _only(result)
    c = _finding(result.checks, "goal_cells_extra")
    assert c.severity == "warning" and c.source_line == 13
    assert IN_PROJECT in c.message and "有 3 段文字" in c.message
    assert p.goal == "此项目为保障闵行区城市运行“一网统管”可视化平台稳定运行，确保正常工作开展。"
    # Only the first two texts are kept: the result stops where the stray tab cut it.
    assert p.result == "闵行区城市运行“一网统管”可视化平台（2022运维）立项依据充分、立项规范。"
    assert [i.level3 for i in p.indicators] == SEED_LEVEL3


# ---------------------------------------------------------------- indicator table


def test__indicator_header_missing__header_row_lost_at_a_page_break() -> None:
    """Defect: the indicator header (line 14) is a blank line; the rows follow the goal block directly."""
    result = parse_text(_form((14, SEED_FORM[13], "")))
    p = _only(result)
    c = _finding(result.checks, "indicator_header_missing")
    assert c.severity == "warning" and c.source_line == 15
    assert "第 15 行起的指标行前没有指标表头" in c.message
    # Every row is still read as an indicator (not as goal text), with its printed hierarchy.
    assert [i.level3 for i in p.indicators] == SEED_LEVEL3
    first = p.indicators[0]
    assert (first.level1, first.level2, first.target_value, first.weight) == (
        "产出指标",
        "数量指标",
        "100%",
        D("20"),
    )
    assert p.result is not None and p.result.endswith("取得了预期成效。")
    assert "goal_cells_extra" not in _ids(result.checks)


def test__indicators_missing__table_has_only_its_header() -> None:
    """Defect: the indicator rows (lines 15–22) are missing; header and 总分 remain."""
    result = parse_text(_form(*((n, SEED_FORM[n - 1], None) for n in range(15, 23))))
    p = _only(result)
    c = _finding(result.checks, "indicators_missing")
    assert c.severity == "warning" and c.source_line == 3
    assert IN_PROJECT in c.message and "没有可读的绩效指标行" in c.message
    assert p.indicators == []
    assert (p.score_max, p.score_total, p.budget_full_year) == (D("100"), D("100"), D("208000.00"))


def test__indicator_row_extra_cells__two_cells_after_the_score() -> None:
    """Defect: line 16 prints a second remark cell after '无' in the 偏差原因 column."""
    result = parse_text(_form((16, "\t20\t20\t无", "\t20\t20\t无\t见整改报告")))
    p = _only(result)
    c = _finding(result.checks, "indicator_row_extra_cells")
    assert c.severity == "warning" and c.source_line == 16
    assert "指标“系统故障修复率”" in c.message and "2 个单元格（无｜见整改报告）" in c.message
    row = p.indicators[1]
    assert (row.level3, row.target_value, row.actual_value, row.weight, row.score) == (
        "系统故障修复率",
        "100%",
        "100%",
        D("20"),
        D("20"),
    )
    assert row.deviation_reason == "无 见整改报告"


def test__indicator_row_extra_cells__trailing_empty_cell_is_not_extra() -> None:
    """Near miss: line 20 ends '无' plus an empty cell; one reason, no finding."""
    result = parse_text(_form())
    assert _only(result).indicators[5].deviation_reason == "无"
    assert "indicator_row_extra_cells" not in _ids(result.checks)


def test__indicator_value_missing__one_value_printed() -> None:
    """Defect: line 17 prints '24小时内' once; it could be the target or the actual value."""
    result = parse_text(_form((17, "24小时内\t24小时内", "24小时内")))
    p = _only(result)
    c = _finding(result.checks, "indicator_value_missing")
    assert c.severity == "warning" and c.source_line == 17
    assert "指标“系统维护及时性”只印了一个指标值“24小时内”" in c.message
    row = p.indicators[2]
    assert (row.level1, row.level2, row.level3) == ("产出指标", "时效指标", "系统维护及时性")
    assert (row.target_value, row.actual_value) == (None, None)  # not guessed
    assert (row.weight, row.score, row.deviation_reason) == (D("10"), D("10"), "无")


def test__indicator_value_missing__no_value_printed() -> None:
    """Defect: line 17 leaves both value cells empty."""
    result = parse_text(_form((17, "24小时内\t24小时内", "\t")))
    p = _only(result)
    c = _finding(result.checks, "indicator_value_missing")
    assert c.source_line == 17 and "指标“系统维护及时性”未印年度指标值和实际完成值" in c.message
    row = p.indicators[2]
    assert (row.target_value, row.actual_value, row.weight, row.score) == (None, None, D("10"), D("10"))
    assert len(p.indicators) == 8


def test__indicator_label_unknown__2022_cost_sublabel() -> None:
    """Defect: line 17 prints the newer 二级 label '经济成本指标', which the vocabulary lacks."""
    result = parse_text(_form((17, "\t\t时效指标", "\t\t经济成本指标")))
    p = _only(result)
    c = _finding(result.checks, "indicator_label_unknown")
    assert c.severity == "info" and c.source_line == 17
    assert "“经济成本指标”不在词表中，按二级指标处理" in c.message
    row = p.indicators[2]
    assert (row.level1, row.level2, row.level3) == ("产出指标", "经济成本指标", "系统维护及时性")
    assert (p.indicators[3].level1, p.indicators[3].level2) == ("效益指标", "社会效益指标")


def test__indicator_label_unknown__any_效益指标_is_known() -> None:
    """Near miss: a label ending in 效益指标 is a known 二级 label under 效益指标."""
    result = parse_text(_form((17, "\t\t时效指标", "\t\t经济和社会效益指标")))
    row = _only(result).indicators[2]
    assert (row.level1, row.level2) == ("效益指标", "经济和社会效益指标")
    assert "indicator_label_unknown" not in _ids(result.checks)


def test__indicator_labels_extra__variant_section_word_in_front() -> None:
    """Defect: line 15 prints '项目绩效指标' (not the section word 绩效指标) before 产出指标 | 数量指标."""
    result = parse_text(_form((15, "\t产出指标", "项目绩效指标\t产出指标")))
    p = _only(result)
    c = _finding(result.checks, "indicator_labels_extra")
    assert c.severity == "warning" and c.source_line == 15
    assert "3 个层级标签（项目绩效指标｜产出指标｜数量指标）" in c.message
    first = p.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target_value) == (
        "产出指标",
        "数量指标",
        "系统故障维护完成率",
        "100%",
    )
    assert [i.level3 for i in p.indicators] == SEED_LEVEL3


def test__indicator_level_conflict__社会效益指标_under_产出指标() -> None:
    """Defect: line 18 prints 产出指标 instead of 效益指标 in front of 社会效益指标."""
    result = parse_text(_form((18, "\t效益指标\t社会效益指标", "\t产出指标\t社会效益指标")))
    p = _only(result)
    c = _finding(result.checks, "indicator_level_conflict")
    assert c.severity == "info" and c.source_line == 18
    assert "二级指标“社会效益指标”印在一级指标“产出指标”之下（词表中属于“效益指标”）" in c.message
    # Recorded as printed, and carried to the next row that prints no labels.
    assert [(i.level1, i.level2) for i in p.indicators[3:5]] == [("产出指标", "社会效益指标")] * 2


def test__indicator_level_conflict__lone_二级_label_takes_its_一级() -> None:
    """Near miss: 社会效益指标 printed without a 一级 label moves the carried 一级 to 效益指标."""
    result = parse_text(_form((18, "\t效益指标\t社会效益指标", "\t\t社会效益指标")))
    assert (_only(result).indicators[3].level1, _only(result).indicators[3].level2) == (
        "效益指标",
        "社会效益指标",
    )
    assert "indicator_level_conflict" not in _ids(result.checks)


# ---------------------------------------------------------------- 总分


def test__score_total_unparsed__dashes_instead_of_figures() -> None:
    """Defect: the 总分 row (line 23) prints dashes in 分值 and 得分."""
    result = parse_text(_form((23, "\t100\t100\t", "\t—\t—\t")))
    p = _only(result)
    c = _finding(result.checks, "score_total_unparsed")
    assert c.severity == "warning" and c.source_line == 23
    assert IN_PROJECT in c.message and "总分行印为“总分｜—｜—”" in c.message
    assert (p.score_max, p.score_total) == (None, None)
    assert (p.end_line, len(p.indicators)) == (23, 8)
    assert "self_eval_total_missing" not in _ids(result.checks)


def test__score_total_unparsed__no_figure_kept_from_an_unreadable_row() -> None:
    """Defect: 分值 prints 100 but 得分 prints '待定'; no 总分 should be recorded."""
    result = parse_text(_form((23, "\t100\t100\t", "\t100\t待定\t")))
    _finding(result.checks, "score_total_unparsed")
    assert _only(result).score_total is None


# ---------------------------------------------------------------- glued rendering


def test__glued_total_multiple__stale_total_above_the_real_one() -> None:
    """Defect: a second '总分：93' line is printed above the form's '总分：95' (line 102 of the block)."""
    lines = _seed_glued_form()
    at = lines.index("总分：95")
    lines[at:at] = ["总分：93", ""]
    result = glued.parse("\n".join(lines))
    p = _only(result)
    c = _finding(result.checks, "glued_total_multiple")
    assert c.severity == "warning" and c.source_line == 104
    assert "项目“宣传与推广”前有 2 个总分行（第 102, 104 行），取最后一个" in c.message
    assert p.score_total == D("95")
    assert (p.budget_full_year, p.extra["indicator_rows"]) == (D("575856.58"), "10")


def test__glued_total_multiple__one_total_per_form() -> None:
    """Near miss: the seed form prints one 总分 line."""
    result = glued.parse("\n".join(_seed_glued_form()))
    assert _only(result).score_total == D("95")
    assert "glued_total_multiple" not in _ids(result.checks)


def test__rendering_only_glued__glued_form_without_its_tabbed_copy() -> None:
    """Defect: the document holds the glued form of 宣传与推广 but not its 'sheet1' (tabbed) copy."""
    out = _pipeline(SONGJIANG_FILE, "\n".join(_seed_glued_form()))
    (row,) = _rows(out, "rendering_only_glued")
    (project,) = out["projects"]
    assert (row["severity"], row["source_line"], row["project_id"]) == ("warning", 104, project["project_id"])
    assert "项目“宣传与推广”只在粘连版式中出现（第 104 行）" in row["message"]
    # What the glued form does print is kept.
    assert (project["layout"], project["project_name"], project["score_total"]) == (
        "glued",
        "宣传与推广",
        D("95"),
    )
    assert project["budget_full_year_yuan"] == D("575856.58")


def test__rendering_only_glued__not_raised_when_the_tabbed_copy_is_there() -> None:
    """Near miss: the whole 松江 2020 seed prints every glued form again as a tabbed one."""
    out = _pipeline(SONGJIANG_FILE, seed_text("songjiang_2020"))
    assert not _rows(out, "rendering_only_glued")
    assert {p["layout"] for p in out["projects"]} == {"self_eval_form"} and len(out["projects"]) == 9


# ---------------------------------------------------------------- through the pipeline

PIPELINE_CASES = {
    "project_name_extra_cells": (_form((5, "可视化平台(2022运维)", "可视化平台\t(2022运维)")), 5),
    "goal_cells_extra": (_form((13, "立项规范。", "立项规范。\t\t")), 13),
    "indicator_header_missing": (_form((14, SEED_FORM[13], "")), 15),
    "indicator_value_missing": (_form((17, "24小时内\t24小时内", "24小时内")), 17),
    "indicator_label_unknown": (_form((17, "\t\t时效指标", "\t\t经济成本指标")), 17),
    "indicator_labels_extra": (_form((15, "\t产出指标", "项目绩效指标\t产出指标")), 15),
    "indicator_level_conflict": (_form((18, "\t效益指标\t社会效益指标", "\t产出指标\t社会效益指标")), 18),
    "indicator_row_extra_cells": (_form((16, "\t20\t20\t无", "\t20\t20\t无\t见整改报告")), 16),
    "score_total_unparsed": (_form((23, "\t100\t100\t", "\t—\t—\t")), 23),
    "funds_total_missing": (_form((8, SEED_FORM[7], None)), 3),
    "indicators_missing": (_form(*((n, SEED_FORM[n - 1], None) for n in range(15, 23))), 3),
}


@pytest.mark.parametrize("check_id", sorted(PIPELINE_CASES))
def test__tabbed_findings__reach_the_checks_table_linked_to_their_project(check_id: str) -> None:
    """Each tabbed finding comes out of process_document once, on its line, with the project's id."""
    text, line = PIPELINE_CASES[check_id]
    out = _pipeline(MINHANG_FILE, text)
    (row,) = _rows(out, check_id)
    (project,) = out["projects"]
    assert (row["severity"], row["source_line"]) == (REGISTRY[check_id].severity, line)
    assert row["project_id"] == project["project_id"]
    assert row["title"] == REGISTRY[check_id].title
