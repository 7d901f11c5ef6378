"""Text hygiene: what a reviewer marks in the running text of a disclosure.

Each check is tried on tiny hand-made documents (a PDF-like page of boxed lines, or a
text file through the text reader): one case that must fire and near misses that must
not. The real 司法局 2026 budget carries the five problems its reviewer found; the
golden pages and lines below are typed from the reviewer's 检查表, not from the output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import Check, DocumentMeta
from etl.normalize import NormalizedDocument, normalize_document
from etl.process import _parse
from etl.readers import read_document
from etl.readers.model import PDF, Cell, Document, DocumentBuilder
from etl.readers.text import read_text
from etl.validate import text_hygiene
from tests.conftest import seed_text
from tests.realdocs import real_bytes

CHAR = 12.0  # points a character takes on the hand-made pages
LEFT = 58.0  # where continuation lines start
INDENT = 70.0  # where a paragraph's first line starts
WIDTH, HEIGHT = 842.0, 595.0
FULL = 60  # characters of a full line (LEFT + 60 × 12 = 778)

# A paragraph wrapped over three lines: it tells the page's margins, as real 说明 pages do.
LONG = (
    "上海市普陀区司法局是主管本区司法和法制工作的区政府工作部门，负责本区法治建设、普法宣传、人民调解和法律服务，"
    * 2
    + "完成区委交办的任务。"
)
BUDGET_2026 = DocumentMeta(year=2026, kind="budget", department="上海市普陀区司法局")
FINAL_2024 = DocumentMeta(year=2024, kind="final_accounts", department="上海市普陀区财政局")


# --- building documents -----------------------------------------------------------------


class Page:
    """Lines of a hand-made page, each placed like a PDF reader places it."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, float, float, float]] = []  # kind, text, x0, top, x1
        self.top = 100.0

    def line(self, text: str, x0: float = LEFT, top: float | None = None, x1: float | None = None) -> Page:
        """A prose line at x0; x1 from its length unless given."""
        top = self.top if top is None else top
        self.items.append(("prose", text, x0, top, x1 if x1 is not None else x0 + CHAR * len(text)))
        self.top = top + 16
        return self

    def para(self, text: str) -> Page:
        """A paragraph: first line indented, wrapped at the right margin."""
        first = FULL - 1
        self.line(text[:first], INDENT, x1=LEFT + CHAR * FULL if len(text) > first else None)
        rest = text[first:]
        while rest:
            chunk, rest = rest[:FULL], rest[FULL:]
            self.line(chunk, LEFT, x1=LEFT + CHAR * FULL if rest else None)
        return self

    def centered(self, text: str) -> Page:
        width = CHAR * len(text)
        return self.line(text, (LEFT + LEFT + CHAR * FULL - width) / 2)

    def table(self, rows: list[list[str]]) -> Page:
        self.items.append(("table", "\x00".join("\x01".join(r) for r in rows), 0, self.top, 0))
        self.top += 24 * len(rows)
        return self


def pdf(*pages: Page) -> Document:
    builder = DocumentBuilder("hand-made.pdf", PDF)
    for page in pages:
        number = builder.page(width=WIDTH, height=HEIGHT).number
        for kind, text, x0, top, x1 in page.items:
            if kind == "prose":
                builder.prose(number, text, (x0, top, x1, top + CHAR))
            else:
                rows = [r.split("\x01") for r in text.split("\x00")]
                grid = [[Cell(t, r, c, (r, c)) for c, t in enumerate(row)] for r, row in enumerate(rows)]
                builder.table(number, grid)
    return builder.document


def text_file(text: str) -> Document:
    return read_text("hand-made.txt", text.encode("utf-8"))


def run(source: Document, meta: DocumentMeta = BUDGET_2026, check: str | None = None) -> list[Check]:
    doc = NormalizedDocument(source_file=source.source_file, meta=meta, layouts=[], source=source)
    found = text_hygiene.checks(doc)
    return [c for c in found if check is None or c.check == check]


# --- the contract -------------------------------------------------------------------------


def test__specs__every_id_registered_in_the_consistency_family() -> None:
    ids = {s.id for s in text_hygiene.SPECS}
    assert ids == {
        "comparison_year_wrong",
        "terminal_punctuation_missing",
        "punctuation_doubled",
        "quote_unbalanced",
        "text_outside_page",
        "text_invisible",
        "text_placeholder",
        "percent_sign_missing",
        "alternative_unchosen",
        "reason_missing",
        "heading_year_mismatch",
        "department_name_mismatch",
        "period_year_mismatch",
    }
    for spec in text_hygiene.SPECS:
        assert spec.family == "consistency"
        assert 4 <= len(spec.title) <= 14, spec.title
        assert spec.description and not spec.description.isascii()


def test__checks__no_reader_model_no_findings() -> None:
    doc = NormalizedDocument(source_file="x.pdf", meta=BUDGET_2026, layouts=[], source=None)
    assert text_hygiene.checks(doc) == []


# --- 1. comparison with the document's own year -----------------------------------------------


def test__comparison_year__budget_compared_with_itself() -> None:
    page = Page().centered("2026年部门预算编制说明")
    page.para("2026年，收入预算100万元，其中：财政拨款收入100万元，比2026年预算增加10万元；事业收入0万元。")
    page.para("政府性基金拨款支出预算0万元，与2026年预算持平。")
    [check] = run(pdf(page), check="comparison_year_wrong")
    assert check.severity == "warning" and check.page == 1
    assert "2 处" in check.message and "比2026年预算" in check.message and "2025年" in check.message
    assert check.figure == "比2026年预算" and "2026" in (check.compared or "")


def test__comparison_year__budget_execution_of_its_own_year() -> None:
    page = Page().para("1、行政运行（01项）10万元。2026年当年预算执行数为9万元，2026年预算安排10万元。")
    [check] = run(pdf(page), check="comparison_year_wrong")
    assert "2026年当年预算执行数" in check.message and "2025年" in check.message


def test__comparison_year__prior_year_and_own_arrangement_are_right() -> None:
    page = Page().para(
        "1、行政运行（01项）10万元。2025年当年预算执行数为9万元，2026年预算安排10万元，"
        "比2025年预算执行数增加11.11%。财政拨款收入比2025年预算增加1万元。各单位参与2026年预算编制工作。"
    )
    assert run(pdf(page), check="comparison_year_wrong") == []


def test__comparison_year__final_accounts_year_on_year() -> None:
    wrong = Page().para("本部门2024年度收入支出总计100万元。与2024年度相比，收入支出总计减少5万元。")
    right = Page().para(
        "本部门2024年度收入支出总计100万元。与2023年度相比，收入支出总计减少5万元。"
        "支出决算比2024年年初预算减少2万元。"
    )
    [check] = run(pdf(wrong), FINAL_2024, "comparison_year_wrong")
    assert "与2024年度相比" in check.message and "2023年" in check.message
    assert run(pdf(right), FINAL_2024, "comparison_year_wrong") == []


# --- 2. a paragraph ending without 。 ---------------------------------------------------------


def test__terminal_punctuation__sentence_then_a_new_paragraph() -> None:
    page = Page().para(LONG).para("支出预算100万元，比2025年预算增加10万元。")
    page.para("财政拨款收入支出增加的主要原因是工作量增加")
    page.para("财政拨款支出主要内容如下：")
    [check] = run(pdf(page), check="terminal_punctuation_missing")
    assert check.severity == "info" and check.source_line == 4 and check.page == 1
    assert "工作量增加" in check.message and check.figure == "财政拨款收入支出增加的主要原因是工作量增加"


def test__terminal_punctuation__headings_titles_labels_and_lists_need_none() -> None:
    page = Page().para(LONG).centered("2026年部门收入预算总表")
    page.line("编制部门：上海市普陀区司法局单位：元")
    page.para("一、部门主要职能")
    page.para("（一）一般公共预算财政拨款支出决算总体情况")
    page.para("本部门中，行政单位1家，具体包括：1.普陀区司法局本部")
    page.para("五、实施周期")
    page.para("2025年1月1日-2025年12月31日")
    assert run(pdf(page), check="terminal_punctuation_missing") == []


def test__terminal_punctuation__a_line_that_goes_on_is_no_paragraph_end() -> None:
    # Short, but the next line continues at the left margin: a manual break, not an end.
    page = (
        Page()
        .para(LONG)
        .line("财政拨款收入支出总计持平，主要原因是", INDENT)
        .line("人员变动减少支出。", LEFT)
    )
    page.para("二、机关运行经费预算")
    assert run(pdf(page), check="terminal_punctuation_missing") == []


def test__terminal_punctuation__text_file_numbering_ends_a_paragraph() -> None:
    fires = (
        "二、收入决算情况说明\n本年收入合计100万元，其中：财政拨款收入100万元，占100%\n三、支出决算情况说明\n"
    )
    fine = "二、收入决算情况说明\n本年收入合计100万元，其中：财政拨款收入100万元，占100%。\n三、支出决算情况说明\n"
    [check] = run(text_file(fires), FINAL_2024, "terminal_punctuation_missing")
    assert check.source_line == 2 and "第2行" in check.message
    assert run(text_file(fine), FINAL_2024, "terminal_punctuation_missing") == []


# --- 3. doubled punctuation -------------------------------------------------------------------


def test__punctuation_doubled__two_full_stops() -> None:
    page = Page().para(
        "5、信息化建设（13项）227.88万元。主要用于：信息化建设及运行维护等方面的支出。。2025年当年预算执行数为60.41万元。"
    )
    [check] = run(pdf(page), check="punctuation_doubled")
    assert check.figure == "。。" and "方面的支出。。2025年" in check.message


def test__punctuation_doubled__comma_pairs_and_mixed_marks() -> None:
    page = (
        Page()
        .para("本年收入合计10万元，，其中：财政拨款收入10万元。")
        .para("机关运行经费1万元。，比上年持平。")
    )
    assert [c.figure for c in run(pdf(page), check="punctuation_doubled")] == ["，，", "。，"]


def test__punctuation_doubled__placeholders_ellipses_and_leaders_are_not() -> None:
    page = Page().centered("目录").line("一、部门主要职能……………………………………………………", LEFT)
    other = (
        Page()
        .para("纳入编制范围的单位包括：。。。")
        .para("主要包括：基本工资、津贴补贴、奖金……其他对个人和家庭的补助。")
    )
    assert run(pdf(page, other), check="punctuation_doubled") == []


# --- 4. quotes and brackets ---------------------------------------------------------------------


def test__quote_unbalanced__a_right_quote_without_a_left_one() -> None:
    page = Page().centered("人民调解项目经费情况说明").para("四、实施方案")
    page.para("3.全年开展专题培训；")
    page.para("4.开展“人民调解协议书检查”、优秀调解案例”活动。")
    page.para("五、实施周期")
    [check] = run(pdf(page), check="quote_unbalanced")
    assert (
        check.source_line == 4
        and "优秀调解案例”" in check.message
        and "右引号 ” 没有对应的左引号 “" in check.message
    )


def test__quote_unbalanced__an_opening_mark_never_closed() -> None:
    page = Page().para("根据《关于加强人民调解员队伍建设的实施意见进行建设，确保工作开展。")
    [check] = run(pdf(page), check="quote_unbalanced")
    assert "左书名号 《 在段内没有对应的右书名号 》" in check.message


def test__quote_unbalanced__closed_on_the_next_line_or_numbering_items() -> None:
    # A quote opened at the end of one line and closed on the next; '1）' numbering;
    # '(1分）' mixes half- and full-width brackets but pairs them.
    page = Page().para(
        "根据沪府规【2016】168号文件关于同意《上海市普陀区万里社区W0单元街坊、真如城市副中心地区控制性详细规划局部调整"
        "》的批复进行建设，当年度无“三公”经费支出。"
    )
    page.para("1）负责网格化管理；2）负责热线受理；是否经过本部门预算评审；(1分）")
    source = pdf(page)
    assert source.lines[0].text.endswith("局部调整") and source.lines[1].text.startswith("》的批复")
    assert run(source, check="quote_unbalanced") == []


def test__quote_unbalanced__text_file_cell_wrapped_over_two_lines() -> None:
    source = text_file("项目资金（万\n\n元）\n\n年度总体目标\n")
    assert run(source, check="quote_unbalanced") == []


# --- 5. text outside the page -----------------------------------------------------------------


def test__text_outside_page__lines_above_the_top_once_per_page() -> None:
    hidden = Page()
    for i, text in enumerate(
        ["上海市普陀区司法局是主管本区司法工作的区政府工作部门，主要职责是：", "（一）贯彻执行国家法律。"]
    ):
        hidden.line(text, top=-60.0 + 16 * i)
    hidden.line("（二）负责本区法治建设。", top=-5.0)  # partly above the page
    hidden.line("（三）完成区委交办的其他任务。", top=100.0)
    [check] = run(pdf(Page().para("目录"), hidden), check="text_outside_page")
    assert check.severity == "warning" and check.page == 2 and check.source_line == 2
    assert "3 行" in check.message and "上边缘" in check.message and "上海市普陀区司法局" in check.message


def test__text_outside_page__inside_or_within_rounding_is_fine() -> None:
    page = (
        Page()
        .line("上海市普陀区司法局主要职能", top=-0.5)
        .line("（一）贯彻执行国家法律。", top=HEIGHT - CHAR)
    )
    assert run(pdf(page), check="text_outside_page") == []
    assert run(text_file("上海市普陀区司法局主要职能\n"), check="text_outside_page") == []


# --- 6. placeholders and bare percentages (moved from the narrative parser) -------------------


def test__placeholder__songjiang_word_table() -> None:
    source = read_text("songjiang.txt", seed_text("songjiang_2020").encode("utf-8"))
    checks = run(source, FINAL_2024, "text_placeholder")
    assert len(checks) == 1
    assert (checks[0].severity, checks[0].source_line) == ("info", 18)
    assert "7 处" in checks[0].message and "。。。" in checks[0].message


def test__placeholder__xx_in_prose_but_two_full_stops_are_doubled_punctuation() -> None:
    [check] = run(
        text_file("十、预算绩效管理情况\n本部门编报绩效目标的项目XX个。\n"), check="text_placeholder"
    )
    assert check.source_line == 2
    assert (
        run(text_file("十、预算绩效管理情况\n本部门编报绩效目标的项目3个。。\n"), check="text_placeholder")
        == []
    )


def test__percent__qingpu_bare_percentages() -> None:
    qingpu = read_text("qingpu.txt", seed_text("qingpu_2020").encode("utf-8"))
    songjiang = read_text("songjiang.txt", seed_text("songjiang_2020").encode("utf-8"))
    checks = run(qingpu, FINAL_2024, "percent_sign_missing")
    assert len(checks) == 1 and checks[0].severity == "info"
    assert "占85.63" in checks[0].message and checks[0].source_line == 1039
    assert run(songjiang, FINAL_2024, "percent_sign_missing") == []


def test__percent__signed_percentages_not_flagged() -> None:
    signed = "二、收入决算情况说明\n本年收入合计10.00万元，其中：财政拨款收入10.00万元，占100.00%。\n"
    bare = "二、收入决算情况说明\n本年收入合计10.00万元，其中：财政拨款收入10.00万元，占 100.00 。\n"
    assert run(text_file(signed), FINAL_2024, "percent_sign_missing") == []
    assert len(run(text_file(bare), FINAL_2024, "percent_sign_missing")) == 1


def test__percent__original_prose_only_not_tables_or_glossary() -> None:
    tables = Page().centered("2026年部门收入预算总表").table([["项目", "占比"], ["合计", "占 85.63 ，"]])
    glossary = Page().centered("名词解释").para("（一）占比：占 85.63 ，指某项支出占合计的比例。")
    assert run(pdf(tables, glossary), check="percent_sign_missing") == []
    narrative = (
        Page().centered("2026年部门预算编制说明").para("基本支出60万元，占 60.00 ；项目支出40万元，占40%。")
    )
    [check] = run(pdf(narrative), check="percent_sign_missing")
    assert "第1页" in check.message and "占60.00" in check.message


# --- 7. template alternatives ------------------------------------------------------------------


def test__alternative_unchosen__template_words_printed_literally() -> None:
    page = Page().para(
        "与2023年度相比，收入支出总计增加（减少）5万元，增长(下降)2%。决算数大于（小于）预算数。"
    )
    [check] = run(pdf(page), FINAL_2024, "alternative_unchosen")
    assert check.severity == "info" and "3 处" in check.message and "增加（减少）" in check.message


def test__alternative_unchosen__a_chosen_word_with_a_remark_is_fine() -> None:
    page = Page().para(
        "与2023年度相比，收入支出总计增加（含追加预算）5万元，增长2%（增加部分主要为人员经费）。"
    )
    assert run(pdf(page), FINAL_2024, "alternative_unchosen") == []


# --- 8. a reason announced and not given ---------------------------------------------------------


def test__reason_missing__nothing_after_the_reason() -> None:
    page = Page().para("机关运行经费1万元，比上年增加0.1万元。主要原因是。").para("二、政府采购预算情况")
    page.para("1、行政运行（01项）10万元。主要用于：").para("2、普法宣传（05项）5万元。")
    checks = run(pdf(page), check="reason_missing")
    assert [c.figure for c in checks] == ["主要原因是", "主要用于："]
    assert all(c.severity == "warning" for c in checks)


def test__reason_missing__reason_given_or_continued() -> None:
    page = (
        Page()
        .para("支出减少。主要原因是：业务量减少。")
        .para("按上述格式说明，预决算持平的不用说明变动原因。")
    )
    page.line("财政拨款收入支出总计持平。主要原因：", INDENT).line("人员进出及退休变化，减少支付。", LEFT)
    page.para("公务接待费比上年增加0.5万元，主要原因是：").para("1.接待批次增加；").para("2.接待标准调整。")
    assert run(pdf(page), check="reason_missing") == []


# --- 9. a title printing another year -----------------------------------------------------------


def test__heading_year_mismatch__table_title_and_toc_entry() -> None:
    toc = Page().centered("目录").line("2. 2025年部门收入预算总表……………………………………", 87.0)
    tables = Page().centered("2025年部门收入预算总表").line("编制部门：上海市普陀区司法局单位：元")
    tables.table([["项目", "收入预算"], ["合计", "100.00"]])
    checks = run(pdf(toc, tables), check="heading_year_mismatch")
    assert [(c.page, c.figure) for c in checks] == [
        (1, "2025年部门收入预算总表"),
        (2, "2025年部门收入预算总表"),
    ]
    assert "2025年" in checks[1].message and "2026年" in checks[1].message and "第2页" in checks[1].message


def test__heading_year_mismatch__own_year_and_sentences_with_other_years() -> None:
    page = Page().centered("2026年部门收入预算总表").table([["项目", "收入预算"], ["合计", "1.00"]])
    page.para("截至2025年8月31日，本部门共有车辆3辆。").para("一、2026年“三公”经费预算情况说明")
    assert run(pdf(page), check="heading_year_mismatch") == []


# --- 11. a project's period before the budget year ---------------------------------------------


def test__period_year_mismatch__last_years_period_under_its_heading() -> None:
    # The 司法局 2026 budget, p. 23: '五、实施周期' then '2025年1月1日-2025年12月31日'.
    page = Page().line("五、实施周期").line("2025年1月1日-2025年12月31日").line("六、年度预算安排")
    (c,) = run(pdf(page), check="period_year_mismatch")
    assert (c.severity, c.page, c.figure) == ("warning", 1, "2025年1月1日-2025年12月31日")
    assert "2026年" in c.message


def test__period_year_mismatch__this_years_dates_and_a_final_accounts_report_nothing() -> None:
    row = Page().table([["计划开始日期", "2026-01-01", "计划完成日期", "2026-12-31"]])
    heading = Page().line("五、实施周期").line("第一季度审价；第二季度审计。")
    assert run(pdf(row, heading), check="period_year_mismatch") == []
    old = Page().line("五、实施周期").line("2023年1月1日-2023年12月31日")
    assert run(pdf(old), meta=FINAL_2024, check="period_year_mismatch") == []  # a 决算 reports the past


# --- 10. the department a table header names ------------------------------------------------


def test__department_name_mismatch__another_department() -> None:
    page = Page().centered("2026年部门收入预算总表").line("编制部门：上海市普陀区财政局单位：元")
    [check] = run(pdf(page), check="department_name_mismatch")
    assert check.figure == "上海市普陀区财政局" and check.compared == "上海市普陀区司法局"
    assert "第1页" in check.message


def test__department_name_mismatch__own_name_short_name_and_units() -> None:
    meta = DocumentMeta(
        year=2026, kind="budget", department="上海市普陀区司法局", units=["上海市普陀区法律援助中心"]
    )
    page = Page().line("编制部门：上海市普陀区司法局单位：元").line("编制部门：普陀区司法局 单位：万元")
    page.line("编制单位：上海市普陀区法律援助中心").line("预算主管部门：上海市普陀区司法局（汇总）")
    assert run(pdf(page), meta, "department_name_mismatch") == []


# --- the real 司法局 2026 budget ---------------------------------------------------------------

JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"
CLEAN = (
    "putuo_finance_bureau_2024_final_accounts.pdf",
    "putuo_wanli_subdistrict_2023_department_budget.pdf",
    "putuo_wanli_subdistrict_2024_department_budget.pdf",
)


def _real(name: str) -> list[Check]:
    source = read_document(name, real_bytes(name))
    results, _ = _parse(source)
    return text_hygiene.checks(normalize_document(source, results))


@pytest.fixture(scope="module")
def justice() -> dict[str, list[Check]]:
    found: dict[str, list[Check]] = {}
    for c in _real(JUSTICE):
        found.setdefault(c.check, []).append(c)
    return found


def test__justice_2026__reviewer_findings(justice: dict[str, list[Check]]) -> None:
    # 1. 说明 p.8 compares the 2026 budget with "2026年预算" five times (lines 80–84).
    [year] = justice["comparison_year_wrong"]
    assert (
        year.page == 8
        and year.source_line == 80
        and "5 处" in year.message
        and "比2026年预算" in year.message
    )
    # 2. p.8 line 85 "…主要原因是工作量增加" ends without 。.
    [stop] = justice["terminal_punctuation_missing"]
    assert (stop.page, stop.source_line) == (8, 85) and "工作量增加" in stop.message
    # 3. p.8 line 96 "…方面的支出。。2025年".
    [doubled] = justice["punctuation_doubled"]
    assert (doubled.page, doubled.source_line, doubled.figure) == (8, 96, "。。")
    # 4. 项目经费情况说明 (the last page, 23): a right quote ” without its left one.
    [quote] = justice["quote_unbalanced"]
    assert quote.page == 23 and "优秀调解案例”" in quote.message
    # 5. p.5: 主要职能 printed above the top of the page.
    [outside] = justice["text_outside_page"]
    assert outside.page == 5 and outside.severity == "warning"


def test__justice_2026__nothing_else(justice: dict[str, list[Check]]) -> None:
    assert set(justice) == {
        "comparison_year_wrong",
        "terminal_punctuation_missing",
        "punctuation_doubled",
        "quote_unbalanced",
        "text_outside_page",
        # p. 23 '五、实施周期 2025年1月1日-2025年12月31日' in the 2026 budget (the reviewer missed it)
        "period_year_mismatch",
    }


@pytest.mark.parametrize("name", CLEAN)
def test__real_documents__clean_text_raises_nothing(name: str) -> None:
    assert _real(name) == []


def test__real_documents__template_placeholders_and_alternatives() -> None:
    found = {c.check for c in _real("template_2024_final_accounts.pdf")}
    assert found == {"text_placeholder", "alternative_unchosen"}


def test__seed_texts__read_without_surprises() -> None:
    raw = Path(__file__).resolve().parents[3] / "data" / "raw"
    for path in sorted(raw.glob("*self_evaluation.txt")) + sorted(raw.glob("*target_declaration.txt")):
        source = read_text(path.name, path.read_bytes())
        assert run(source, DocumentMeta(year=2022, kind="self_evaluation")) == [], path.name
