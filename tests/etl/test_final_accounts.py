"""部门决算 tables printed as PDF text: golden figures read by hand from the seeds + inline variants.

Tables given as Word's table text (songjiang_2020) are read from the reader's cells by
template_tables: see test_template_tables_word_text.py.

Seed figures below were read from the text files (line numbers given), not from
the parser's output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult
from etl.parsers.legacy_text import final_accounts
from etl.parsers.legacy_text.final_accounts import detect, match_title, parse
from etl.parsers.legacy_text.final_accounts_pdf import pdf_cells, tokenize_pdf_table
from tests.budget_lines import check_ids, figures, lines_of
from tests.conftest import seed_text

D = Decimal


@pytest.fixture(scope="module")
def qingpu() -> ParseResult:
    return parse(seed_text("qingpu_2020"))


# --- seeds: qingpu_2020 (PDF text) -------------------------------------------------


def test__parse_income_table__qingpu_wrapped_name_numbers_on_own_lines(qingpu: ParseResult) -> None:
    # lines 254-279: '2080505' / '机关事业单位基本养老保' / '险缴费支出' / 99.14 / 99.14 / 0.00 x5
    row = lines_of(qingpu, "收入决算表", code="2080505")
    assert {line.name for line in row} == {"机关事业单位基本养老保险缴费支出"}
    assert figures(row) == {
        "本年收入合计": D("99.14"),
        "财政拨款收入": D("99.14"),
        "上级补助收入": D("0.00"),
        "事业收入": D("0.00"),
        "经营收入": D("0.00"),
        "附属单位上缴收入": D("0.00"),
        "其他收入": D("0.00"),
    }
    assert row[0].source_line == 254


def test__parse_expenditure_table__qingpu_total(qingpu: ParseResult) -> None:
    # line 357: 合计 4,638.73 1,154.29 3,484.45 0.00 0.00 0.00; header wrapped '对附属单位补/助支出'
    total = figures(lines_of(qingpu, "支出决算表", name="合计"))
    assert total == {
        "本年支出合计": D("4638.73"),
        "基本支出": D("1154.29"),
        "项目支出": D("3484.45"),
        "上缴上级支出": D("0.00"),
        "经营支出": D("0.00"),
        "对附属单位补助支出": D("0.00"),
    }


def test__parse_general_budget_table__qingpu_total_after_details(qingpu: ParseResult) -> None:
    table = "一般公共预算财政拨款支出决算表"
    total = lines_of(qingpu, table, name="合计")
    assert figures(total) == {"合计": D("3951.91"), "基本支出": D("1154.29"), "项目支出": D("2797.63")}
    details = [line for line in lines_of(qingpu, table) if line.code]
    assert total[0].source_line > max(line.source_line for line in details)  # printed last (line 674)
    # lines 568-572: '201' / '一般公共服务' / '支出' / 3,712.75 915.12 2,797.63
    assert lines_of(qingpu, table, code="201")[0].name == "一般公共服务支出"


def test__parse_basic_table__qingpu_triples_stream(qingpu: ParseResult) -> None:
    basic = "一般公共预算财政拨款基本支出决算表"
    row = lines_of(qingpu, basic, code="31007")  # lines 755-759, name wrapped over two lines
    assert [(line.name, line.amount) for line in row] == [("信息网络及软件购置更新", D("482.20"))]
    # lines 705-709: '30108' / '机关事业单位基本养老保' / '险缴费' / '92.38 30206 电费 66.86'
    assert [(x.name, x.amount) for x in lines_of(qingpu, basic, code="30108")] == [
        ("机关事业单位基本养老保险缴费", D("92.38"))
    ]
    assert [(x.name, x.amount) for x in lines_of(qingpu, basic, code="30206")] == [("电费", D("66.86"))]
    totals = {line.name: line.amount for line in lines_of(qingpu, basic) if line.is_total}
    assert totals == {"人员经费合计": D("966.39"), "公用经费合计": D("187.90")}  # line 767


def test__parse_summary_table__qingpu_totals(qingpu: ParseResult) -> None:
    summary = "收入支出决算总表"
    assert figures(lines_of(qingpu, summary, name="本年支出合计"), "支出") == {"决算数": D("4638.73")}
    assert {(x.side, x.amount) for x in lines_of(qingpu, summary, name="总计")} == {
        ("收入", D("4785.08")),
        ("支出", D("4785.08")),
    }
    # line 125: '  九、卫生健康支出 53.55 ' -> 支出 side only
    health = lines_of(qingpu, summary, name="九、卫生健康支出")
    assert [(x.side, x.amount) for x in health] == [("支出", D("53.55"))]


def test__parse_fiscal_summary__qingpu_blank_fourth_column(qingpu: ParseResult) -> None:
    table = "财政拨款收入支出决算总表"
    # line 458: '… 一、一般公共服务支出 3,712.75 3,712.75 0.00  ' (国有资本经营 column blank)
    assert figures(lines_of(qingpu, table, name="一、一般公共服务支出"), "支出") == {
        "合计": D("3712.75"),
        "一般公共预算财政拨款": D("3712.75"),
        "政府性基金预算财政拨款": D("0.00"),
    }
    # lines 507-519: names wrapped, three figures on their own line for four columns -> not guessed
    unaligned = [c for c in qingpu.checks if c.check == "row_not_aligned"]
    assert [c.source_line for c in unaligned] == [507, 516]
    assert all(c.severity == "warning" and "0.00 0.00 0.00" in c.message for c in unaligned)
    assert lines_of(qingpu, table, name="二十二、灾害防治及应急管理支出") == []


def test__parse_three_public__qingpu(qingpu: ParseResult) -> None:
    # line 854: 2.60 1.99 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00 2.60 1.99
    items = {t.item: (t.budget, t.actual) for t in qingpu.three_public}
    assert items["合计"] == (D("2.60"), D("1.99"))
    assert items["因公出国（境）费"] == (D("0.00"), D("0.00"))
    assert items["公务用车购置及运行维护费"] == (D("0.00"), D("0.00"))
    assert items["公务接待费"] == (D("2.60"), D("1.99"))
    assert len(items) == 6 and {t.unit for t in qingpu.three_public} == {"万元"}


def test__parse_qingpu__empty_fund_tables_note_without_zhu(qingpu: ParseResult) -> None:
    # line 910: only a '说明：…故本表无数据。' follows the 政府性基金 table
    empty = [c.statement for c in qingpu.checks if c.check == "statement_empty_with_note"]
    assert "政府性基金预算财政拨款收入支出决算表" in empty


# --- detect and titles -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("songjiang_2020", False),  # Word's table text: its cells are read by template_tables
        ("qingpu_2020", True),
        ("minhang_2022", False),
        ("songjiang_2022_decl", False),
        ("songjiang_2021", False),
    ],
)
def test__detect__seeds(name: str, expected: bool) -> None:
    assert detect(seed_text(name)) is expected


@pytest.mark.parametrize(
    ("line", "statement"),
    [
        ("2020年度一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算表"),
        ("上海市青浦区政务服务办公室 2020 年度收入支出决算总表 ", "收入支出决算总表"),
        ("表3 支出决算表（续）", "支出决算表"),
        ("\t资产负债情况表", "资产负债情况表"),
        ("收入决算表 单位：万元", "收入决算表"),
        ('一般公共预算财政拨款"三公"经费支出决算表', '一般公共预算财政拨款"三公"经费支出决算表'),
    ],
)
def test__match_title__prefixes_and_suffixes(line: str, statement: str) -> None:
    found = match_title(line)
    assert found is not None and found[0] == statement


@pytest.mark.parametrize(
    "line",
    ["部门决算表", "六、一般公共预算财政拨款基本支出决算情况说明", "注：本表反映部门本年度各项支出情况。"],
)
def test__match_title__not_a_title(line: str) -> None:
    assert match_title(line) is None


# --- tokenizers --------------------------------------------------------------------


def test__pdf_cells__extra_space_marks_blank_cell() -> None:
    assert pdf_cells("一、一般公共服务支出 3,712.75 0.00  ") == [
        "一、一般公共服务支出",
        "3,712.75",
        "0.00",
        "",
    ]
    assert pdf_cells("  九、卫生健康支出 53.55 ") == ["", "", "九、卫生健康支出", "53.55"]
    assert pdf_cells("   ") == []


def test__tokenize_pdf_table__drops_page_numbers() -> None:
    rows = tokenize_pdf_table([(1, "201 一般 1.00"), (2, "- 3 -"), (3, "第 4 页"), (4, "")])
    assert [[cell for cell, _ in row] for row in rows] == [["201", "一般", "1.00"]]


# --- inline variants ---------------------------------------------------------------

PDF_SPLIT_WITH_TITLE = """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
类 款 项 合计 100.00 60.00 40.00
201 一般公共服务支出 80.00 40.00 40.00
20101 人大事务 80.00 40.00 40.00

- 3 -

支出决算表（续）
单位：万元
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
2010101 行政运行 80.00 40.00 40.00
208 社会保障和就业支出 20.00 20.00 0.00
注：本表反映部门本年度各项支出情况。
"""


def test__parse_pdf__table_split_by_page_with_title_and_header_repeated() -> None:
    result = parse(PDF_SPLIT_WITH_TITLE)
    codes = [line.code for line in result.budget_lines if line.measure == "本年支出合计"]
    assert codes == [None, "201", "20101", "2010101", "208"]  # continued, no duplicates
    assert len(result.budget_lines) == 15
    assert figures(lines_of(result, "支出决算表", code="208")) == {
        "本年支出合计": D("20.00"),
        "基本支出": D("20.00"),
        "项目支出": D("0.00"),
    }
    assert "table_continued" in check_ids(result)
    assert not [c for c in result.checks if c.severity == "warning"]


def test__parse_pdf__header_glued_to_total_row() -> None:
    total = lines_of(parse(PDF_SPLIT_WITH_TITLE), "支出决算表", name="合计")
    assert figures(total) == {"本年支出合计": D("100.00"), "基本支出": D("60.00"), "项目支出": D("40.00")}
    assert all(line.is_total and line.source_line == 5 for line in total)


PDF_WRAP_AFTER_FIGURES = """支出决算表
单位：元
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
201 一般公共服务支出 80.00 40.00 40.00
2080505 机关事业单位基本养老保 20.00 20.00 0.00
险缴费支出
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
2080506 职业年金 1.00 1.00 0.00
合计 101.00 61.00 40.00
"""


def test__parse_pdf__name_wrapped_after_figures_and_header_repeated_without_title() -> None:
    result = parse(PDF_WRAP_AFTER_FIGURES)
    row = lines_of(result, "支出决算表", code="2080505")
    assert {line.name for line in row} == {"机关事业单位基本养老保险缴费支出"}
    assert figures(row)["本年支出合计"] == D("20.00")
    assert [line.name for line in lines_of(result, "支出决算表", code="2080506")] == ["职业年金"] * 3
    joined = [c for c in result.checks if c.check == "name_continuation_after_figures"]
    assert len(joined) == 1 and joined[0].source_line == 7 and joined[0].severity == "info"


def test__parse__unit_yuan_recorded_as_printed() -> None:
    result = parse(PDF_WRAP_AFTER_FIGURES)
    assert {line.unit for line in result.budget_lines} == {"元"}
    assert lines_of(result, "支出决算表", code="201")[0].amount == D("80.00")  # never converted


def test__parse__no_unit_anywhere_is_an_error_and_no_figures() -> None:
    result = parse(
        "收入决算表\n项目 本年收入合计 财政拨款收入\n功能分类科目编码 科目名称\n合计 10.00 10.00\n"
    )
    assert result.budget_lines == []
    assert [(c.check, c.severity) for c in result.checks] == [("unit_unknown", "error")]


def test__parse__row_with_too_few_figures_is_reported_not_assigned() -> None:
    text = """收入决算表
单位：万元
项目 本年收入合计 财政拨款收入 其他收入
功能分类科目编码 科目名称
合计 10.00 10.00 0.00
208 社会保障和就业支出 10.00 10.00
注：本表反映部门本年度取得的各项收入情况。
"""
    result = parse(text)
    assert lines_of(result, "收入决算表", code="208") == []
    mismatch = [c for c in result.checks if c.check == "row_column_mismatch"]
    assert len(mismatch) == 1
    assert mismatch[0].severity == "warning" and mismatch[0].code == "208" and mismatch[0].source_line == 6
    assert "10.00、10.00" in mismatch[0].message
    assert len(lines_of(result, "收入决算表", name="合计")) == 3


def test__parse__blank_cell_shown_by_extra_space_is_aligned_and_said() -> None:
    text = "支出决算表\n单位：万元\n项目 本年支出合计 基本支出 项目支出\n科目编码 科目名称\n201 一般公共服务支出 5.00  5.00 \n"
    result = parse(text)
    assert figures(lines_of(result, "支出决算表", code="201")) == {
        "本年支出合计": D("5.00"),
        "项目支出": D("5.00"),
    }
    assert "blank_cells_from_spacing" in check_ids(result)


def test__parse__title_recognised_header_not_understood() -> None:
    text = "支出决算表\n单位：万元\n甲 乙 丙\n201 一般公共服务支出 1.00 2.00\n注：x\n"
    result = parse(text)
    assert result.budget_lines == []
    assert [(c.check, c.severity, c.statement) for c in result.checks] == [
        ("header_not_understood", "warning", "支出决算表")
    ]


def test__parse__empty_table_without_note_is_a_warning() -> None:
    text = "国有资本经营预算财政拨款收入支出决算表\n单位：万元\n项目 年初结转和结余 本年收入 本年支出 年末结转和结余\n合计\n"
    result = parse(text)
    assert [(c.check, c.severity) for c in result.checks] == [("statement_empty_without_note", "warning")]


def test__parse__fund_table_with_figures_two_level_header() -> None:
    text = """政府性基金预算财政拨款收入支出决算表
单位：万元
项目 年初结转和
结余 本年收入 本年支出 年末结转和
结余 功能分类
科目编码 科目名称
合计
小计 基本支出 项目支出
合计 1.00 5.00 4.00 0.00 4.00 2.00
"""
    total = figures(lines_of(parse(text), "政府性基金预算财政拨款收入支出决算表", name="合计"))
    assert total == {
        "年初结转和结余": D("1.00"),
        "本年收入": D("5.00"),
        "本年支出": D("4.00"),  # the 小计 under 本年支出
        "基本支出": D("0.00"),
        "项目支出": D("4.00"),
        "年末结转和结余": D("2.00"),
    }


def test__parse_summary_pdf__labels_wrapped_after_figures() -> None:
    text = """收入支出决算总表
单位：万元
收入 支出
项目 决算数 项目 决算数
一、一般公共预算财政拨款收入 100.00 一、一般公共服务支出 90.00
二、政府性基金预算财政拨款 0.00 二、外交支出 0.00
收入
  二十二、灾害防治及应急管理 5.00
支出
总计 100.00 总计 95.00
"""
    result = parse(text)
    summary = "收入支出决算总表"
    assert [(x.side, x.amount) for x in lines_of(result, summary, name="二、政府性基金预算财政拨款收入")] == [
        ("收入", D("0.00"))
    ]
    assert [(x.side, x.amount) for x in lines_of(result, summary, name="二十二、灾害防治及应急管理支出")] == [
        ("支出", D("5.00"))
    ]
    assert check_ids(result).count("name_continuation_after_figures") == 2


def test__parse_basic_table_pdf__left_half_wrapped_after_figures_blank_amount() -> None:
    text = """2020年度一般公共预算财政拨款基本支出决算表
单位：万元
经济分类科目编码 科目名称 决算数 经济分类科目编码 科目名称 决算数
301 工资福利支出 10.00 302 商品和服务支出 5.00
30108 机关事业单位基本养老保 2.00 30206 电费 1.00
险缴费
31013 公务用车购置
31019 其他交通工具购置 0.50
人员经费合计 12.00 公用经费合计 5.50
"""
    result = parse(text)
    basic = "一般公共预算财政拨款基本支出决算表"
    by_code = {x.code: (x.name, x.amount) for x in lines_of(result, basic) if x.code}
    assert by_code["30108"] == ("机关事业单位基本养老保险缴费", D("2.00"))
    assert by_code["30206"] == ("电费", D("1.00"))
    assert "31013" not in by_code and by_code["31019"] == ("其他交通工具购置", D("0.50"))
    assert {x.name for x in lines_of(result, basic) if x.is_total} == {"人员经费合计", "公用经费合计"}


THREE_PUBLIC_HEADER = """一般公共预算财政拨款“三公”经费支出决算表
单位：万元
合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费
小计 公务用车购置费 公务用车运行维护费
预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数
"""


def test__parse_three_public__blank_pair_by_spacing() -> None:
    result = parse(THREE_PUBLIC_HEADER + "2.60 1.99   0.00 0.00 0.00 0.00 0.00 0.00 2.60 1.99 \n")
    items = {t.item: (t.budget, t.actual) for t in result.three_public}
    assert "因公出国（境）费" not in items  # both cells blank
    assert items["公务接待费"] == (D("2.60"), D("1.99"))
    assert items["公务用车购置及运行维护费"] == (D("0.00"), D("0.00"))


def test__parse_three_public__too_few_figures_reported() -> None:
    result = parse(THREE_PUBLIC_HEADER + "2.60 1.99 0.00 0.00 0.00 0.00 0.00 0.00 2.60 1.99\n")
    assert result.three_public == []
    assert [c.check for c in result.checks] == ["row_column_mismatch"]


def test__parse__title_in_contents_list_without_table() -> None:
    result = parse("目录\n一、收入支出决算总表\n二、收入决算表\n第三部分 说明\n")
    assert result.budget_lines == []
    assert check_ids(result) == ["title_without_table", "title_without_table"]


def test__parse__vocabulary_is_data() -> None:
    # the readers are chosen from the title vocabulary, not from positions
    assert final_accounts.STATEMENT_KINDS["一般公共预算财政拨款基本支出决算表"] == "economic"
    assert final_accounts.STATEMENT_KINDS["资产负债情况表"] == "skip"


def test__parse_pdf__header_repeated_one_word_per_line_after_a_name_tail() -> None:
    text = """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
208 社会保障和就业 613.55 613.55 0.00
支出

项目
本年支出合计
基本支出
项目支出
功能分类
科目编码
科目名称
210 卫生健康支出 1,280.68 1,280.68 0.00
"""
    result = parse(text)
    assert {x.name for x in lines_of(result, "支出决算表", code="208")} == {"社会保障和就业支出"}
    assert {x.name for x in lines_of(result, "支出决算表", code="210")} == {"卫生健康支出"}
    assert figures(lines_of(result, "支出决算表", code="210"))["本年支出合计"] == D("1280.68")


def test__parse__no_row_fits_the_header_gives_one_header_warning() -> None:
    text = """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出 经营支出
科目编码 科目名称
201 一般公共服务支出 1.00 2.00 3.00
202 外交支出 1.00 2.00 3.00
"""
    result = parse(text)
    assert result.budget_lines == []
    assert [(c.check, c.severity) for c in result.checks] == [("header_not_understood", "warning")]
    assert "3个数字" in result.checks[0].message
