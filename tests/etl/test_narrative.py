"""Narrative parser: document facts, 说明 figures and items, text-hygiene checks.

Golden figures were read by hand from the seed text (data/raw/); the inline cases
cover the variations real documents show (PDF wraps, 目录, page numbers, …).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.parsers import narrative
from tests.conftest import seed_text


def _figures(text: str) -> dict[str, object]:
    return {f.key: f for f in narrative.parse(text).narrative_figures}


def _checks(text: str, check: str) -> list:
    return [c for c in narrative.parse(text).checks if c.check == check]


@pytest.fixture(scope="module")
def songjiang_2020():
    return narrative.parse(seed_text("songjiang_2020"))


@pytest.fixture(scope="module")
def qingpu_2020():
    return narrative.parse(seed_text("qingpu_2020"))


# --- seeds: figures ---------------------------------------------------------------------


def test__parse__songjiang_2020_expenditure_figures(songjiang_2020) -> None:
    f = {x.key: x for x in songjiang_2020.narrative_figures}
    assert songjiang_2020.layout == "narrative"
    assert f["total_expenditure"].value == Decimal("3984.05")
    assert f["basic_expenditure"].value == Decimal("2026.81")
    assert f["project_expenditure"].value == Decimal("1957.24")
    assert f["personnel_cost"].value == Decimal("1963.59")
    assert f["public_cost"].value == Decimal("63.22")
    assert f["total_income"].value == Decimal("3998.79")
    assert f["fiscal_total"].value == Decimal("4008.60")
    assert f["gpb_budget_initial"].value == Decimal("2640.99")
    assert f["procurement_total"].value == Decimal("1728.21")
    assert f["procurement_goods"].value == Decimal("1239.90")
    assert f["procurement_services"].value == Decimal("488.31")
    assert f["class_share:社会保障和就业支出"].value == Decimal("148.30")
    assert f["class_share:城乡社区支出"].value == Decimal("3727.47")
    assert {f[k].unit for k in ("total_expenditure", "personnel_cost", "procurement_total")} == {"万元"}
    assert f["total_expenditure"].source_line == 1555
    assert f["total_expenditure"].text.startswith("本年支出合计3,984.05万元")


def test__parse__songjiang_2020_performance_figures(songjiang_2020) -> None:
    f = {x.key: x for x in songjiang_2020.narrative_figures}
    assert (f["self_eval_project_count"].value, f["self_eval_project_count"].unit) == (Decimal(9), "个")
    assert f["self_eval_budget_total"].value == Decimal("1957.28")
    assert (f["self_eval_avg_score"].value, f["self_eval_avg_score"].unit) == (Decimal(91), "分")
    assert f["grade_count_优"].value == 7
    assert f["grade_count_良"].value == 2
    assert f["grade_count_合格"].value == 0
    assert f["grade_count_不合格"].value == 0
    assert f["declared_project_count"].value == 7
    assert f["declared_budget_total"].value == Decimal("361.81")
    assert f["tracked_budget_total"].value == Decimal("1957.28")
    assert f["self_eval_avg_score"].source_line == 1607


def test__parse__songjiang_2020_three_public_zero(songjiang_2020) -> None:
    f = {x.key: x for x in songjiang_2020.narrative_figures}
    assert f["three_public_budget"].value == Decimal("0.00")
    assert f["abroad_groups"].value == 0
    assert f["vehicles_owned"].value == 0
    assert "operating_cost" not in f  # '无机关运行经费支出' prints no figure
    assert "reception_batches" not in f


def test__parse__qingpu_2020_figures_pdf_wrapped(qingpu_2020) -> None:
    f = {x.key: x for x in qingpu_2020.narrative_figures}
    assert f["self_eval_budget_total"].value == Decimal("5290.51")
    assert f["self_eval_avg_score"].value == Decimal("95.5")
    assert f["three_public_budget"].value == Decimal("2.60")
    assert f["three_public_actual"].value == Decimal("1.99")
    assert f["three_public_reception_actual"].value == Decimal("1.99")
    assert (f["reception_batches"].value, f["reception_persons"].value) == (12, 476)
    assert f["gpb_budget_initial"].value == Decimal("3183.35")
    assert f["gpb_expenditure"].value == Decimal("3951.91")
    # As printed, even where the table says 1,154.29 and where one decimal is printed.
    assert f["basic_expenditure"].value == Decimal("1154.28")
    assert str(f["public_cost"].value) == "187.9"
    assert f["operating_cost"].value == Decimal("729.93")
    assert f["procurement_goods"].value == Decimal("246")
    assert f["class_share:医疗卫生与计划生育支出"].value == Decimal("53.55")
    # '绩效自评的' opens line 1234; the amount sits on the same line, the score wraps to 1236.
    assert f["self_eval_budget_total"].source_line == 1234


def test__parse__declaration_seed_counts() -> None:
    f = _figures(seed_text("songjiang_2022_decl"))
    assert (f["declared_project_count"].value, f["declared_project_count"].unit) == (Decimal(7), "个")
    assert (f["declared_budget_total"].value, f["declared_budget_total"].unit) == (Decimal("582.64"), "万元")
    assert f["declared_budget_total"].source_line == 3


def test__parse__self_evaluation_only_seeds_have_no_figures() -> None:
    for name in ("minhang_2022", "songjiang_2021"):
        result = narrative.parse(seed_text(name))
        assert result.narrative_figures == [] and result.narrative_items == []


# --- seeds: items -----------------------------------------------------------------------


def test__parse_items__songjiang_2020_five_items(songjiang_2020) -> None:
    items = songjiang_2020.narrative_items
    assert len(items) == 5
    first = items[0]
    assert (
        first.item
        == "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）"
    )
    assert (first.budget_initial, first.final, first.unit, first.code) == (
        Decimal("123.01"),
        Decimal("99.08"),
        "万元",
        None,
    )
    assert first.reason is not None and first.reason.startswith("2020年交流至外单位")
    assert first.source_line == 1570
    assert items[1].item.endswith("机关事业单位职业年金缴费支出(项)")  # ASCII parentheses kept
    assert (items[3].budget_initial, items[3].final) == (Decimal("2329.63"), Decimal("3727.47"))
    assert items[3].reason == "本年度追加松江区城运平台信息化建设项目一期项目。"


def test__parse_items__qingpu_2020_wrapped_items(qingpu_2020) -> None:
    items = qingpu_2020.narrative_items
    assert len(items) == 4
    assert items[0].item == "一般公共服务支出（类）其他一般公共服务支出（款）其他一般公共服务支出（项）"
    assert (items[0].budget_initial, items[0].final) == (Decimal("2975.81"), Decimal("3712.74"))
    assert items[0].reason == "预算调整。"
    assert items[1].item.endswith("（项），机关事业单位职业年金缴费支出（项）")
    assert (items[3].budget_initial, items[3].final, items[3].reason) == (
        Decimal("37.56"),
        Decimal("46.84"),
        None,
    )
    assert [i.source_line for i in items] == [1102, 1112, 1124, 1132]


# --- seeds: document facts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "district", "department", "year"),
    [
        ("songjiang_2020", "松江", "上海市松江区城市运行管理中心", 2020),
        ("qingpu_2020", "青浦", "上海市青浦区政务服务办公室", 2020),
        ("songjiang_2022_decl", "松江", "上海市松江区城市运行管理中心", 2022),
        ("minhang_2022", "闵行", "上海市闵行区城市运行管理中心", 2022),
        ("songjiang_2021", "松江", "上海市松江区行政服务中心", 2021),
    ],
)
def test__parse_meta__seeds(name: str, district: str, department: str, year: int) -> None:
    meta = narrative.parse_meta(seed_text(name))
    assert (meta.district, meta.department, meta.year) == (district, department, year)
    assert not [c for c in narrative.parse(seed_text(name)).checks if c.check.startswith("meta_")]


def test__parse_meta__units_word_table_skips_placeholders() -> None:
    assert narrative.parse_meta(seed_text("songjiang_2020")).units == ["上海市松江区城市运行管理中心"]


def test__parse_meta__units_pdf_rows_and_sentence() -> None:
    assert narrative.parse_meta(seed_text("qingpu_2020")).units == [
        "上海市青浦区政务服务办公室",
        "上海市青浦区行政服务中心",
    ]


# --- seeds: hygiene ---------------------------------------------------------------------


# --- inline variations ------------------------------------------------------------------

PDF_SECTION = "\n".join(
    [
        "三、支出决算情况说明 ",
        "",
        "本年支出合计 ",
        "",
        "- 7 -",
        "",
        "4638.73 万元，其中：基本支出 1154.28 万元，",
        "",
        "占 24.88 ；项目支出 3484.45 万元，占 75.12 。 ",
    ]
)


def test__parse__pdf_wrap_and_page_number_inside_sentence() -> None:
    f = _figures(PDF_SECTION)
    assert (f["total_expenditure"].value, f["basic_expenditure"].value) == (
        Decimal("4638.73"),
        Decimal("1154.28"),
    )
    assert f["project_expenditure"].value == Decimal("3484.45")
    assert (f["total_expenditure"].source_line, f["project_expenditure"].source_line) == (3, 9)


def test__find_sections__heading_wrapped_onto_next_line() -> None:
    text = (
        "七、一般公共预算财政拨款“三公”经费支出决算情况说\n\n明\n\n"
        "“三公”经费财政拨款支出年初预算为 5.00 万元，支出决\n算为 4.50 万元，完成预算的90.00%。\n"
    )
    f = _figures(text)
    assert (f["three_public_budget"].value, f["three_public_actual"].value) == (
        Decimal("5.00"),
        Decimal("4.50"),
    )
    assert [s.kind for s in narrative.find_sections(text.split("\n"))] == ["three_public"]


def test__find_sections__table_of_contents_then_body() -> None:
    text = (
        "目录\n一、收入支出决算总体情况说明\n二、收入决算情况说明\n三、支出决算情况说明\n"
        "第三部分 说明\n"
        "三、支出决算情况说明\n本年支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元，占40.00%。\n"
    )
    f = _figures(text)
    assert f["total_expenditure"].value == Decimal("100.00")
    assert f["total_expenditure"].source_line == 7


def test__find_sections__parenthesised_section_numbers() -> None:
    text = (
        "（三）支出决算情况说明\n本年支出合计10.00万元，其中：基本支出4.00万元；项目支出6.00万元。\n"
        "（十一）其他重要事项的情况说明\n（一）机关运行经费支出情况\n本单位机关运行经费支出3.20万元。\n"
        "（二）政府采购支出情况\n本单位政府采购金额为9.00万元，其中：货物采购金额9.00万元、工程采购金额0万元、服务采购金额0万元。\n"
    )
    f = _figures(text)
    assert f["project_expenditure"].value == Decimal("6.00")
    assert f["operating_cost"].value == Decimal("3.20")
    assert f["procurement_total"].value == Decimal("9.00")
    assert f["procurement_services"].value == Decimal("0")


def test__parse__figures_not_taken_from_tables_after_the_narrative() -> None:
    text = (
        "十一、其他重要事项的情况说明\n本部门无政府采购。\n收入支出决算总表\n单位：万元\n"
        "政府采购金额 5.00万元\n"
    )
    assert "procurement_total" not in _figures(text)


def test__parse_items__without_subheading_and_incomplete_item() -> None:
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n"
        "1、住房保障支出（类）住房改革支出（款）住房公积金（项）。年初预算为10.00万元，支出决算为12.00万元。"
        "决算数大于预算数的主要原因：人员增加。\n"
        "2、卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。年初预算为5.00万元。\n"
    )
    result = narrative.parse(text)
    assert [(i.budget_initial, i.final) for i in result.narrative_items] == [
        (Decimal("10.00"), Decimal("12.00")),
        (Decimal("5.00"), None),
    ]
    assert result.narrative_items[0].reason == "人员增加。"
    incomplete = [c for c in result.checks if c.check == "narrative_item_incomplete"]
    assert len(incomplete) == 1 and "支出决算" in incomplete[0].message and incomplete[0].source_line == 3
    assert not [c for c in result.checks if c.check == "narrative_direction_mismatch"]


def test__parse_items__template_placeholders_are_not_missing_figures() -> None:
    # The national 决算 template (p. 16) prints both words with XXX where the figures go:
    # text_placeholder reports the XXX; the items state what the template has them state.
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
        "1、教育支出（类）普通教育（款）初中教育（项）。主要用于：XXXXXXXX。年初预算为XXX万元，"
        "支出决算为XXX万元。决算数大于（小于）预算数的主要原因：XXXXXXXX。\n"
        "2、教育支出（类）普通教育（款）高等教育（项）。主要用于：XXXXXXXX。年初预算为XXX万元，"
        "支出决算为XXX万元。\n"
    )
    result = narrative.parse(text)
    assert [(i.budget_initial, i.final) for i in result.narrative_items] == [(None, None), (None, None)]
    assert not [c for c in result.checks if c.check == "narrative_item_incomplete"]
    # A 决算 paragraph without 支出决算 is still found, siblings or not (the template requires it).
    alone = text.split("2、")[0].replace("支出决算为XXX万元。", "") + "\n"
    (c,) = [c for c in narrative.parse(alone).checks if c.check == "narrative_item_incomplete"]
    assert "支出决算" in c.message and "年初预算" not in c.message


def test__parse_items__national_template_raises_no_incomplete_item() -> None:
    from tests.realdocs import outcome

    out = outcome("template_2024_final_accounts.pdf")
    assert len(out["narrative_items"]) == 2
    assert not [c for c in out["checks"] if c["check"] == "narrative_item_incomplete"]
    assert [c for c in out["checks"] if c["check"] == "text_placeholder"]


def test__parse_meta__inline_unit_list_and_pudong() -> None:
    text = (
        " 第一部分    上海市浦东新区生态环境局概况\n"
        "纳入上海市浦东新区生态环境局2023年度部门决算编制范围的单位包括：上海市浦东新区生态环境局（本级）、"
        "上海市浦东新区环境监测站。\n"
    )
    meta = narrative.parse_meta(text)
    assert (meta.district, meta.department, meta.year) == ("浦东", "上海市浦东新区生态环境局", 2023)
    assert meta.units == ["上海市浦东新区生态环境局", "上海市浦东新区环境监测站"]


def test__parse_meta__pdf_unit_name_wrapped_onto_next_line() -> None:
    text = (
        "纳入上海市普陀区体育局 2021 年度部门决算编制\n\n范围的单位包括： \n\n序号 单位名称 备注 \n\n"
        "1 上海市普陀区体育局（本级）  \n\n2 上海市普陀区青少年业余体育学校管理 \n\n中心 \n\n \n\n第二部分 表\n"
    )
    meta = narrative.parse_meta(text)
    assert meta.units == ["上海市普陀区体育局", "上海市普陀区青少年业余体育学校管理中心"]
    assert (meta.district, meta.year) == ("普陀", 2021)


def test__parse_meta__glued_form_department_and_suffix() -> None:
    glued = "财政项目支出绩效自评表\n2020年度\n主管部门上海市嘉定区档案馆上海市嘉定区档案馆\n"
    meta = narrative.parse_meta(glued)
    assert (meta.district, meta.department, meta.year) == ("嘉定", "上海市嘉定区档案馆", 2020)
    tabbed = (
        "财政项目支出绩效自评表\t\t\n(2023 年度)\t\t\n主管部门\t上海市崇明区体育局（汇总）\t\t实施单位\tX\n"
    )
    assert narrative.parse_meta(tabbed).department == "上海市崇明区体育局"


def test__parse__missing_meta_warns() -> None:
    result = narrative.parse("情况说明\n本年支出合计1.00万元。\n")
    missing = {c.check for c in result.checks if c.severity == "warning"}
    assert {"meta_district_missing", "meta_department_missing", "meta_year_missing"} <= missing
    assert (result.meta.district, result.meta.department, result.meta.year) == (None, None, None)


def test__detect__only_documents_with_prose_or_facts() -> None:
    assert narrative.detect(seed_text("minhang_2022"))
    assert narrative.detect(seed_text("songjiang_2022_decl"))
    assert not narrative.detect("收入决算表\n单位：万元\n合计\t1.00\n")
