"""Each numbered 类/款/项 paragraph of the 说明 against itself and against the tables.

Hand-written documents carry only the rows a check reads; figures are typed in 元 as the
rows hold them (万元 × 10000). The real 司法局 budget is checked against what the 区财政局
reviewer found on its page 9, with the figures typed from the PDF.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from etl.model import Check, DocumentMeta
from etl.normalize import NormalizedDocument, normalize_document
from etl.process import _parse
from etl.readers import read_document
from etl.readers.model import PDF, DocumentBuilder
from etl.validate import narrative_items
from etl.validate.narrative_items import BUDGET_VS_TABLE, DIRECTION, NAME_VS_TABLE, PERCENT, RESTATED

REAL = Path(__file__).resolve().parents[2] / "cases" / "real"
JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"
FUNCTION_TABLE = "一般公共预算支出功能分类预算表"
WAN = Decimal(10000)


def _wan(printed: str) -> Decimal:
    """'3845.49' (万元, as printed) -> 元 as the rows hold it."""
    return (Decimal(printed) * WAN).quantize(Decimal("0.01"))


def _item(
    prior: str | None = "2149.45",
    budget: str | None = "2170.39",
    percent: str | None = "0.97",
    word: str | None = "增加",
    stated: str | None = None,
    path: str = "公共安全支出（类）司法（款）基层司法业务（项）",
    code: str | None = "2040604",
    line: int = 1,
) -> dict[str, Any]:
    return {
        "item": path,
        "code": code,
        "stated_yuan": _wan(stated or budget) if (stated or budget) else None,
        "prior_executed_yuan": _wan(prior) if prior else None,
        "budget_yuan": _wan(budget) if budget else None,
        "change_percent": Decimal(percent) if percent else None,
        "change_word": word,
        "budget_initial_yuan": None,
        "final_yuan": None,
        "source_line": line,
        "source_page": 8,
    }


def _line(code: str, name: str, yuan: str, template: str = FUNCTION_TABLE, page: int = 16) -> dict[str, Any]:
    return {
        "template": template,
        "statement": "部门" + template,
        "code": code,
        "name": name,
        "measure": "合计",
        "amount_yuan": Decimal(yuan),
        "amount_printed": yuan,
        "unit_printed": "元",
        "source_page": page,
        "source_line": 100,
        "is_total": False,
        "level": len(code) // 2,
    }


def _doc(items: list[dict[str, Any]], lines: list[dict[str, Any]] | None = None, text: str | None = None):
    """A budget with these 说明 items and table rows; ``text`` (the 说明 as printed) when given."""
    source = None
    if text is not None:
        builder = DocumentBuilder("case.pdf", PDF)
        builder.page()
        for row in text.split("\n"):
            builder.prose(1, row)
        source = builder.document
    return NormalizedDocument(
        source_file="case.pdf",
        meta=DocumentMeta(department="上海市普陀区司法局", year=2026, kind="budget"),
        layouts=[],
        narrative_items=items,
        budget_lines=lines or [],
        source=source,
    )


def _found(doc: NormalizedDocument, check: str) -> list[Check]:
    return [c for c in narrative_items.checks(doc) if c.check == check]


def _plain(message: str) -> str:
    return message.replace(",", "")


# --- narrative_change_percent -------------------------------------------------------------


def test__percent__stated_increase_but_the_figures_fall() -> None:
    # 43269.3 → 3845.49 is −91.11%; the 说明 prints 增加17.62%.
    doc = _doc([_item(prior="43269.30", budget="3845.49", percent="17.62")])
    (c,) = _found(doc, PERCENT)
    assert c.severity == "warning"
    assert "17.62%" in c.message and "91.11%" in c.message and "减少" in c.message
    assert "3845.49万元" in c.message and "43269.30万元" in c.message


def test__percent__rounded_percentage_of_the_printed_figures_is_no_finding() -> None:
    # (2170.39 − 2149.45) / 2149.45 = 0.974% printed as 0.97%.
    assert _found(_doc([_item()]), PERCENT) == []


def test__percent__within_rounding_of_both_amounts_is_info() -> None:
    # 59.11 → 57.80 gives 2.216% (2.22%), but 57.795…57.805 over 59.105…59.115 spans 2.20%–2.23%.
    doc = _doc([_item(prior="59.11", budget="57.80", percent="2.21", word="减少")])
    (c,) = _found(doc, PERCENT)
    assert c.severity == "info" and "尾差" in c.message


def test__percent__a_new_item_has_no_ratio() -> None:
    # 0万元 → 60.13万元 '增加100.00%': a convention, not a figure to recompute.
    assert _found(_doc([_item(prior="0", budget="60.13", percent="100.00")]), PERCENT) == []


def test__percent__names_the_heading_amount_when_it_explains_the_percent() -> None:
    doc = _doc([_item(prior="198.34", budget="201.50", stated="208.80", percent="5.27")])
    (c,) = _found(doc, PERCENT)
    assert c.severity == "warning" and "1.59%" in c.message and "208.80万元计算则为增加5.27%" in c.message


def test__percent__final_accounts_completion_rate_from_the_text() -> None:
    text = (
        "1、住房保障支出（类）住房改革支出（款）住房公积金（项）。年初预算为187.75万元，支出决算为187.19万元，"
        "完成年初预算的98.70%。"
    )
    row = {
        **_item(prior=None, budget=None, percent=None, word=None, code=None),
        "item": "住房保障支出（类）住房改革支出（款）住房公积金（项）",
        "stated_yuan": None,
        "budget_initial_yuan": _wan("187.75"),
        "final_yuan": _wan("187.19"),
    }
    (c,) = _found(_doc([row], text=text), PERCENT)
    assert c.severity == "warning" and "99.70%" in c.message and "98.70%" in c.message
    assert _found(_doc([row], text=text.replace("98.70", "99.70")), PERCENT) == []


# --- narrative_change_direction -----------------------------------------------------------


def test__direction__increase_while_the_budget_is_below_last_year() -> None:
    doc = _doc([_item(prior="43269.30", budget="3845.49", percent="17.62")])
    (c,) = _found(doc, DIRECTION)
    assert c.severity == "warning"
    assert "增加" in c.message and "低于" in c.message and "应为“减少”" in c.message


def test__direction__flat_while_the_figures_differ() -> None:
    doc = _doc([_item(prior="15.00", budget="30.00", percent=None, word="持平")])
    (c,) = _found(doc, DIRECTION)
    assert c.severity == "warning" and "持平" in c.message and "高于" in c.message


def test__direction__equal_printed_figures_with_a_word_of_change_is_only_info() -> None:
    # 10.00 and 10.00 may stand for 9.995 and 10.004: a small 增加 cannot be ruled out.
    doc = _doc([_item(prior="10.00", budget="10.00", percent="0.03", word="增加")])
    (c,) = _found(doc, DIRECTION)
    assert c.severity == "info"
    assert _found(_doc([_item(prior="10.00", budget="10.00", percent=None, word="持平")]), DIRECTION) == []


# --- narrative_item_restated --------------------------------------------------------------


def test__restated__heading_and_budget_sentence_differ() -> None:
    doc = _doc([_item(prior="198.34", budget="201.50", stated="208.80", percent="5.27")])
    (c,) = _found(doc, RESTATED)
    assert c.severity == "warning" and "208.80万元" in c.message and "201.50万元" in c.message
    assert "7.30万元" in c.message


def test__restated__same_figure_printed_with_fewer_places_is_within_rounding() -> None:
    # '57.8万元' in the heading may stand for 57.75…57.85; '57.84万元' in the sentence is inside it.
    text = (
        "7、社会保障和就业支出（208类）行政事业单位养老支出（05款）行政单位离退休（01项）57.8万元。主要用于：退休人员支出。"
        "2025年当年预算执行数为59.11万元，2026年预算安排57.84万元，比2025年预算执行数减少2.15%。"
    )
    row = _item(prior="59.11", budget="57.84", stated="57.8", percent="2.15", word="减少", code="2080501")
    (c,) = _found(_doc([row], text=text), RESTATED)
    assert c.severity == "info" and "57.8万元" in c.message and "57.84万元" in c.message


# --- narrative_item_name_vs_table ---------------------------------------------------------

HEALTH = "医疗卫生与计划生育支出（类）行政事业单位医疗（款）行政单位医疗（项）"
HEALTH_LINES = [
    _line("210", "卫生健康支出", "1149678.00", "收入预算总表", 11),
    _line("21011", "行政事业单位医疗", "1149678.00", "收入预算总表", 11),
    _line("2101101", "行政单位医疗", "1149678.00", "收入预算总表", 11),
]


def test__name__class_name_differs_from_the_tables() -> None:
    doc = _doc(
        [_item(prior="59.43", budget="114.97", percent="93.45", path=HEALTH, code="2101101")], HEALTH_LINES
    )
    (c,) = _found(doc, NAME_VS_TABLE)
    assert c.severity == "warning"
    assert "医疗卫生与计划生育支出" in c.message and "卫生健康支出" in c.message and "第11页" in c.message
    assert "类名称" in c.message and c.code == "2101101"


def test__name__spaces_and_quotes_do_not_count() -> None:
    path = "“卫生 健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”"
    doc = _doc(
        [_item(prior="59.43", budget="114.97", percent="93.45", path=path, code="2101101")], HEALTH_LINES
    )
    assert _found(doc, NAME_VS_TABLE) == []


def test__name__paragraph_without_codes_is_placed_by_its_names() -> None:
    # No code printed and '行政单位医疗' is not unique: 类 and 款 pick 2101101 out of two.
    lines = [
        *HEALTH_LINES,
        _line("208", "社会保障和就业支出", "1.00", "收入预算总表", 11),
        _line("20899", "其他社会保障和就业支出", "1.00", "收入预算总表", 11),
        _line("2089901", "行政单位医疗", "1.00", "收入预算总表", 11),
    ]
    path = "卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）"
    row = _item(prior="59.43", budget="114.97", percent="93.45", path=path, code=None)
    text = (
        "1.“卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”114.97万元，主要用于行政单位医疗。"
        "2025年当年预算执行数为59.43万元，2026年预算安排114.97万元，比2025年预算执行数增加93.45%。"
    )
    assert _found(_doc([row], lines, text), NAME_VS_TABLE) == []
    renamed = {**row, "item": "卫生健康支出（类）医疗保障（款）行政单位医疗（项）"}
    (c,) = _found(
        _doc([renamed], lines, text.replace("行政事业单位医疗（款）", "医疗保障（款）")), NAME_VS_TABLE
    )
    assert "款名称“医疗保障”" in c.message and "行政事业单位医疗" in c.message and "2101101" in c.message


# --- narrative_item_vs_table_budget -------------------------------------------------------


def test__table__budget_differs_from_the_function_table() -> None:
    doc = _doc(
        [_item(prior="198.34", budget="201.50", stated="208.80", percent="5.27", code="2210201")],
        [_line("2210201", "住房公积金", "2087959.00")],
    )
    (c,) = _found(doc, BUDGET_VS_TABLE)
    assert c.severity == "warning" and "201.50万元" in c.message
    assert "2087959.00元" in _plain(c.message) and "2210201" in c.message


def test__table__rounded_to_the_printed_places_is_no_finding() -> None:
    # 38,454,900.00元 = 3845.49万元; 16,726,725.44元 prints as 1672.67万元.
    doc = _doc(
        [
            _item(prior="43269.30", budget="3845.49", percent="17.62", code="2040699"),
            _item(prior="1690.69", budget="1672.67", percent="1.07", word="减少", code="2040601", line=2),
        ],
        [_line("2040699", "其他司法支出", "38454900.00"), _line("2040601", "行政运行", "16726725.44")],
    )
    assert _found(doc, BUDGET_VS_TABLE) == []


def test__table__half_a_unit_off_is_only_info() -> None:
    # 38,454,950.00元 rounds to 3845.50万元, yet 3845.49万元 may stand for up to 3845.495.
    doc = _doc(
        [_item(prior="43269.30", budget="3845.49", percent="17.62", code="2040699")],
        [_line("2040699", "其他司法支出", "38454950.00")],
    )
    (c,) = _found(doc, BUDGET_VS_TABLE)
    assert c.severity == "info" and "尾差" in c.message


# --- the real 司法局 budget ---------------------------------------------------------------


@cache
def _justice() -> list[Check]:
    source = read_document(JUSTICE, (REAL / JUSTICE).read_bytes())
    results, _ = _parse(source)
    return narrative_items.checks(normalize_document(source, results))


def test__justice_budget__item_6_percent_and_direction() -> None:
    # Page 9, item 6: 2025年当年预算执行数为43269.3万元，2026年预算安排3845.49万元，… 增加17.62%.
    percent = [
        c for c in _justice() if c.check == PERCENT and c.severity == "warning" and "第6项" in c.message
    ]
    direction = [c for c in _justice() if c.check == DIRECTION and "第6项" in c.message]
    assert len(percent) == 1 and len(direction) == 1
    for c in (percent[0], direction[0]):
        assert c.page == 9 and "43269.3万元" in c.message and "3845.49万元" in c.message
        assert c.severity == "warning"
    assert "17.62%" in percent[0].message and "减少91.11%" in percent[0].message
    assert "写“增加”" in direction[0].message


def test__justice_budget__item_12_restated() -> None:
    # Page 9, item 12: '住房公积金（01项）208.8万元' … '2026年预算安排201.50万元'.
    (c,) = [c for c in _justice() if c.check == RESTATED]
    assert c.severity == "warning" and c.page == 9 and "第12项" in c.message
    assert "208.8万元" in c.message and "201.50万元" in c.message


def test__justice_budget__item_11_class_name() -> None:
    (c,) = [c for c in _justice() if c.check == NAME_VS_TABLE]
    assert c.severity == "warning" and "第11项" in c.message
    assert "医疗卫生与计划生育支出" in c.message and "卫生健康支出" in c.message


def test__justice_budget__table_comparison() -> None:
    # Item 6: table 2040699 prints 38,454,900.00元 = 3845.49万元 — nothing to report.
    found = [c for c in _justice() if c.check == BUDGET_VS_TABLE]
    assert all(c.code != "2040699" for c in found)
    # Item 12: table 2210201 prints 2,087,959.00元 (208.80万元), against 201.50万元 in the sentence.
    (c,) = found
    assert c.code == "2210201" and "201.50万元" in c.message and "2087959.00元" in _plain(c.message)


def test__justice_budget__every_warning_is_a_real_disagreement() -> None:
    # Besides the reviewer's findings: item 9 prints 增加17.66% for 77.99 → 91.97万元 (17.93%),
    # and item 12's 增加5.27% fits its heading 208.8, not 201.50. Item 7's 2.21% is 尾差 (info).
    warnings = {(c.check, c.source_line) for c in _justice() if c.severity == "warning"}
    assert warnings == {
        (PERCENT, 98),
        (DIRECTION, 98),
        (PERCENT, 105),
        (NAME_VS_TABLE, 110),
        (PERCENT, 112),
        (RESTATED, 112),
        (BUDGET_VS_TABLE, 112),
    }
    (item9,) = [c for c in _justice() if c.check == PERCENT and c.source_line == 105]
    assert "77.99万元" in item9.message and "91.97万元" in item9.message and "17.66%" in item9.message
