"""Narrative parser on 部门预算 (budgets): 编制说明 figures and items.

Golden values were typed by hand from the rendered PDF pages (the page is given beside
each value), never copied from the parser's output. The PDFs are read once per module;
the inline cases cover the variations the PDFs show (wraps, '。。', missing full stops).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.parsers import narrative
from etl.readers import read_document
from tests.conftest import seed_text

ROOT = Path(__file__).resolve().parents[2]
_PLACES = (ROOT / "tests" / "cases" / "real", Path("/work/shared/real"))

JUSTICE_2026 = "putuo_justice_bureau_2026_department_budget.pdf"
WANLI_2023 = "putuo_wanli_subdistrict_2023_department_budget.pdf"
WANLI_2024 = "putuo_wanli_subdistrict_2024_department_budget.pdf"
FINANCE_2024 = "putuo_finance_bureau_2024_final_accounts.pdf"


def _read(name: str) -> tuple[list[str], object]:
    """(prose lines, parse result) of a real PDF; skipped when the file is not at hand."""
    path = next((p / name for p in _PLACES if (p / name).exists()), None)
    if path is None:
        pytest.skip(f"{name} not in tests/cases/real or /work/shared/real")
    text = read_document(name, path.read_bytes()).prose_text()
    return text.split("\n"), narrative.parse(text)


@pytest.fixture(scope="module")
def justice():
    return _read(JUSTICE_2026)


@pytest.fixture(scope="module")
def wanli_2023():
    return _read(WANLI_2023)


@pytest.fixture(scope="module")
def wanli_2024():
    return _read(WANLI_2024)


@pytest.fixture(scope="module")
def finance():
    return _read(FINANCE_2024)


def _figures(result) -> dict[str, object]:
    return {f.key: f for f in result.narrative_figures}


def _assert_figures(result, expected: dict[str, str]) -> None:
    f = _figures(result)
    missing = sorted(set(expected) - set(f))
    assert not missing, missing
    # str(): the figure as printed, decimals included ('0.00' is not '0').
    assert {k: str(f[k].value) for k in expected} == expected


# --- 司法局 2026 ----------------------------------------------------------------------------

# (number, path, code, stated, prior_executed, budget, change_word, change_percent), pages 8–9.
JUSTICE_ITEMS = [
    (
        1,
        "公共安全支出（类）司法（款）行政运行（项）",
        "2040601",
        "1672.67",
        "1690.69",
        "1672.67",
        "减少",
        "1.07",
    ),
    (
        2,
        "公共安全支出（类）司法（款）基层司法业务（项）",
        "2040604",
        "2170.39",
        "2149.45",
        "2170.39",
        "增加",
        "0.97",
    ),
    (
        3,
        "公共安全支出（类）司法（款）普法宣传（项）",
        "2040605",
        "124.29",
        "118.46",
        "124.29",
        "增加",
        "4.92",
    ),
    (4, "公共安全支出（类）司法（款）公共法律服务（项）", "2040607", "686", "679.12", "686", "增加", "1.01"),
    (
        5,
        "公共安全支出（类）司法（款）信息化建设（项）",
        "2040613",
        "227.88",
        "60.41",
        "227.88",
        "增加",
        "277.22",
    ),
    (
        6,
        "公共安全支出（类）司法（款）其他司法支出（项）",
        "2040699",
        "3845.49",
        "43269.3",
        "3845.49",
        "增加",
        "17.62",
    ),
    (
        7,
        "社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）",
        "2080501",
        "57.8",
        "59.11",
        "57.8",
        "减少",
        "2.21",
    ),
    (
        8,
        "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）",
        "2080505",
        "183.95",
        "156.34",
        "183.95",
        "增加",
        "17.66",
    ),
    (
        9,
        "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）",
        "2080506",
        "91.97",
        "77.99",
        "91.97",
        "增加",
        "17.66",
    ),
    (
        10,
        "社会保障和就业支出（类）行政事业单位养老支出（款）其他行政事业单位养老支出（项）",
        "2080599",
        "0.64",
        "0.50",
        "0.64",
        "增加",
        "28",
    ),
    (
        11,
        "医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）",
        "2101101",
        "114.97",
        "59.43",
        "114.97",
        "增加",
        "93.45",
    ),
    (
        12,
        "住房保障支出（类）住房改革支出（款）住房公积金（项）",
        "2210201",
        "208.8",
        "198.34",
        "201.50",
        "增加",
        "5.27",
    ),
    (
        13,
        "住房保障支出（类）住房改革支出（款）购房补贴（项）",
        "2210203",
        "243.36",
        "241.76",
        "243.36",
        "增加",
        "0.66",
    ),
]


def test__parse__justice_2026_is_a_budget(justice) -> None:
    lines, result = justice
    assert narrative.document_kind("\n".join(lines)) == "budget"
    keys = {f.key for f in result.narrative_figures}
    assert not [k for k in keys if k.endswith("_actual")]  # a budget states no 决算
    assert not [k for k in keys if k.startswith("class_share:")]


def test__parse__justice_2026_totals(justice) -> None:
    _, result = justice
    _assert_figures(
        result,
        {  # page 8
            "total_income_budget": "9628.22",
            "fiscal_income_budget": "9628.22",
            "fiscal_income_budget_increase": "793.14",
            "business_income_budget": "0",
            "operating_income_budget": "0",
            "other_income_budget": "0",
            "total_expenditure_budget": "9628.22",
            "fiscal_expenditure_budget": "9628.22",
            "fiscal_expenditure_budget_increase": "793.14",
            "gpb_expenditure_budget": "9628.22",
            "gpb_expenditure_budget_increase": "793.14",
            "gov_fund_expenditure_budget": "0",
            "soe_expenditure_budget": "0",
        },
    )
    f = _figures(result)
    assert "fiscal_income_budget_decrease" not in f
    assert "gov_fund_expenditure_budget_increase" not in f  # '与2026年预算持平' prints no figure
    assert {f[k].unit for k in ("total_income_budget", "fiscal_income_budget_increase")} == {"万元"}


def test__parse__justice_2026_other_matters(justice) -> None:
    lines, result = justice
    _assert_figures(
        result,
        {  # page 22
            "three_public_budget": "10.81",
            "three_public_abroad_budget": "0",
            "three_public_vehicle_budget": "9.98",
            "three_public_vehicle_purchase_budget": "0",
            "three_public_vehicle_operation_budget": "9.98",
            "three_public_reception_budget": "0.83",
            "operating_cost_budget": "217.83",
            "procurement_budget_total": "1486.42",
            "procurement_budget_goods": "3.66",
            "procurement_budget_works": "36.44",
            "procurement_budget_services": "1446.32",
            "procurement_sme_reserved": "1486.42",
            "procurement_small_micro_reserved": "1486.42",
            "declared_project_count": "20",
            "declared_budget_total": "7054.05",
            "vehicles_owned": "3",
            "vehicles_purchase_planned": "0",
            "large_equipment_owned": "0",
            "large_equipment_purchase_planned": "0",
        },
    )
    f = _figures(result)
    assert "three_public_budget_increase" not in f  # '比2025年预算持平'
    assert (f["declared_project_count"].unit, f["vehicles_owned"].unit) == ("个", "辆")
    tp = f["three_public_budget"]
    assert tp.text.startswith("2026年“三公”经费预算数为10.81万元")
    assert "10.81" in lines[tp.source_line - 1]


def test__parse_budget_items__justice_2026_thirteen_items(justice) -> None:
    lines, result = justice
    items = result.narrative_items
    assert len(items) == 13
    got = [
        (
            n,
            it.item,
            it.code,
            str(it.stated),
            str(it.prior_executed),
            str(it.budget),
            it.change_word,
            str(it.change_percent),
        )
        for n, it in enumerate(items, 1)
    ]
    assert got == JUSTICE_ITEMS
    for n, it in enumerate(items, 1):
        assert squash_line(lines[it.source_line - 1]).startswith(f"{n}、")
        assert (it.unit, it.budget_initial, it.final) == ("万元", None, None)


def test__parse_budget_items__justice_2026_details(justice) -> None:
    _, result = justice
    items = result.narrative_items
    six = items[5]  # page 9: wraps onto the next line in the middle of 当年预算执行数
    assert (six.prior_executed, six.budget, six.change_word, six.change_percent) == (
        Decimal("43269.3"),
        Decimal("3845.49"),
        "增加",
        Decimal("17.62"),
    )
    assert six.reason == "业务量增加。"
    assert items[4].prior_executed == Decimal("60.41")  # page 8: '…的支出。。2025年…' read through
    assert (str(items[11].stated), str(items[11].budget)) == ("208.8", "201.50")  # page 9, as printed
    assert items[10].item.startswith("医疗卫生与计划生育支出（类）")  # page 9: the old 类 name, as printed
    assert items[6].reason == "退休实有人数减少。"
    assert not [c for c in result.checks if c.check == "narrative_item_incomplete"]


# --- 万里街道 2023 ---------------------------------------------------------------------------


def test__parse__wanli_2023_figures(wanli_2023) -> None:
    _, result = wanli_2023
    _assert_figures(
        result,
        {
            # page 6
            "total_income_budget": "16497.86",
            "fiscal_income_budget": "16497.86",
            "fiscal_income_budget_increase": "1421.25",  # '比2022年（上一年度，下同）预算增加'
            "total_expenditure_budget": "16497.86",
            "fiscal_expenditure_budget": "16497.86",
            "gpb_expenditure_budget": "16497.86",
            "gpb_expenditure_budget_increase": "1421.25",
            "gov_fund_expenditure_budget": "0",
            "gov_fund_expenditure_budget_increase": "1421.25",  # printed so, though the budget is 0
            "soe_expenditure_budget": "0",
            # page 29
            "three_public_budget": "22.91",
            "three_public_abroad_budget": "0",
            "three_public_vehicle_budget": "21.56",  # '公务车购置及运行费'
            "three_public_vehicle_purchase_budget": "0",
            "three_public_vehicle_operation_budget": "21.56",  # '公务车用车运行费'
            "three_public_reception_budget": "1.35",
            "operating_cost_budget": "786.09",
            "procurement_budget_total": "830.00",
            "procurement_budget_goods": "10.00",
            "procurement_budget_works": "550.00",
            "procurement_budget_services": "270.00",
            "procurement_sme_reserved": "332.00",
            "procurement_small_micro_reserved": "232.40",
            "declared_project_count": "5",
            "declared_budget_total": "3328.13",
            "vehicles_owned": "7",  # '车辆7辆（一般公务用车3辆，…）'
        },
    )


def test__parse_budget_items__wanli_2023_names_only(wanli_2023) -> None:
    lines, result = wanli_2023
    items = result.narrative_items
    assert len(items) == 34  # pages 6–9
    assert all(it.code is None for it in items)  # 万里 prints names, not codes
    first, seventh, eighth, sixteenth, last = items[0], items[6], items[7], items[15], items[33]
    # page 6
    assert first.item == "一般公共服务支出（类）统计信息事务（款）统计管理（项）"
    assert (str(first.stated), str(first.prior_executed), str(first.budget)) == ("2.63", "1.48", "2.63")
    assert (first.change_word, str(first.change_percent)) == ("增加", "77.70")  # printed '77.70 %'
    assert first.reason == "统计管理经费增加。"
    # page 7
    assert seventh.item == "一般公共服务支出（类）市场监督管理事务（款）一般行政管理事务（项）"
    assert (str(seventh.stated), str(seventh.prior_executed), str(seventh.budget)) == (
        "14.62",
        "4.17",
        "14.62",
    )
    assert (seventh.change_word, seventh.change_percent) == ("增加", Decimal("250.60"))
    assert eighth.item == "公共安全支出（类）司法（款）公共法律服务（项）"
    assert (str(eighth.stated), str(eighth.prior_executed), str(eighth.budget)) == ("15.00", "15.00", "15.00")
    assert (eighth.change_word, eighth.change_percent) == ("持平", None)
    assert eighth.reason == "公共法律服务经费保持不变。"
    assert sixteenth.item.endswith("机关事业单位职业年金缴费支出（项）")
    assert (str(sixteenth.stated), str(sixteenth.prior_executed), str(sixteenth.budget)) == (
        "220.63",
        "132.59",
        "441.25",  # as printed (item 15's figure), not fixed
    )
    # page 9
    assert last.item == "住房保障支出（类）城乡社区住宅（款）其他城乡社区住宅支出（项）"
    assert (str(last.stated), str(last.prior_executed), str(last.budget)) == ("217.72", "217.54", "217.72")
    assert (last.change_word, last.change_percent) == ("增加", Decimal("0.08"))
    assert squash_line(lines[seventh.source_line - 1]).startswith("7.“一般公共服务支出")


# --- 万里街道 2024 ---------------------------------------------------------------------------


def test__parse__wanli_2024_figures(wanli_2024) -> None:
    _, result = wanli_2024
    _assert_figures(
        result,
        {
            # page 6
            "total_income_budget": "15621.11",
            "fiscal_income_budget": "15621.11",
            "fiscal_income_budget_decrease": "876.75",
            "business_income_budget": "0.00",
            "total_expenditure_budget": "15621.11",
            "fiscal_expenditure_budget": "15621.11",
            "fiscal_expenditure_budget_decrease": "876.75",
            "gpb_expenditure_budget": "15621.11",
            "gpb_expenditure_budget_decrease": "876.75",
            "gov_fund_expenditure_budget": "0.00",
            "soe_expenditure_budget": "0.00",
            # page 32
            "three_public_budget": "47.91",
            "three_public_budget_increase": "25",
            "three_public_abroad_budget": "0",
            "three_public_vehicle_budget": "46.56",
            "three_public_vehicle_purchase_budget": "25",
            "three_public_vehicle_operation_budget": "21.56",
            "three_public_reception_budget": "1.35",
            "operating_cost_budget": "443.18",
            "procurement_budget_total": "1662.44",
            "procurement_budget_goods": "93.98",
            "procurement_budget_works": "815.87",
            "procurement_budget_services": "752.59",
            "procurement_sme_reserved": "664.98",
            "procurement_small_micro_reserved": "465.49",
            "declared_project_count": "50",
            "declared_budget_total": "5634.81",
            "vehicles_owned": "7",
            "vehicles_purchase_planned": "1",
            "large_equipment_owned": "0",
            "large_equipment_purchase_planned": "0",
        },
    )
    assert "fiscal_income_budget_increase" not in _figures(result)


def test__parse_budget_items__wanli_2024(wanli_2024) -> None:
    _, result = wanli_2024
    items = result.narrative_items
    assert len(items) == 33  # pages 6–9
    first, second, thirty_first, last = items[0], items[1], items[30], items[32]
    # page 6
    assert first.item == "一般公共服务支出（类）统计信息事务（款）专项普查活动（项）"
    assert (str(first.stated), str(first.prior_executed), str(first.budget)) == ("25.77", "60.13", "25.77")
    assert (first.change_word, first.change_percent, first.reason) == ("减少", Decimal("57.14"), "项目调整。")
    assert (str(second.stated), str(second.prior_executed), str(second.budget)) == ("42.60", "45.41", "42.60")
    assert (second.change_word, second.change_percent) == ("减少", Decimal("6.19"))
    # page 9
    assert thirty_first.item == "住房保障支出（类）住房改革支出（款）住房公积金（项）"
    assert (str(thirty_first.stated), str(thirty_first.prior_executed), str(thirty_first.budget)) == (
        "350.35",
        "348.52",
        "352.67",
    )
    assert (thirty_first.change_word, thirty_first.change_percent) == ("增加", Decimal("0.53"))
    assert (str(last.stated), str(last.prior_executed), str(last.budget)) == ("217.72", "217.72", "217.72")
    assert (last.change_word, last.change_percent) == ("持平", None)


# --- 决算 untouched ---------------------------------------------------------------------------


def test__parse__finance_2024_final_accounts_still_read_as_final_accounts(finance) -> None:
    lines, result = finance
    assert narrative.document_kind("\n".join(lines)) == "final_accounts"
    f = _figures(result)
    assert not [k for k in f if k.endswith("_budget") and k != "three_public_budget"]
    assert len(result.narrative_items) == 11
    # page 21 prints '财政拨款收入支出总计0.3万元' (the tables say otherwise): kept as printed.
    assert str(f["fiscal_total"].value) == "0.3"
    assert str(f["gpb_budget_initial"].value) == "2993.92"  # page 21
    assert str(f["three_public_actual"].value) == "0.00"  # page 22


def test__document_kind__seeds_are_final_accounts() -> None:
    for name in ("songjiang_2020", "qingpu_2020", "songjiang_2022_decl", "minhang_2022", "songjiang_2021"):
        assert narrative.document_kind(seed_text(name)) == "final_accounts", name


# --- inline cases -----------------------------------------------------------------------------


def squash_line(s: str) -> str:
    return "".join(s.split())


_BUDGET_TEXT = "\n".join(
    [
        "上海市普陀区2026年区级部门预算",
        "目录",
        "四、部门预算编制说明……………………",
        "2026年部门预算编制说明",
        "2026年，上海市普陀区某某局收入预算100.00万元，其中：财政拨款收入100.00万元，比2025年预算减少",
        "5.5万元；事业收入0万元。",
        "支出预算100.00万元，其中：基本支出60.00万元，项目支出40.00万元。",
        "财政拨款支出主要内容如下：",
        "1、公共安全支出（204类）司法（06款）行政运行（01项）60万元。主要用于：基本支出。。2025年当年预算执行数为",
        "- 9 -",
        "50万元，2026年预算安排60万元，比2025年预算执行数增加20%。主要原因是：人员增加",
        "2、住房保障支出（221类）住房改革支出（02款）40万元主要用于：公积金2025年当年预算执行数为40万元，"
        "2026年预算安排40万元，与2025年预算执行数持平",
        "3. “一般公共服务支出（类）统计信息事务（款）统计管理（项）”2.63万元，主要用于统计管理。",
        "2026年部门财务收支预算总表",
        "编制部门：上海市普陀区某某局单位：元",
        "",
        "其他相关情况说明",
        "一、2026年“三公”经费预算情况说明",
        "2026年“三公”经费预算数为3.00万元，比2025年预算减少1万元。其中：（一）因公出国（境）费0万元；",
        "（二）公务用车购置及运行费2.00万元；（三）公务接待费1.00万元。",
        "二、机关运行经费预算",
        "机关运行经费预算为12.5万元。",
    ]
)


def test__parse__budget_inline_wraps_page_number_and_doubled_stop() -> None:
    result = narrative.parse(_BUDGET_TEXT)
    f = _figures(result)
    assert {k: str(f[k].value) for k in ("total_income_budget", "fiscal_income_budget_decrease")} == {
        "total_income_budget": "100.00",
        "fiscal_income_budget_decrease": "5.5",
    }
    assert (f["basic_expenditure_budget"].value, f["project_expenditure_budget"].value) == (
        Decimal("60.00"),
        Decimal("40.00"),
    )
    assert (f["three_public_budget"].value, f["three_public_budget_decrease"].value) == (
        Decimal(3),
        Decimal(1),
    )
    assert f["three_public_vehicle_budget"].value == Decimal("2.00")
    assert f["operating_cost_budget"].value == Decimal("12.5")
    assert not [k for k in f if k.endswith("_actual")]
    one, two, three = result.narrative_items
    assert (one.item, one.code, one.stated, one.prior_executed, one.budget) == (
        "公共安全支出（类）司法（款）行政运行（项）",
        "2040601",
        Decimal(60),
        Decimal(50),
        Decimal(60),
    )
    assert (one.change_word, one.change_percent, one.reason, one.source_line) == (
        "增加",
        Decimal(20),
        "人员增加",
        9,
    )
    # No 项 and no full stop before 主要用于: the path stops at 款, so does the code.
    assert (two.item, two.code, two.stated, two.budget) == (
        "住房保障支出（类）住房改革支出（款）",
        "22102",
        Decimal(40),
        Decimal(40),
    )
    assert (two.change_word, two.change_percent, two.reason) == ("持平", None, None)
    # Quoted path without codes; nothing but the heading's amount printed.
    assert (three.item, three.code, three.stated, three.prior_executed, three.budget) == (
        "一般公共服务支出（类）统计信息事务（款）统计管理（项）",
        None,
        Decimal("2.63"),
        None,
        None,
    )
    incomplete = [c for c in result.checks if c.check == "narrative_item_incomplete"]
    assert len(incomplete) == 1 and incomplete[0].source_line == 13
    assert "上年预算执行数、本年预算安排" in incomplete[0].message


def test__find_budget_sections__toc_entries_and_project_write_up() -> None:
    lines = [
        "目录",
        "四、部门预算编制说明",
        "五、部门预算表",
        "七、项目经费情况说明",
        "八、绩效目标",
        "部门预算编制说明",
        "收入预算1万元。",
        "其他相关情况说明",
        "四、绩效目标设置情况",
        "编报绩效目标的项目2个，涉及项目预算资金3万元。",
        "人民调解项目经费情况说明",
        "七、绩效目标",
        "通过政府购买服务。",
    ]
    kinds = [(s.kind, s.heading) for s in narrative.find_budget_sections(lines)]
    assert kinds == [("overview", 1), ("overview", 5), ("other", 7), ("performance", 8)]


# --- what each item states: the 说明's own style ------------------------------------------

# 商务委 2025 部门预算 p. 7, items 1–3 as printed (each states this year's amount alone), then
# the pointer line the 项目经费情况说明 pages end with, as if printed in the same section.
_AMOUNT_ALONE = [
    "2025年部门预算编制说明",
    "财政拨款支出主要内容如下：",
    "1.“一般公共服务支出（类）商贸事务（款）行政运行（项）”938.99万元，主要用于机关行政运行和机关人员经费支出。",
    "2.“一般公共服务支出（类）商贸事务（款）一般行政管理事务（项）”454.50万元，主要用于商贸事务支出。",
    "3.“一般公共服务支出（类）商贸事务（款）事业运行（项）”290.18万元，主要用于下属事业单位运行费和人员经费。",
    "详见单位的项目绩效目标表",
]


def _incomplete(result) -> list:
    return [c for c in result.checks if c.check == "narrative_item_incomplete"]


def test__parse_budget_items__items_stating_the_amount_alone_follow_their_style() -> None:
    result = narrative.parse("\n".join(_AMOUNT_ALONE))
    assert [(i.stated, i.prior_executed, i.budget) for i in result.narrative_items] == [
        (Decimal("938.99"), None, None),
        (Decimal("454.50"), None, None),
        (Decimal("290.18"), None, None),
    ]
    assert not _incomplete(result)


def test__parse_budget_items__one_item_lacking_what_its_siblings_state() -> None:
    # Items 1 and 2 in the 2026 style (司法局 p. 8 wording), item 3 gives the amount alone.
    lines = [
        *_AMOUNT_ALONE[:2],
        "1.“公共安全支出（类）司法（款）行政运行（项）”60万元，主要用于人员经费。2025年当年预算执行数为"
        "50万元，2026年预算安排60万元，比2025年预算执行数增加20%。",
        "2.“公共安全支出（类）司法（款）一般行政管理事务（项）”40万元，主要用于办公。2025年当年预算执行数为"
        "40万元，2026年预算安排40万元，与2025年预算执行数持平。",
        _AMOUNT_ALONE[4],
    ]
    (c,) = _incomplete(narrative.parse("\n".join(lines)))
    assert c.source_line == 5 and "第3项" in c.message
    assert "未能读出上年预算执行数、本年预算安排" in c.message and "其他2项中" in c.message


def test__parse_budget_items__words_whose_figure_cannot_be_read_are_reported_alone() -> None:
    # Siblings state no 执行数, but this item writes '预算执行数为' and no figure we can read.
    lines = [*_AMOUNT_ALONE[:4], _AMOUNT_ALONE[4] + "2024年当年预算执行数为贰佰万元。"]
    (c,) = _incomplete(narrative.parse("\n".join(lines)))
    assert c.source_line == 5 and "上年预算执行数" in c.message and "本年预算安排" not in c.message


@pytest.mark.parametrize(
    "name",
    [
        "putuo_commerce_commission_2025_department_budget.pdf",
        "putuo_commerce_commission_2025_unit_budget.pdf",
    ],
)
def test__commerce_2025__sixteen_items_each_stating_its_amount_and_nothing_missing(name: str) -> None:
    from tests.realdocs import outcome

    out = outcome(name)
    items = out["narrative_items"]
    # pp. 7–8: item 1 938.99, item 5 1,720.00, item 13 29,381.00, item 16 148.80 万元; no 执行数.
    assert len(items) == 16
    assert [items[k]["stated_yuan"] for k in (0, 4, 12, 15)] == [
        Decimal("9389900"),
        Decimal("17200000"),
        Decimal("293810000"),
        Decimal("1488000"),
    ]
    assert all(i["prior_executed_yuan"] is None and i["budget_yuan"] is None for i in items)
    assert not [c for c in out["checks"] if c["check"] == "narrative_item_incomplete"]
