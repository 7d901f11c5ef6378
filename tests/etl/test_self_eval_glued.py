"""Glued (PDF text) rendering of the 财政项目支出绩效自评表: hand-read seed figures plus inline cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.parsers.legacy_text import self_eval_glued as glued
from tests.conftest import seed_text

D = Decimal


@pytest.fixture(scope="module")
def sj2020():
    return glued.parse(seed_text("songjiang_2020"))


def test__detect__only_songjiang_2020_has_the_glued_rendering() -> None:
    assert glued.detect(seed_text("songjiang_2020"))
    for name in ("minhang_2022", "songjiang_2021", "qingpu_2020", "songjiang_2022_decl"):
        assert not glued.detect(seed_text(name)), name


def test__parse_songjiang_2020__nine_forms_in_order(sj2020) -> None:
    # Each form's figures come before its header; names read from the header after '总分：N'.
    got = [(p.source_line, p.project_name, p.score_total) for p in sj2020.projects]
    assert got == [
        (1711, "宣传与推广", D("95")),
        (1828, "宣传与推广", D("91")),
        (1938, "法律咨询与服务", D("97")),
        (2021, "课题与规划", D("91")),
        (2112, "宣传与推广", D("86")),
        (2225, "网络信息系统运行与维护", D("91")),
        (2355, "网络信息系统运行与维护", D("91")),
        (2467, "网络信息系统运行与维护", D("85")),
        (2645, "网络信息系统开发、升级、建设", D("90")),
    ]
    assert all(p.layout == "glued" and p.kind == "self_evaluation" for p in sj2020.projects)
    assert all(p.year == 2020 and p.amount_unit == "万元" for p in sj2020.projects)
    assert all(not p.indicators and p.score_max is None for p in sj2020.projects)


def test__parse_songjiang_2020__funds_total_triples(sj2020) -> None:
    full = [p.budget_full_year for p in sj2020.projects]
    assert full == [
        D("575856.58"),
        D("7682.00"),
        None,  # '年度资金总' / '额' followed by '其中：当' — no figures printed
        D("30000.00"),
        D("712723.00"),
        D("739550.00"),
        D("107000.00"),
        D("127700.00"),
        D("17242249.00"),  # label cut '年度资金' / '总额', figures on the next line
    ]
    first = sj2020.projects[0]
    assert first.budget_initial == first.executed == D("575856.58")
    assert (first.execution_weight, first.execution_rate, first.execution_score) == (D("10"), D("1"), D("10"))
    assert first.extra["年度资金总额_glued"] == "575856.58575856.58575856.5810100.0%10"
    legal = sj2020.projects[2]
    assert legal.budget_initial is None and legal.executed is None
    missing = [c for c in sj2020.checks if c.check == "glued_funds_total_missing"]
    assert [(c.source_line, c.severity, c.project_ref) for c in missing] == [(1859, "warning", "1938")]


def test__parse_songjiang_2020__indicator_row_counts(sj2020) -> None:
    counts = [p.extra["indicator_rows"] for p in sj2020.projects]
    # 法律咨询与服务 prints '合同法规 / 率 / ≥85%100%1010无' for two rows: 6 here, 7 in the sheet1 form.
    assert counts == ["10", "6", "6", "6", "9", "10", "8", "15", "13"]
    assert sj2020.projects[0].extra["figures_lines"] == "1608-1709"


def test__parse_songjiang_2020__department_and_unit(sj2020) -> None:
    for p in sj2020.projects:
        assert p.department == "上海市松江区城市运行管理中心", p.source_line
        assert p.unit == "上海市松江区城市运行管理中心", p.source_line
    # 1834: '主管部门上海市松江区城市运行管理中心' then the unit wrapped over 1836/1838
    assert sj2020.projects[1].end_line == 1838
    assert not [c for c in sj2020.checks if c.severity != "info" and c.check != "glued_funds_total_missing"]
    assert (sj2020.meta.district, sj2020.meta.year) == ("松江", 2020)


# ---------------------------------------------------------------- inline variations


def test__split_equal_triple__only_equal_figures_with_full_rate() -> None:
    assert glued.split_equal_triple("7682.007682.007682.0010100.0%10") == (
        D("7682.00"),
        D("10"),
        D("1"),
        D("10"),
    )
    assert glued.split_equal_triple("1,234.561,234.561,234.5610100%10") == (
        D("1234.56"),
        D("10"),
        D("1"),
        D("10"),
    )
    assert glued.split_equal_triple("20000.00950.00500.001052.64%5.26") is None  # unequal: ambiguous
    assert glued.split_equal_triple("500.00500.00500.001052.64%5.26") is None  # equal but not 100%
    assert glued.split_equal_triple("0.000.00-0.0%-") is None


def test__split_department__doubled_or_second_city_prefix() -> None:
    assert glued.split_department("上海市A中心上海市A中心") == ("上海市A中心", "上海市A中心")
    assert glued.split_department("上海市A中心(汇总)上海市B所") == ("上海市A中心(汇总)", "上海市B所")
    assert glued.split_department("上海市A中心") == ("上海市A中心", None)


def _glued_form(
    name: str, total_line: str, figures: list[str], dept: str = "上海市A中心上海市A中心"
) -> list[str]:
    return [
        " 年初预算数全年预算数全年执行数分值执行率得分",
        *figures,
        "一级指标二级指标三级指标年度指标值实际完成值分值得分",
        "系统使用率100%100%4545无",
        "硬件维护次",
        "数",
        "1261010无",
        "服务对象满意度≥85%≥85%1010不存在偏差",
        total_line,
        "财政项目支出绩效自评表",
        "2021年度",
        f"项目名称{name}",
        f"主管部门{dept}",
        "项目资金（元）",
        "年度总体目标",
    ]


def test__parse__split_label_unequal_figures_and_missing_total() -> None:
    text = "\n".join(
        ["前言：本部门 2021 年度绩效自评情况如下，共有以下两个项目的自评表，详见附表。这一行是长的说明文字。"]
        + _glued_form("甲项目", "总分：88.5", ["年度资金", "总额", "100.00100.00100.0010100.0%10"])
        + _glued_form(
            "乙项目", "合计", ["年度资金总额20000.00950.00500.001052.64%5.26"], "上海市A中心(汇总)上海市B所"
        )
    )
    result = glued.parse(text)
    a, b = result.projects
    assert (a.project_name, a.budget_full_year, a.score_total, a.amount_unit, a.year) == (
        "甲项目",
        D("100.00"),
        D("88.5"),
        "元",
        2021,
    )
    assert a.extra["indicator_rows"] == "3"
    assert (b.project_name, b.budget_full_year, b.score_total, b.department, b.unit) == (
        "乙项目",
        None,
        None,
        "上海市A中心(汇总)",
        "上海市B所",
    )
    assert b.extra["年度资金总额_glued"] == "20000.00950.00500.001052.64%5.26"
    checks = {(c.check, c.project_ref) for c in result.checks}
    assert ("glued_funds_total_ambiguous", str(b.source_line)) in checks
    assert ("glued_total_missing", str(b.source_line)) in checks
    assert ("glued_rendering_present", None) in checks


def test__parse__wrapped_name_and_unreadable_unit() -> None:
    lines = _glued_form(
        "网络信息系统开发、升级、建", "总分：90", ["年度资金总额5.005.005.0010100%10"], "上海市A中心X"
    )
    lines.insert(lines.index("主管部门上海市A中心X"), "设")
    result = glued.parse("\n".join(lines))
    (p,) = result.projects
    assert p.project_name == "网络信息系统开发、升级、建设"
    assert (p.department, p.unit, p.budget_initial) == ("上海市A中心X", None, D("5.00"))
    assert {c.check for c in result.checks} >= {"glued_name_wrapped", "glued_unit_not_read"}


def test__parse__tabbed_forms_are_not_glued() -> None:
    text = "财政项目支出绩效自评表\t\t\n(2022 年度)\t\t\n项目名称\t测试\t\t\n"
    assert not glued.detect(text)
    assert glued.parse(text).projects == []
