"""Target forms of other regions read from their workbooks: a whole department's and a project application.

Every expected figure is typed by hand from the workbook's cells (named beside it); none is
copied from the parser's output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult, Project
from etl.parsers import declaration_forms
from etl.readers import read_document
from tests.realdocs import outcome, real_bytes

D = Decimal
ZHANJIANG = "zhanjiang_hrss_2024_department_targets.xlsx"
WUHAN = "wuhan_donghu_hrss_2020_project_application.xlsx"


def _parse(name: str) -> ParseResult:
    return declaration_forms.parse(read_document(name, real_bytes(name)))


@pytest.fixture(scope="module")
def zhanjiang() -> Project:
    (p,) = _parse(ZHANJIANG).projects
    return p


@pytest.fixture(scope="module")
def wuhan() -> tuple[Project, ParseResult]:
    result = _parse(WUHAN)
    (p,) = result.projects
    return p, result


def test__whole_department__filed_as_the_department_s_own_targets(zhanjiang: Project) -> None:
    # A1 '2024年市级部门整体预算绩效目标表': no 项目名称, the department's targets as one record.
    assert (zhanjiang.project_name, zhanjiang.category) == ("部门整体预算绩效目标", "部门整体")
    assert (zhanjiang.department, zhanjiang.year) == ("湛江市人力资源和社会保障局", 2024)  # B2
    assert (zhanjiang.extra["财政供养人员数"], zhanjiang.extra["下属二级单位数"]) == ("737", "10")  # C3, E3
    # 预算整体情况 (C4 '预算金额（万元）'): kept as printed, in 万元; the form prints no total to file.
    assert zhanjiang.amount_unit == "万元"
    assert D(zhanjiang.extra["基本支出"]) == D("10891.615675")  # C5
    assert D(zhanjiang.extra["项目支出"]) == D("61915.7693")  # C6
    assert D(zhanjiang.extra["财政拨款"]) == D("72807.384975")  # E5, the cached result of =C5+C6
    assert zhanjiang.budget_initial is None
    assert zhanjiang.goal.startswith("目标1：城乡居民基本养老保险参保人数达到计划指标")  # B10


def test__whole_department__key_tasks_kept_with_their_funds(zhanjiang: Project) -> None:
    tasks = zhanjiang.extra["年度重点工作任务"].split("\n")  # rows 12–14 under A11:A14
    assert len(tasks) == 3
    assert tasks[0].startswith("名称：城乡居民养老保险政府补贴资金；主要实施内容：城乡居民社会养老保险补助")
    assert "拟投入的资金（万元）：18862" in tasks[0]  # D12
    assert "拟投入的资金（万元）：587.81" in tasks[1]  # D13
    assert tasks[2].startswith("名称：促进就业专项资金（含创业担保贷款贴息资金）")  # B14


def test__whole_department__indicators_with_merged_levels(zhanjiang: Project) -> None:
    inds = zhanjiang.indicators
    assert len(inds) == 19  # D17:D37 less the empty 成本指标 (C25) and 生态效益指标 (C32) rows
    first, last = inds[0], inds[-1]
    assert (first.level1, first.level2, first.level3, first.target_value) == (
        "产出指标",
        "数量指标",
        "城乡居民基础养老金标准",
        "≥190元每人每月",
    )
    assert (last.level1, last.level2, last.level3, last.target_value) == (
        "满意度指标",
        "服务对象",  # C34:C37 as printed
        "服务单位对“三支一扶”人员满意度",
        "≥90%",
    )
    by_name = {i.level3: i for i in inds}
    assert by_name["补贴发放准确率"].target_value == "100%"  # E22: 1 with a '0%' format
    assert by_name["城镇新增就业人数（人）"].target_value == "50000"  # E18


def test__project_application__fields_and_indicators(wuhan: tuple[Project, ParseResult]) -> None:
    p, _ = wuhan
    assert (p.project_name, p.year) == ("专项资金", 2020)  # C2; A1 '2020年项目申报表'
    assert p.department == p.unit == "武汉市人力资源和社会保障局东湖新技术开发区分局"  # C3, F3
    assert p.extra["项目总目标"] == "完成2020年度市、区下达的各项目标任务"  # C34 项目绩效总目标
    assert p.extra["项目负责人"] == "吴卫东"  # C4
    inds = p.indicators
    assert len(inds) == 13  # E36:E52 less the rows printing only an 二级 (D47, D48, D50, D51)
    assert (inds[0].level1, inds[0].level2, inds[0].level3, inds[0].target_value) == (
        "产出指标",
        "数量指标",
        "城镇新增就业人数",
        "25000人",
    )
    assert inds[-1].level2 == "社会公众或服务对象满意度指标" and inds[-1].target_value == "95%"  # F52 0.95


def test__project_application__unit_decided_by_its_own_calculation(
    wuhan: tuple[Project, ParseResult],
) -> None:
    # 项目当年预算 F8 prints 6730 without a unit; 测算依据及说明 (C33) states six amounts in 万元
    # that add up to 6730 (874.18 + 3080 + 1545 + 1195.82 + 10 + 25): read in 万元, and said so.
    p, result = wuhan
    assert (p.budget_initial, p.amount_unit) == (D(6730), "万元")
    (check,) = [c for c in result.checks if c.check == "declaration_unit_from_text"]
    assert check.severity == "warning" and "6730万" in check.message and "874.18万" in check.message
    assert "declaration_unit_missing" not in {c.check for c in result.checks}


@pytest.mark.parametrize(
    ("name", "yuan", "department"),
    [
        (WUHAN, D("67300000.00"), "武汉市人力资源和社会保障局东湖新技术开发区分局"),  # C3
        (ZHANJIANG, None, "湛江市人力资源和社会保障局"),  # B2
    ],
)
def test__pipeline_files_both_as_target_declarations(
    name: str, yuan: Decimal | None, department: str
) -> None:
    out = outcome(name)
    doc = out["document"]
    assert (doc["kind"], doc["status"], doc["n_projects"]) == ("target_declaration", "ok", 1)
    assert doc["district"] is None  # 湛江, 武汉: no Shanghai district
    assert doc["department"] == department  # a workbook of forms names its department on the form
    assert out["projects"][0]["budget_initial_yuan"] == yuan
