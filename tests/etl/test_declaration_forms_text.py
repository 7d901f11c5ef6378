"""Target declarations (财政项目支出绩效目标填报表) from Word-table text.

Golden figures were read by hand from data/raw/songjiang_city_operation_center_2022_target_declaration.txt;
the inline cases build small Word-table texts (one tab-led cell per line, blank line between rows).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.build import process_document
from etl.model import ParseResult, Project
from etl.parsers import declaration_forms
from etl.readers.text import read_text
from tests.conftest import seed_text

# ---------------------------------------------------------------- seed: songjiang_2022_decl


def parse(text: str) -> ParseResult:
    """Word's table text through the text reader (cells), then the declaration forms parser."""
    return declaration_forms.parse(read_text("declaration.txt", text.encode("utf-8")))


def detect(text: str) -> bool:
    return declaration_forms.detect(read_text("declaration.txt", text.encode("utf-8")))


@pytest.fixture(scope="module")
def decl() -> ParseResult:
    return parse(seed_text("songjiang_2022_decl"))


def project(result: ParseResult, name: str) -> Project:
    matches = [p for p in result.projects if p.project_name == name]
    assert len(matches) == 1, [p.project_name for p in result.projects]
    return matches[0]


def test__detect__seeds() -> None:
    assert detect(seed_text("songjiang_2022_decl"))
    for other in ("songjiang_2020", "minhang_2022", "qingpu_2020", "songjiang_2021"):
        assert not detect(seed_text(other)), other


def test__parse__seed_project_names_in_order(decl: ParseResult) -> None:
    assert [p.project_name for p in decl.projects] == [
        "设备运行与维护",
        "法律咨询与服务",
        "网络信息系统运行与维护",
        "业务培训",
        "课题与规划",
        "宣传与推广",
        "网络信息系统开发、升级、建设（历年已批复）",
    ]
    assert {(p.kind, p.layout, p.year, p.amount_unit) for p in decl.projects} == {
        ("target_declaration", "declaration_form", 2022, "元")
    }


def test__parse__seed_has_no_checks(decl: ParseResult) -> None:
    # Every 项目资金总额 equals its 年度资金申请总额 and every 财政资金 its 当年财政拨款 + 0.
    assert decl.checks == []


def test__parse__seed_equipment_project_header(decl: ParseResult) -> None:
    p = project(decl, "设备运行与维护")
    assert p.source_line == 52  # '\t财政项目支出绩效目标填报表'
    assert p.category == "经常性"
    assert p.budget_initial == Decimal("1132300")
    assert p.budget_full_year == Decimal("1132300")
    assert p.department == "上海市松江区城市运行管理中心"
    assert p.unit == "上海市松江区城市运行管理中心"
    assert p.extra["计划开始日期"] == "2022-01-01"
    assert p.extra["计划完成日期"] == "2022-12-31"
    assert p.extra["项目资金总额"] == "1132300.00"
    assert p.extra["上年结转资金"] == "0"
    assert p.extra["其他资金"] == "0"
    assert p.extra["其他资金（年度）"] == "0"
    assert p.executed is None and p.score_total is None


def test__parse__seed_equipment_project_indicators(decl: ParseResult) -> None:
    p = project(decl, "设备运行与维护")
    # Counted by hand, lines 111-199: 15 三级 rows (技术服务质量 … 运维保障健全性).
    assert len(p.indicators) == 15
    first = p.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target_value) == (
        "产出指标",
        "数量指标",
        "技术服务质量",
        "规范",
    )
    assert (first.actual_value, first.weight, first.score) == (None, None, None)
    assert first.source_line == 114
    # '运维服务质量' has 一级 and 二级 merged from the row above.
    second = p.indicators[1]
    assert (second.level1, second.level2, second.level3, second.target_value) == (
        "产出指标",
        "数量指标",
        "运维服务质量",
        "较高",
    )
    safety = [i for i in p.indicators if i.level3 == "安全事故发生次数"][0]
    assert (safety.level1, safety.level2, safety.target_value) == ("效益指标", "社会效益指标", "=0")
    last = p.indicators[-1]
    assert (last.level1, last.level2, last.level3, last.target_value) == (
        "满意度指标",
        "服务对象满意度指标",
        "运维保障健全性",
        "健全",
    )
    assert p.end_line == 199


def test__parse__seed_indicator_counts(decl: ParseResult) -> None:
    # Counted by hand: 三级 rows of each form's indicator table, in document order.
    assert [len(p.indicators) for p in decl.projects] == [15, 11, 15, 14, 10, 17, 14]


def test__parse__seed_legal_service_indicator(decl: ParseResult) -> None:
    p = project(decl, "法律咨询与服务")
    lawyers = [i for i in p.indicators if i.level3 == "聘请法律顾问人数"]
    assert len(lawyers) == 1
    assert lawyers[0].target_value == "=2-3人"
    assert (lawyers[0].level1, lawyers[0].level2) == ("产出指标", "数量指标")
    assert len(p.indicators) == 11
    assert p.budget_initial == Decimal("30000")


def test__parse__seed_one_off_project(decl: ParseResult) -> None:
    p = project(decl, "网络信息系统开发、升级、建设（历年已批复）")
    assert p.category == "一次性"
    assert p.budget_initial == Decimal("2793072.2")
    assert str(p.budget_initial) == "2793072.2"  # as printed, not 2793072.20
    assert p.extra["项目资金总额"] == "2793072.20"
    # Its 项目总目标 cell holds only a full-width space: no total goal, but the annual goal is there.
    assert "项目总目标" not in p.extra
    assert p.goal is not None and p.goal.startswith("以现有的松江区城市网格化综合管理框架")


def test__parse__seed_budget_total(decl: ParseResult) -> None:
    total = sum((p.budget_initial for p in decl.projects if p.budget_initial is not None), Decimal(0))
    assert total == Decimal("5826372.20")  # the intro's 582.64万元, rounded there


def test__parse__seed_goals_and_narrative(decl: ParseResult) -> None:
    p = project(decl, "宣传与推广")
    # Two paragraphs in one cell (line 1001 has no tab): kept as two lines.
    assert p.extra["项目总目标"].split("\n")[1].startswith("对标市级网格督查标准")
    assert p.goal is not None and p.goal.startswith("提高通过宣传和推广")
    assert p.extra["项目总目标期间"] == "（2022 年- 2022年）"
    assert p.extra["年度预算安排"].startswith("（1）城运工作推广  55万")
    assert p.extra["年度预算安排"].endswith("油费：36000元")
    training = project(decl, "业务培训")
    assert training.extra["项目概述"] == (
        "松江区城市运行管理中心拟于2022年1月（至2022年12月）实施城运工作培训项目，"
        "主要实施内容为热线、网格及监督3个职能科室开展业务相关培训。"
    )
    # Sub-items' indentation stripped; the 七、绩效目标 heading ends the budget plan.
    assert training.extra["年度预算安排"].split("\n")[1] == "（1）网格平台科 1万"
    assert "绩效目标" not in training.extra["年度预算安排"]


def test__parse__seed_intro_sentence_not_read(decl: ParseResult) -> None:
    assert decl.narrative_figures == []


# ---------------------------------------------------------------- inline Word-table texts


def cells(*texts: str) -> str:
    """One Word-table row: every cell on its own tab-led line, then a blank line."""
    return "".join(f"\t{t}\n" for t in texts) + "\n"


INDICATOR_HEADER = cells("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值")


def form(
    name: str = "热线服务",
    *,
    total: str = "50000.00",
    annual: str = "50000",
    fiscal: str = "50000",
    current: str = "50000",
    carry: str = "0",
    unit_label: str = "项目资金\n（元）",
    category: str = "经常性项目",
    goals: tuple[str, str] = ("保障热线运行。", "保障热线运行。"),
    indicators: str | None = None,
) -> str:
    if indicators is None:
        indicators = INDICATOR_HEADER + cells("", "产出指标", "数量指标", "接听量", ">=1000件")
    return (
        cells("财政项目支出绩效目标填报表")
        + cells("（2023年度）")
        + cells("项目名称", name, "项目类别", category)
        + cells("主管部门", "上海市闵行区某局", "实施单位", "上海市闵行区某中心")
        + cells("计划开始日期", "2023-01-01", "计划完成日期", "2023-12-31")
        + cells(unit_label, "项目资金总额", total, "年度资金申请总额", annual)
        + cells("", "其中：财政资金", fiscal, "其中：当年财政拨款", current)
        + cells("", "", "", "上年结转资金", carry)
        + cells("", "其他资金", "0", "其他资金", "0")
        + cells("项目绩效目标", "项目总目标\n（2023 年- 2023年）", "年度总目标")
        + cells("", *goals)
        + indicators
        + "\n"
    )


def only_project(text: str) -> tuple[Project, ParseResult]:
    result = parse(text)
    assert len(result.projects) == 1
    return result.projects[0], result


def check_ids(result: ParseResult) -> list[str]:
    return [c.check for c in result.checks]


def test__parse__minimal_form() -> None:
    p, result = only_project(form())
    assert (p.project_name, p.year, p.category, p.amount_unit) == ("热线服务", 2023, "经常性", "元")
    assert (p.budget_initial, p.budget_full_year) == (Decimal("50000"), Decimal("50000"))
    assert [(i.level1, i.level2, i.level3, i.target_value) for i in p.indicators] == [
        ("产出指标", "数量指标", "接听量", ">=1000件")
    ]
    assert result.checks == []


def test__parse__indicator_table_continues_after_page_break() -> None:
    table = (
        INDICATOR_HEADER
        + cells("", "产出指标", "数量指标", "接听量", ">=1000件")
        + cells("", "", "", "回访量", ">=200件")
        + "\n- 3 -\n\n"  # page number left between pages
        + INDICATOR_HEADER  # header row repeated on the new page
        + cells("", "", "", "派单量", ">=300件")  # merged 一级/二级 continue across the break
        + cells("", "", "质量指标", "办结率", ">=95%")
        + cells("", "满意度指标", "服务对象满意度指标", "市民满意度", ">=90%")
    )
    p, result = only_project(form(indicators=table))
    assert [(i.level1, i.level2, i.level3, i.target_value) for i in p.indicators] == [
        ("产出指标", "数量指标", "接听量", ">=1000件"),
        ("产出指标", "数量指标", "回访量", ">=200件"),
        ("产出指标", "数量指标", "派单量", ">=300件"),
        ("产出指标", "质量指标", "办结率", ">=95%"),
        ("满意度指标", "服务对象满意度指标", "市民满意度", ">=90%"),
    ]
    assert result.checks == []


def test__parse__level2_row_without_level3_yet() -> None:
    table = (
        INDICATOR_HEADER
        + cells("", "效益指标", "社会效益指标", "", "")  # 二级 printed on its own row
        + cells("", "", "", "案件办结率", ">=96%")
        + cells("", "", "可持续影响指标", "", "")
        + cells("", "", "", "长效管理制度健全性", "健全")
    )
    p, result = only_project(form(indicators=table))
    assert [(i.level1, i.level2, i.level3) for i in p.indicators] == [
        ("效益指标", "社会效益指标", "案件办结率"),
        ("效益指标", "可持续影响指标", "长效管理制度健全性"),
    ]
    assert result.checks == []


def test__parse__new_level1_resets_level2() -> None:
    table = (
        INDICATOR_HEADER
        + cells("", "产出指标", "数量指标", "接听量", ">=1000件")
        + cells("", "满意度指标", "", "市民满意度", ">=90%")
    )
    p, _ = only_project(form(indicators=table))
    assert (p.indicators[1].level1, p.indicators[1].level2) == ("满意度指标", None)


def test__parse__blank_cell_heavy_rows() -> None:
    table = (
        INDICATOR_HEADER
        + cells("", "产出指标", "数量指标", "接听量", ">=1000件", "", "")  # trailing empty cells
        + cells("", "", "", "", "")  # an all-empty row
        + cells("", "", "", "回访量", "")  # no 年度指标值 printed
        + cells("", "", "", "派单\n量", "=300\n件")  # wrapped cells
    )
    p, result = only_project(form(indicators=table))
    assert [(i.level3, i.target_value) for i in p.indicators] == [
        ("接听量", ">=1000件"),
        ("回访量", None),
        ("派单量", "=300件"),
    ]
    assert result.checks == []


def test__parse__unaligned_rows_are_checked_not_guessed() -> None:
    table = (
        INDICATOR_HEADER
        + cells("", "产出指标", "数量指标", "接听量", ">=1000件")
        + cells("回访量", ">=200件")  # two cells: positions unknown
        + cells("", "", "", "", "=100%")  # a value without a 三级指标
        + cells("", "产出指标", "数量指标", "派单量", ">=300件", "多出的格")
    )
    p, result = only_project(form(indicators=table))
    assert [i.level3 for i in p.indicators] == ["接听量"]
    unaligned = [c for c in result.checks if c.check == "row_not_aligned"]
    assert len(unaligned) == 3
    assert all(c.severity == "warning" and c.project_ref == str(p.source_line) for c in unaligned)
    assert "回访量｜>=200件" in unaligned[0].message
    assert "=100%" in unaligned[1].message


def test__parse__single_text_row_in_table_is_reported() -> None:
    table = INDICATOR_HEADER + cells("", "产出指标", "数量指标", "接听量", ">=1000件") + cells("填报人：张三")
    p, result = only_project(form(indicators=table))
    assert len(p.indicators) == 1
    assert check_ids(result) == ["declaration_unread_text"]
    assert result.checks[0].severity == "info"
    assert "填报人：张三" in result.checks[0].message


def test__parse__form_without_indicators() -> None:
    p, result = only_project(form(indicators=""))
    assert p.indicators == []
    # Its funds are read; its indicators are missing: the document is partial.
    assert check_ids(result) == ["declaration_form_unreadable"]
    assert result.checks[0].severity == "error" and "未读到任何绩效指标" in result.checks[0].message
    assert p.budget_initial == Decimal("50000")
    p, result = only_project(form(indicators=INDICATOR_HEADER))
    assert check_ids(result) == ["declaration_form_unreadable"]


def _pipeline_checks(text: str) -> list[dict]:
    """The whole pipeline on a form: the funding sums are compared in etl/validate."""
    out = process_document("songjiang_2023_target_declaration.txt", text.encode("utf-8"))
    return [c for c in out["checks"] if c["check"].startswith("declaration_")]


def test__parse__total_differs_from_annual() -> None:
    text = form(total="3000000.00", annual="1200000", fiscal="3000000", current="1000000", carry="200000")
    p, result = only_project(text)
    assert p.budget_initial == Decimal("1200000")
    assert p.budget_full_year == Decimal("1000000")
    assert p.extra["项目资金总额"] == "3000000.00"
    assert p.extra["上年结转资金"] == "200000"
    assert check_ids(result) == []  # the parser reads; etl/validate compares
    checks = _pipeline_checks(text)
    info = [c for c in checks if c["check"] == "declaration_total_differs_from_annual"]
    assert len(info) == 1 and info[0]["severity"] == "info"
    assert "3000000.00" in info[0]["message"] and "1200000" in info[0]["message"]
    # 财政资金 3000000 covers more years than 当年财政拨款 + 上年结转 here: reported, only as info.
    split = [c for c in checks if c["check"] == "declaration_fiscal_split_mismatch"]
    assert len(split) == 1 and split[0]["severity"] == "info"


def test__parse__fiscal_split_mismatch_is_a_warning() -> None:
    text = form(fiscal="50000", current="40000", carry="5000")
    checks = _pipeline_checks(text)
    # 年度资金申请总额 50000 ≠ 40000 + 5000 + 0 as well: the same 5000 misprint, reported once.
    assert [c["check"] for c in checks] == ["declaration_annual_split_mismatch"]
    check = checks[0]
    assert check["severity"] == "warning"
    assert "50000" in check["message"] and "40000" in check["message"] and "5000" in check["message"]
    # 财政资金 = 当年财政拨款 + 上年结转资金: no check.
    assert _pipeline_checks(form(fiscal="50000", current="40000", carry="10000", annual="50000")) == []


def test__parse__wan_yuan_unit_and_one_off_category() -> None:
    p, _ = only_project(
        form(unit_label="项目资金（万元）", total="5.00", annual="5", fiscal="5", current="5")
    )
    assert p.amount_unit == "万元"
    assert p.budget_initial == Decimal("5")
    p, _ = only_project(form(category="一次性项目"))
    assert p.category == "一次性"


def test__parse__missing_unit_and_unreadable_amount() -> None:
    p, result = only_project(form(unit_label="项目资金", annual="五万元"))
    assert p.amount_unit is None
    assert p.budget_initial is None
    assert set(check_ids(result)) >= {
        "declaration_unit_missing",
        "declaration_amount_unreadable",
        "declaration_annual_amount_missing",
    }
    unreadable = [c for c in result.checks if c.check == "declaration_amount_unreadable"][0]
    assert "五万元" in unreadable.message


def test__parse__empty_or_fullwidth_space_goals() -> None:
    p, result = only_project(form(goals=("\u3000", "")))
    assert p.goal is None
    assert "项目总目标" not in p.extra
    assert result.checks == []


def test__parse__goal_row_that_cannot_be_aligned() -> None:
    text = form().replace(cells("", "保障热线运行。", "保障热线运行。"), cells("保障热线运行。"))
    p, result = only_project(text)
    assert p.goal is None
    assert "row_not_aligned" in check_ids(result)


def test__parse__wrapped_project_name_joined_without_spaces() -> None:
    p, _ = only_project(form(name="城市网格化综合管理\n信息系统运维"))
    assert p.project_name == "城市网格化综合管理信息系统运维"


def test__parse__narrative_before_each_form() -> None:
    text = (
        "上海市某区某局2023年财政支出项目绩效目标申报表\n\t绩效目标设置情况\n"
        "编报绩效目标的项目2个，涉及项目预算资金10.00万元。\n"
        "项目经费情况说明1\n\n"
        "\t 一、项目概述 \n\n\t 实施热线服务项目。\n\n"
        "\t 二、立项依据 \n\n\t 1.文件依据 \n 2.工作职能：\n\n"
        "\t 六、年度预算安排：共5万元。\n（1）话务外包 3万\n   （2）设备 2万\n\n"
        "\t 七、绩效目标 （包括总目标、年度目标、分解目标等，具体见表格）\n\n"
        + form("热线服务")
        + "\t项目经费情况说明2\n\n\t 一、项目概述 \n\n\t 实施培训项目。\n\n"
        + form("业务培训")
    )
    result = parse(text)
    assert [p.project_name for p in result.projects] == ["热线服务", "业务培训"]
    first, second = result.projects
    assert first.extra["项目概述"] == "实施热线服务项目。"
    assert first.extra["年度预算安排"] == "共5万元。\n（1）话务外包 3万\n（2）设备 2万"
    assert second.extra["项目概述"] == "实施培训项目。"
    assert "年度预算安排" not in second.extra  # the second narrative has no 六、
    assert result.checks == []


def test__parse__numbered_item_in_text_is_not_a_heading() -> None:
    text = (
        "项目经费情况说明1\n\n\t 一、项目概述 \n\n\t 实施热线服务项目。\n\n"
        "\t 六、年度预算安排 \n\n\t 分两部分：\n一、话务外包 3万\n二、设备 2万\n\n"
        "\t 七、绩效目标 \n\n" + form()
    )
    p, _ = only_project(text)
    assert p.extra["年度预算安排"] == "分两部分：\n一、话务外包 3万\n二、设备 2万"


def test__parse__untitled_form_is_read() -> None:
    text = form().replace(cells("财政项目支出绩效目标填报表"), "")
    p, _ = only_project(text)
    assert p.project_name == "热线服务"
    assert p.year == 2023
    assert p.source_line == 3  # the 项目名称 line ('（2023年度）' is line 1)


def test__parse__self_evaluation_form_is_not_a_declaration() -> None:
    self_eval = (
        cells("财政项目支出绩效自评表")
        + cells("（2022年度）")
        + cells("项目名称", "热线服务")
        + cells("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
    )
    assert not detect(self_eval)
    assert parse(self_eval).projects == []
    # A self-evaluation after a declaration ends the declaration's form.
    result = parse(form() + self_eval)
    assert [p.project_name for p in result.projects] == ["热线服务"]
    assert len(result.projects[0].indicators) == 1


def test__parse__title_over_fields_without_the_form_is_reported() -> None:
    result = parse(
        "上海市某区某局2023年财政支出项目绩效目标申报表\n项目名称\t热线服务\t项目类别\t经常性项目\n"
    )
    # No funds block, no indicator table: the form itself was not found, its figures are missing.
    (p,) = result.projects
    assert p.project_name == "热线服务" and p.indicators == []
    assert check_ids(result)[0] == "declaration_form_unreadable" and result.checks[0].severity == "error"


def test__parse__blank_template_is_not_a_project() -> None:
    blank = form(total="0.00", annual="0", fiscal="0", current="0", indicators=INDICATOR_HEADER)
    result = parse(blank)
    assert result.projects == []
    assert check_ids(result) == ["declaration_form_empty"]
    assert result.checks[0].severity == "info" and "热线服务" in result.checks[0].message


def test__parse__empty_name_is_an_error() -> None:
    text = form().replace(
        cells("项目名称", "热线服务", "项目类别", "经常性项目"),
        cells("项目名称", "", "项目类别", "经常性项目"),
    )
    result = parse(text)
    assert result.projects == []
    assert check_ids(result) == ["declaration_form_unreadable"]
    assert result.checks[0].severity == "error" and "未读到“项目名称”" in result.checks[0].message


def test__parse__title_with_year_and_inline_goals() -> None:
    text = (
        cells("2024年度项目支出绩效目标申报表")
        + cells("项目名称", "热线服务", "项目类别", "经常性项目")
        + cells("项目资金（万元）", "年度资金申请总额", "12.5")
        + cells("年度总目标", "保障热线运行。\n提升服务质量。")
        + INDICATOR_HEADER
        + cells("", "产出指标", "数量指标", "接听量", ">=1000件")
    )
    p, result = only_project(text)
    assert (p.year, p.amount_unit, p.budget_initial) == (2024, "万元", Decimal("12.5"))
    assert p.goal == "保障热线运行。\n提升服务质量。"
    assert len(p.indicators) == 1
    assert result.checks == []
