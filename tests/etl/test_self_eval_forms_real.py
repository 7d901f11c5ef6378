"""Real self-evaluation forms of other regions, read from their originals.

Every expected figure is typed by hand from the workbook's cells (the cell is named
beside it); nothing here is copied from the parser's output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult, Project
from etl.parsers import self_eval_forms as forms
from etl.readers import read_document
from tests.realdocs import outcome, real_bytes

D = Decimal
CHONGQING = "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx"


@pytest.fixture(scope="module")
def chongqing() -> ParseResult:
    return forms.parse(read_document(CHONGQING, real_bytes(CHONGQING)))


@pytest.fixture(scope="module")
def project(chongqing: ParseResult) -> Project:
    (p,) = chongqing.projects
    return p


def test__chongqing__head_as_printed(project: Project) -> None:
    assert project.project_name == "就业补助资金"  # B2
    assert project.unit == "渝中区就业和人才中心"  # B3, 项目实施单位
    assert project.department == "渝中区人力资源和社会保障局"  # I3, 项目主管部门
    assert project.year == 2021  # A1 '2021年度项目支出绩效自评表'
    assert project.extra["项目联系人"] == "向俐"  # I2
    assert project.amount_unit == "万元"  # A4 '项目预算执行情况（万元）'


def test__chongqing__funds_without_initial_budget(project: Project) -> None:
    # B4 全年预算数（A）, F4 全年执行数（B); the figures stand in row 5 without a row label.
    assert (project.budget_full_year, project.executed) == (D(7574), D(6643))
    assert project.budget_initial is None  # the form has no 年初预算数
    # No 执行率 in the funds block: the rate is the 预算执行率 indicator row's 全年完成值 (G21 0.88, '0%').
    assert project.execution_rate == D("0.88")
    assert project.execution_weight is None  # its 8 points stay with the indicator row


def test__chongqing__goal_and_result(project: Project) -> None:
    assert project.goal == "城镇新增就业人数39500人，零就业家庭帮扶率100%"  # B7:G9
    assert project.result == "城镇新增就业人数49358人，零就业家庭帮扶率100%"  # H7:O9


def test__chongqing__two_level_indicators_read_by_column(project: Project) -> None:
    inds = project.indicators
    assert len(inds) == 16  # rows 11–26
    first = inds[0]  # row 11
    assert (first.level1, first.level2, first.level3) == ("数量指标", None, "新增区级创业孵化基地数量")
    # 指标性质 '≥' + 指标值 1 + 计量单位 '个'; 全年完成值 3 with its unit; 指标权重 15; no 得分 column.
    assert (first.target_value, first.actual_value, first.weight, first.score) == ("≥1个", "3个", D(15), None)
    assert first.scoring_rule == "达到目标得满分，未达到按完成比例得分或不得分"  # H11
    # A12:A16 merged: 产出类指标 carried down to row 16.
    row16 = inds[5]
    assert (row16.level1, row16.level3, row16.target_value, row16.actual_value) == (
        "产出类指标",
        "低保就业补贴发放及时率",
        "≥95%",
        "100%",
    )
    # Row 22: 指标性质 and 计量单位 printed '无': the value alone.
    row22 = inds[11]
    assert (row22.level1, row22.level3, row22.target_value, row22.actual_value, row22.weight) == (
        "管理类指标",
        "资金使用合规性",
        "合规",
        "合规",
        D(10),
    )
    assert sum(i.weight for i in inds) == D(100)  # F11:F26 add up to the form's 100


def test__chongqing__pipeline_reads_it_whole_without_false_alarms() -> None:
    out = outcome(CHONGQING)
    doc = out["document"]
    assert (doc["kind"], doc["status"], doc["n_projects"], doc["n_indicators"]) == (
        "self_evaluation",
        "ok",
        1,
        16,
    )
    assert doc["district"] is None  # 重庆市渝中区 is no Shanghai district
    problems = [c for c in out["checks"] if c["severity"] in ("error", "warning")]
    assert problems == []
    # 6643 / 7574 = 87.71 %, printed 88 %: within half a point, reported as rounding only.
    (rate,) = [c for c in out["checks"] if c["check"] == "execution_rate"]
    assert rate["severity"] == "info" and "88.00%" in rate["message"] and "87.71%" in rate["message"]


PKU = "central_pku_2019_project_library_export.xls"


def test__project_library_export__blank_templates_refused_with_the_reason() -> None:
    # The central 预算项目库 export (.xls, 11 sheets): its 绩效目标申报表 prints the form with 0.00
    # in every amount and no indicator row, its 自评表 is the empty template, and its 执行监控表
    # (14 indicators with 1–7月执行数) is a mid-year monitoring form, not a kind the product files.
    out = outcome(PKU)
    doc = out["document"]
    assert (doc["file_type"], doc["status"], doc["n_projects"]) == ("xls", "failed", 0)
    by_id = {c["check"]: c for c in out["checks"]}
    assert "项目支出绩效目标申报表" in by_id["declaration_form_empty"]["message"]
    assert "2019年210青少年校园足球扶持资金" in by_id["self_eval_form_empty"]["message"]
    assert {by_id[k]["severity"] for k in ("declaration_form_empty", "self_eval_form_empty")} == {"info"}
    unknown = by_id["layout_unknown"]
    assert unknown["severity"] == "error" and "共 11 个工作表" in unknown["message"]
    assert "找到的 2 张绩效表都是空白表" in unknown["message"]
