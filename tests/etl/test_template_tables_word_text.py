"""部门决算 tables given as Word's table text (one cell a line), read from the reader's cells.

songjiang_2020 is Word's "save as text" of a 决算: every cell on its own tab-led line, a
blank line between rows. The text reader turns it into grids and template_tables reads them
like any other grid. Seed figures below were read from the text file (line numbers given),
not from the parser's output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult
from etl.parsers import template_tables
from etl.readers import read_document
from tests.budget_lines import check_ids, figures, lines_of
from tests.conftest import seed_text

D = Decimal


def read(text: str, name: str = "case.txt") -> ParseResult:
    return template_tables.parse(read_document(name, text.encode("utf-8")))


@pytest.fixture(scope="module")
def songjiang() -> ParseResult:
    return read(seed_text("songjiang_2020"), "songjiang_city_operation_center_2020_final_accounts.txt")


# --- seeds: songjiang_2020 ---------------------------------------------------------


def test__parse_songjiang__statements_found(songjiang: ParseResult) -> None:
    assert {line.statement for line in songjiang.budget_lines} == {
        "收入支出决算总表",
        "收入决算表",
        "支出决算表",
        "财政拨款收入支出决算总表",
        "一般公共预算财政拨款支出决算表",
        "一般公共预算财政拨款基本支出决算表",  # printed '2020年度一般公共预算…' (line 939)
    }
    assert {line.unit for line in songjiang.budget_lines} == {"万元"}
    assert songjiang.layout == "template_tables"


def test__parse_expenditure_table__songjiang_total_row_glued_to_header(songjiang: ParseResult) -> None:
    # lines 425-434: '类' '款' '项' '合计' 3,984.05 2,026.81 1,957.24 and three blank cells
    total = lines_of(songjiang, "支出决算表", name="合计")
    assert figures(total) == {
        "本年支出合计": D("3984.05"),
        "基本支出": D("2026.81"),
        "项目支出": D("1957.24"),
    }
    assert all(line.is_total and line.code is None for line in total)
    assert {line.source_line for line in total} == {428}


def test__parse_expenditure_table__songjiang_printed_zero_kept_blank_dropped(songjiang: ParseResult) -> None:
    # lines 436-443: 208 社会保障和就业支出 148.30 148.30 0.00 then three blank cells
    row = lines_of(songjiang, "支出决算表", code="208")
    assert figures(row) == {"本年支出合计": D("148.30"), "基本支出": D("148.30"), "项目支出": D("0.00")}
    assert row[0].name == "社会保障和就业支出"
    assert row[0].classification == "functional"


def test__parse_income_table__songjiang_indented_name_and_figures(songjiang: ParseResult) -> None:
    # lines 324-326: 212 城乡社区支出 3,742.21 3,742.21, other columns blank
    row = lines_of(songjiang, "收入决算表", code="212")
    assert figures(row) == {"本年收入合计": D("3742.21"), "财政拨款收入": D("3742.21")}
    assert row[0].source_line == 324
    # line 275: '  机关事业单位基本养老保险缴费支出' -> indentation stripped
    assert lines_of(songjiang, "收入决算表", code="2080505")[0].name == "机关事业单位基本养老保险缴费支出"


def test__parse_basic_table__songjiang_two_halves(songjiang: ParseResult) -> None:
    basic = "一般公共预算财政拨款基本支出决算表"
    by_code = {line.code: line.amount for line in lines_of(songjiang, basic) if line.code}
    assert by_code["301"] == D("1963.09")  # line 953 '1,963.09 '
    assert by_code["30199"] == D("798.02")  # line 1044
    assert by_code["310"] == D("1738.05")  # line 1152, right half only
    assert by_code["302"] == D("282.41")  # line 956, right half of the first row
    assert "31013" not in by_code  # lines 1178-1180: 公务用车购置 with a blank amount
    totals = {line.name: line.amount for line in lines_of(songjiang, basic) if line.is_total}
    assert totals == {"人员经费合计": D("1963.59"), "公用经费合计": D("2020.46")}  # lines 1210-1213
    assert {line.classification for line in lines_of(songjiang, basic)} == {"economic"}
    assert {line.measure for line in lines_of(songjiang, basic)} == {"决算数"}


def test__parse_general_budget_table__songjiang_total_printed_as_hele(songjiang: ParseResult) -> None:
    # lines 932-935: '合计了' 3,984.05 2,026.81 1,957.24 -> total row, name as printed, info check
    total = lines_of(songjiang, "一般公共预算财政拨款支出决算表", name="合计了")
    assert figures(total) == {"合计": D("3984.05"), "基本支出": D("2026.81"), "项目支出": D("1957.24")}
    assert all(line.is_total for line in total)
    odd = [c for c in songjiang.checks if c.check == "total_label_nonstandard"]
    assert len(odd) == 1 and odd[0].severity == "info" and odd[0].source_line == 932


def test__parse_summary_table__songjiang_two_sides(songjiang: ParseResult) -> None:
    summary = "收入支出决算总表"
    assert figures(lines_of(songjiang, summary, name="本年收入合计"), "收入") == {"决算数": D("3998.79")}
    assert figures(lines_of(songjiang, summary, name="本年支出合计"), "支出") == {"决算数": D("3984.05")}
    total = lines_of(songjiang, summary, name="总计")
    assert {(line.side, line.amount, line.is_total) for line in total} == {
        ("收入", D("4008.60"), True),
        ("支出", D("4008.60"), True),
    }
    # lines 94-97: 八、其他收入 (blank) | 八、社会保障和就业支出 148.30
    social = lines_of(songjiang, summary, name="八、社会保障和就业支出")
    assert [(line.side, line.amount, line.code) for line in social] == [("支出", D("148.30"), None)]
    assert lines_of(songjiang, summary, name="八、其他收入") == []


def test__parse_fiscal_summary__songjiang_ragged_word_cells(songjiang: ParseResult) -> None:
    table = "财政拨款收入支出决算总表"
    # lines 712-718: '　' '　' 十九、住房保障支出 '　51.30' 51.30 '　' '　'
    housing = lines_of(songjiang, table, name="十九、住房保障支出")
    assert figures(housing, "支出") == {"合计": D("51.30"), "一般公共预算财政拨款": D("51.30")}
    # lines 776-782: 本年收入合计 '3,998.79　' | 本年支出合计 3984.05 3984.05
    assert figures(lines_of(songjiang, table, name="本年收入合计"), "收入") == {"决算数": D("3998.79")}
    assert figures(lines_of(songjiang, table, name="本年支出合计"), "支出") == {
        "合计": D("3984.05"),
        "一般公共预算财政拨款": D("3984.05"),
    }
    assert not [c for c in songjiang.checks if c.check in ("row_not_aligned", "row_column_mismatch")]


def test__parse_three_public__songjiang_twelve_zeros(songjiang: ParseResult) -> None:
    items = [(t.item, t.budget, t.actual) for t in songjiang.three_public]
    assert items == [
        ("合计", D("0.00"), D("0.00")),
        ("因公出国（境）费", D("0.00"), D("0.00")),
        ("公务用车购置及运行维护费", D("0.00"), D("0.00")),
        ("公务用车购置费", D("0.00"), D("0.00")),
        ("公务用车运行维护费", D("0.00"), D("0.00")),
        ("公务接待费", D("0.00"), D("0.00")),
    ]


def test__parse_songjiang__empty_fund_tables_and_skipped_balance_sheet(songjiang: ParseResult) -> None:
    empty = [c for c in songjiang.checks if c.check == "statement_empty_with_note"]
    assert {c.statement for c in empty} == {
        "政府性基金预算财政拨款收入支出决算表",
        "国有资本经营预算财政拨款收入支出决算表",
    }
    assert all(c.severity == "info" and "故本表无数据" in c.message for c in empty)
    skipped = [c for c in songjiang.checks if c.check == "statement_not_parsed"]
    assert [c.statement for c in skipped] == ["资产负债情况表"]


# --- inline variants ---------------------------------------------------------------


WORD_BLANK_CELLS = """单位：万元
收入决算表

\t项目
\t本年收入合计
\t财政拨款收入
\t其他收入

\t功能分类科目编码
\t科目名称
\t
\t
\t

\t合计
\t10.00
\t
\t10.00

\t208
\t  社会保障和就业支出
\t10.00
\t0.00
\t10.00

\t20805
\t行政事业单位养老支出
\t
\t
\t

注：本表反映部门本年度取得的各项收入情况。
"""


def test__parse_word__blank_cells_give_no_line_printed_zero_does() -> None:
    result = read(WORD_BLANK_CELLS)
    assert figures(lines_of(result, "收入决算表", name="合计")) == {
        "本年收入合计": D("10.00"),
        "其他收入": D("10.00"),
    }
    assert figures(lines_of(result, "收入决算表", code="208")) == {
        "本年收入合计": D("10.00"),
        "财政拨款收入": D("0.00"),
        "其他收入": D("10.00"),
    }
    assert lines_of(result, "收入决算表", code="20805") == []
    assert "row_column_mismatch" not in check_ids(result)


def test__parse__unit_line_printed_above_the_title_is_the_table_s_unit() -> None:
    result = read(WORD_BLANK_CELLS)  # '单位：万元' is line 1, the title line 2
    assert {line.unit for line in result.budget_lines} == {"万元"}
    assert "table_unit_missing" not in check_ids(result)


def test__parse__no_unit_line_is_a_warning_and_figures_stay_unconverted() -> None:
    result = read(WORD_BLANK_CELLS.replace("单位：万元\n", ""))
    assert {line.unit for line in result.budget_lines} == {""}
    missing = [c for c in result.checks if c.check == "table_unit_missing"]
    assert [(c.severity, c.statement) for c in missing] == [("warning", "收入决算表")]


RAGGED_SUMMARY = """收入支出决算总表
单位：万元
\t收入
\t支出

\t项目
\t决算数
\t项目
\t决算数

\t\u3000
\t九、卫生健康支出
\t56.98

\t八、其他收入
\t3.00
\t二、外交支出
\t1.00
\t2.00

\t本年收入合计
\t3.00
\t本年支出合计
\t1.00
"""


def test__parse_summary_word__ragged_rows_reported_never_guessed() -> None:
    result = read(RAGGED_SUMMARY)
    summary = "收入支出决算总表"
    # a cell missing (lines 11-13): the label falls in the 收入 决算数 column, the figure in the
    # 支出 项目 column; which cell was lost cannot be known, so nothing is taken from the row
    assert lines_of(result, summary, name="九、卫生健康支出") == []
    assert not [line for line in result.budget_lines if line.amount == D("56.98")]
    # one cell too many (lines 15-19): no cell's column is certain, nothing is taken
    assert lines_of(result, summary, name="八、其他收入") == []
    assert lines_of(result, summary, name="二、外交支出") == []
    errors = {(c.check, c.source_line) for c in result.checks if c.severity == "error"}
    assert {("cell_not_understood", 11), ("row_not_placed", 11), ("row_not_aligned", 15)} <= errors
    # the rows that are whole are read
    assert figures(lines_of(result, summary, name="本年收入合计"), "收入") == {"决算数": D("3.00")}
    assert figures(lines_of(result, summary, name="本年支出合计"), "支出") == {"决算数": D("1.00")}
