"""导出简报's model (dashboard/briefing.py): 分析要点 written from the figures, each with its source.

Figures are typed from the seed documents and the real 普陀 PDFs in data/raw (file and page or
line given), or, for 预算 against 决算 of one department and year (no published pair exists yet),
taken from the truth etl.synth_originals records for the Word 决算 and Excel 预算 it writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import briefing, db
from dashboard.briefing import Point, Source
from dashboard.queries import Filters
from etl.build import build
from etl.synth_originals import budget_xlsx, final_accounts_docx

FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"
WANLI_2023 = "putuo_wanli_subdistrict_2023_department_budget.pdf"
WANLI_2024 = "putuo_wanli_subdistrict_2024_department_budget.pdf"
JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"
SONGJIANG = "songjiang_city_operation_center_2020_final_accounts.txt"
QINGPU = "qingpu_government_service_office_2020_final_accounts.txt"
MINHANG = "minhang_city_operation_center_2022_self_evaluation.txt"
WANLI = "上海市普陀区人民政府万里街道办事处"


def _one(points: list[Point], *words: str) -> Point:
    found = [p for p in points if all(w in p.text for w in words)]
    assert len(found) == 1, (words, [p.text for p in points])
    return found[0]


# --- 总览 -----------------------------------------------------------------------------


def test__total_per_year_names_each_document_and_its_page(con, everything):
    points = briefing.total_points(con, everything)
    # putuo_finance_bureau_2024_final_accounts.pdf p.10, 支出决算表 合计 row: 本年支出合计 2,940.05 (万元)
    finance = _one(points, "2024 年度本年支出合计 2,940.05 万元")
    assert "普陀区 · 财政局" in finance.text
    assert finance.source_text == f"来源：{FINANCE} 第10页"
    # 松江 2020 (line 428-429: 合计 3,984.05) and 青浦 2020 (line 357: 合计 4,638.73): 8,622.78 together
    both = _one(points, "2020 年度本年支出合计 8,622.78 万元")
    assert "松江区 · 城市运行管理中心 3,984.05 万元" in both.text
    assert "青浦区 · 政务服务办公室 4,638.73 万元" in both.text
    assert both.source_text == f"来源：{SONGJIANG} 第428行；{QINGPU} 第357行"


def test__total_of_one_district_year(con):
    points = briefing.total_points(con, Filters(districts=("松江",), years=(2020,)))
    assert [p.text for p in points] == [
        "2020 年度本年支出合计 3,984.05 万元（松江区 · 城市运行管理中心，部门决算·支出决算表合计行）。"
    ]


def test__without_final_accounts_the_total_says_so(con):
    points = briefing.total_points(con, Filters(kinds=("budget",)))
    assert [p.text for p in points] == ["当前范围内没有部门决算（支出决算表），无法给出本年支出合计。"]
    assert points[0].source_text == ""


def test__budget_change_on_last_year_with_both_pages(con, everything):
    # 万里街道 支出预算总表 合计: 2024 p.20 156,211,123 元; 2023 p.18 164,978,640 元
    # 15,621.11 − 16,497.86 = −876.75 万元; −8,767,517 / 164,978,640 = −5.31%
    point = _one(briefing.change_points(con, everything), "部门预算支出合计")
    assert point.text == (
        "普陀区 · 人民政府万里街道办事处 2024 年部门预算支出合计 15,621.11 万元，"
        "比 2023 年（16,497.86 万元）减少 876.75 万元，下降 5.31%。"
    )
    assert point.source_text == f"来源：{WANLI_2024} 第20页；{WANLI_2023} 第18页"


def test__change_finds_the_previous_year_outside_the_year_filter(con):
    point = _one(briefing.change_points(con, Filters(years=(2024,))), "部门预算支出合计")
    assert "比 2023 年（16,497.86 万元）减少 876.75 万元" in point.text


def test__no_final_accounts_of_two_years_says_so_instead_of_a_figure(con, everything):
    # 财政局 2024, 松江 2020 and 青浦 2020: three departments, one 决算 each
    point = _one(briefing.change_points(con, everything), "本年支出合计")
    assert point.text == "本年支出合计：当前范围内没有同一部门两个年度的部门决算，无法计算比上年增减。"


def test__largest_class_and_its_share(con, everything):
    # p.10: 201 一般公共服务支出 2,106.66 of 合计 2,940.05 -> 71.65% (the 说明 prints 71.73%)
    point = _one(briefing.class_points(con, everything), "2024 年度")
    assert point.text == (
        "2024 年度支出最大的类是“一般公共服务支出”（201）2,106.66 万元，占本年支出合计（2,940.05 万元）的 71.65%。"
    )
    assert point.source_text == f"来源：{FINANCE} 第10页"


def test__largest_class_of_one_district(con):
    # songjiang 2020 line 499: 212 城乡社区支出 3,727.47 of 3,984.05 -> 93.56%
    [point] = briefing.class_points(con, Filters(districts=("松江",)))
    assert "“城乡社区支出”（212）3,727.47 万元" in point.text
    assert "93.56%" in point.text
    assert point.source_text == f"来源：{SONGJIANG} 第428、499行"  # the 合计 row and the 212 row


def _quality_db(checks: list[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    mem = duckdb.connect()
    mem.sql(
        "CREATE TABLE documents AS SELECT * FROM (VALUES ('a.pdf', '普陀', 2024, '某局', 'budget', true), "
        "('b.pdf', '普陀', 2024, '他局', 'final_accounts', true)) t(source_file, district, year, department, kind, counted)"
    )
    rows = ", ".join(
        f"('x{i}', '{file}', '{sev}', '普陀', 2024, '某局')" for i, (file, sev) in enumerate(checks)
    )
    mem.sql(
        f"CREATE TABLE checks AS SELECT * FROM (VALUES {rows}) "
        "t(check_id, source_file, severity, district, year, department)"
    )
    return mem


def test__quality_counts_errors_and_warnings_not_infos():
    mem = _quality_db([("a.pdf", "warning"), ("a.pdf", "error"), ("b.pdf", "warning"), ("b.pdf", "info")])
    [point] = briefing.quality_points(mem, Filters())
    assert point.text == (
        "数据质量问题 3 条（错误 1 条、警告 2 条），涉及 2 份文件（共 2 份）；最多的是 a.pdf（2 条）。"
        "另有提示 1 条，不计为问题。"
    )
    assert "数据质量" in point.source_text
    # the sidebar's 文件类型 narrows the documents counted
    [budget_only] = briefing.quality_points(mem, Filters(kinds=("budget",)))
    assert "数据质量问题 2 条（错误 1 条、警告 1 条）" in budget_only.text


def test__quality_of_clean_documents():
    [point] = briefing.quality_points(_quality_db([("a.pdf", "info")]), Filters())
    assert point.text == "数据质量：当前范围内的 2 份文件没有错误或警告（另有提示 1 条）。"


# --- 预算执行 ---------------------------------------------------------------------------


def test__lowest_rate_project_with_its_line(con, everything):
    # qingpu 2020 lines 2228-2235: “互联网+政务服务”建设经费, 当年预算数 27,048,448.74 元,
    # 预算执行数 10,433,436.99 元, 预算执行率 38.57%
    point = _one(briefing.execution_points(con, everything), "执行率最低")
    assert point.text == (
        "执行率最低的项目是“互联网+政务服务”建设经费（青浦区 · 政务服务办公室，2020 年度）："
        "全年预算 2,704.84 万元，执行数 1,043.34 万元，执行率 38.57%。"
    )
    assert point.source_text == f"来源：{QINGPU} 第2228行"


def test__projects_under_the_threshold(con, everything):
    # 38.57% (qingpu line 2235), 52.64% (minhang line 285), 55.77% (minhang 487), 70.41% (qingpu 1338)
    point = _one(briefing.execution_points(con, everything), "执行率低于 90%")
    assert point.text.startswith("执行率低于 90% 的项目有 4 个")
    for name, rate in (
        ("“互联网+政务服务”建设经费", "38.57%"),
        ("“公共安全隐患举报奖励”", "52.64%"),
        ("“党建经费”", "55.77%"),
        ("“台式电脑”", "70.41%"),
    ):
        assert f"{name}（{rate}）" in point.text
    assert MINHANG in point.source_text and QINGPU in point.source_text
    lower = _one(briefing.execution_points(con, everything, threshold=0.6), "执行率低于 60%")
    assert lower.text.startswith("执行率低于 60% 的项目有 3 个")
    assert "台式电脑" not in lower.text


def test__an_amount_under_one_wan_is_said_in_yuan(con):
    # minhang line 285: 公共安全隐患举报奖励 全年预算数 950.00 元, 全年执行数 500.00 元 (项目资金（元）)
    points = briefing.execution_points(con, Filters(districts=("闵行",)))
    low = _one(points, "执行率最低")
    assert "全年预算 950.00 元，执行数 500.00 元，执行率 52.64%" in low.text
    assert low.source_text == f"来源：{MINHANG} 第280行"


def test__narrative_item_furthest_from_its_budget(con, everything):
    # songjiang 2020 line 1574: 年初预算为2,329.63万元，支出决算为3,727.47万元 (+1,397.84, +60.00%)
    point = _one(briefing.execution_points(con, everything), "部门决算说明中")
    assert "年初预算 2,329.63 万元，支出决算 3,727.47 万元，增加 1,397.84 万元，增长 60.00%" in point.text
    assert "说明的原因：本年度追加松江区城运平台信息化建设项目一期项目。" in point.text
    assert point.source_text == f"来源：{SONGJIANG} 第1574行"


def test__no_self_evaluation_says_so(con):
    points = briefing.execution_points(con, Filters(districts=("普陀",)))
    assert points[0].text == "当前范围内没有绩效自评项目，无法分析预算执行。"


# --- 预算与决算 -------------------------------------------------------------------------


def test__budget_department_across_years(con, everything):
    points = briefing.budget_points(con, everything)  # opens on 万里街道, the department with two years
    assert points[0].text.startswith("普陀区 · 人民政府万里街道办事处 2024 年部门预算支出合计 15,621.11 万元")
    # 208 社会保障和就业支出: 2023 p.16 27,073,236 元, 2024 p.17 19,604,064 元 -> −746.92 万元
    classes = _one(points, "变化最大的类")
    assert classes.text.startswith(
        "与 2023 年相比变化最大的类：“社会保障和就业支出”（208）减少 746.92 万元（2023 年 2,707.32 万元，2024 年 1,960.41 万元）"
    )
    assert f"{WANLI_2023} 第16" in classes.source_text and f"{WANLI_2024} 第17" in classes.source_text
    missing = points[-1]
    assert missing.text.startswith("当前数据中没有同一部门同一年度既有部门预算又有部门决算的文件")


def test__budget_of_a_department_with_one_year(con, everything):
    # putuo_justice_bureau_2026_department_budget.pdf p.13: 合计 96282213.44 元
    points = briefing.budget_points(con, everything, department="上海市普陀区司法局")
    assert points[0].text == (
        "普陀区 · 司法局只有 2026 年一个年度的部门预算：支出预算合计 9,628.22 万元，尚不能比较年度变化。"
    )
    assert points[0].source_text == f"来源：{JUSTICE} 第13页"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One department's 决算 (Word, seed 0) and 预算 (Excel, seed 1) of the same year: other figures."""
    root = tmp_path_factory.mktemp("briefing_pair")
    raw = root / "raw"
    raw.mkdir()
    for doc in (final_accounts_docx(0), budget_xlsx(0, seed=1)):
        (raw / doc.file_name).write_bytes(doc.data)
    build(raw, root / "warehouse", workers=1)
    connection = db.connect(db.current_snapshot(root / "warehouse").path)
    yield connection
    connection.close()


def test__budget_against_final_the_biggest_differences(pair):
    final, budget = final_accounts_docx(0), budget_xlsx(0, seed=1)
    assert (final.department, final.year) == (budget.department, budget.year)
    finals = {
        line.code: (line.name, line.amount * 10000)  # 万元 as the Word table prints them
        for line in final.lines
        if line.statement == "支出决算表"
        and line.code
        and len(line.code) == 3
        and line.measure == "本年支出合计"
    }
    budgets: dict[str, Decimal] = {}
    for line in budget.lines:  # 元: 基本支出 + 项目支出 (the workbook prints no 合计 column)
        if line.code and len(line.code) == 3:
            budgets[line.code] = budgets.get(line.code, Decimal(0)) + line.amount
    diffs = sorted(
        ((finals[c][1] - budgets[c], c) for c in finals if c in budgets), key=lambda d: (-abs(d[0]), d[1])
    )
    point = _one(briefing.budget_vs_final_points(pair, Filters()), "差额最大的类")
    total_budget, total_final = sum(budgets.values()), sum(v for _, v in finals.values())
    assert point.text.startswith(
        f"黄浦区 · 城市运行管理中心 {final.year} 年度：各类预算合计 {briefing.money(total_budget)}，"
        f"支出决算合计 {briefing.money(total_final)}"
    )
    order = [point.text.index(f"（{code}）") for _, code in diffs[: briefing.MAX_DIFFERENCES]]
    assert order == sorted(order)  # the biggest difference first
    diff, code = diffs[0]
    name = finals[code][0]
    assert (
        f"“{name}”（{code}）预算 {briefing.money(budgets[code])}、决算 {briefing.money(finals[code][1])}，"
        f"{briefing.change(finals[code][1], budgets[code])}"
    ) in point.text
    assert final.file_name in point.source_text and budget.file_name in point.source_text


def test__budget_view_lists_the_pair(pair):
    figures, tables = briefing.budget_view(pair, Filters())
    assert [t.title for t in tables][-1].startswith("预算与决算对照")
    assert tables[-1].columns[:4] == ("部门", "年度", "科目编码", "科目名称")
    assert "预算数（万元）" in tables[-1].columns


# --- words, sources and tables ---------------------------------------------------------


def test__sources_name_each_file_once_with_its_pages_or_lines():
    point = Point(
        "x",
        (
            Source("a.pdf", page=11, file_type="pdf"),
            Source("b.txt", page=1, line=357, file_type="text"),
            Source("a.pdf", page=10, file_type="pdf"),
            Source("a.pdf", page=10, file_type="pdf"),
        ),
        note="见“数据质量”页",
    )
    assert point.source_text == "来源：a.pdf 第10、11页；b.txt 第357行；见“数据质量”页"


def test__money_and_change_words():
    assert briefing.money(Decimal("29400500.00")) == "2,940.05 万元"
    assert briefing.money(Decimal("950.00")) == "950.00 元"
    assert briefing.money(None) == "—"
    assert briefing.change(Decimal(110), Decimal(100)) == "增加 10.00 元，增长 10.00%"
    assert briefing.change(Decimal("156211123"), Decimal("164978640")) == "减少 876.75 万元，下降 5.31%"
    assert briefing.change(Decimal(100), Decimal(100)) == "持平"
    assert briefing.change(Decimal(5), Decimal(0)) == "增加 5.00 元"  # no rate against nothing


def test__table_has_chinese_headers_and_wan():
    df = pl.DataFrame(
        {
            "district": ["普陀"],
            "year": [2024],
            "total_expenditure_yuan": [Decimal("29400500.00")],
            "execution_rate": [Decimal("0.385700")],
            "coverage": [["上海市普陀区财政局", "上海市普陀区司法局"]],
        }
    )
    t = briefing.table("各区", df)
    assert t.columns == ("区", "年度", "本年支出合计（万元）", "执行率", "覆盖部门")
    assert t.rows == (("普陀", "2024", "2,940.05", "38.57%", "上海市普陀区财政局、上海市普陀区司法局"),)
    assert t.numeric == (False, False, True, True, False)
    assert t.note == "金额单位：万元。"
    long = briefing.table("长表", pl.DataFrame({"amount_yuan": [Decimal(1)] * 40}), limit=30)
    assert len(long.rows) == 30 and "共 40 行" in long.note


def test__build_names_the_page_scope_and_choices(con):
    f = Filters(districts=("松江",), years=(2020,))
    b = briefing.build("预算执行", con, f, made_at="m", data_at="d", threshold=0.8)
    assert b.title == "预算执行简报"
    assert dict(b.scope) == {
        "区": "松江",
        "年度": "2020",
        "部门": "全部",
        "文件类型": "全部",
        "执行不足标准": "执行率低于 80%",
    }
    assert len(b.figures) == 3  # scatter, box, the 说明's items
    with pytest.raises(ValueError):
        briefing.build("原文查看", con, f, made_at="m", data_at="d")  # a page with no view to brief


def test__every_point_without_a_figure_has_no_none(con):
    for page in briefing.PAGES:
        for f in (Filters(), Filters(districts=("不存在",))):
            b = briefing.build(page, con, f, made_at="m", data_at="d")
            assert b.points, page
            for p in b.points:
                assert "None" not in p.text and "nan" not in p.text.lower(), p.text
            for t in b.tables:
                assert all("None" not in cell for row in t.rows for cell in row)
                assert not [c for c in t.columns if c.isascii()], t.columns  # every header in Chinese


def test__paths_stay_out_of_sources(con, everything):
    for p in briefing.overview_points(con, everything):
        assert "/" not in p.source_text and str(Path.home()) not in p.source_text


# --- the page control ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["overview", "execution", "budget"])
def test__each_page_ends_with_the_export_control(page):
    from .test_pages import assert_clean, open_page

    at = open_page(page)
    assert_clean(at)
    assert at.subheader[-1].value == "导出简报"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-2:] == ["导出简报（PDF）", "导出简报（Word）"]


def test__without_chromium_the_page_says_why_and_offers_nothing(monkeypatch):
    from dashboard import briefing_render

    from .test_pages import assert_clean, open_page

    monkeypatch.setattr(briefing_render, "CHROMIUM", "/nonexistent/chromium")
    at = open_page("overview")
    assert_clean(at)
    assert any("服务器未安装 Chromium 浏览器" in c.value for c in at.caption)
    assert not [b for b in at.get("download_button") if "简报" in b.proto.label]


def test__file_name_says_page_filters_and_time():
    from datetime import datetime

    from dashboard.briefing_ui import file_name

    moment = datetime(2026, 12, 7, 8, 30)
    assert (
        file_name("总览", Filters(districts=("松江",), years=(2020,)), moment)
        == "总览简报-松江-2020-20261207-0830"
    )
    assert file_name("预算执行", Filters(), moment) == "预算执行简报-20261207-0830"


# --- 支出结构 and 数据质量 --------------------------------------------------------------------


def test__structure_states_the_printed_total_and_the_largest_class(con, everything):
    # 财政局 2024 支出决算表 p.10: 合计 2,940.05 万元; 201 一般公共服务支出 2,106.66 (71.65 % of it)
    points = briefing.structure_points(con, everything, file=FINANCE)
    total = _one(points, "“支出决算表”合计 2,940.05 万元")
    assert [(src.file, src.page) for src in total.sources] == [(FINANCE, 10)]
    top = _one(points, "一般公共服务支出", "2,106.66 万元", "71.65%")
    assert {s.page for s in top.sources} == {10}


def test__structure_of_a_text_final_cites_its_lines(con, everything):
    # 松江 2020 支出决算表 合计 3,984.05 万元 (line 428); 212 城乡社区支出 3,727.47 (line 499)
    points = briefing.structure_points(con, everything, file=SONGJIANG)
    assert "第428行" in _one(points, "合计 3,984.05 万元").source_text
    assert "第499行" in _one(points, "城乡社区支出", "3,727.47 万元", "93.56%").source_text


def test__structure_and_quality_briefings_carry_their_tables(con, everything):
    b = briefing.build("支出结构", con, everything, made_at="-", data_at="-", file=FINANCE)
    assert len(b.figures) == 1 and b.tables[0].columns[:3] == ("科目编码", "科目名称", "级次")
    assert ("功能分类口径", "支出决算表") in b.scope and any(FINANCE in v for k, v in b.scope if k == "文件")
    q = briefing.build("数据质量", con, everything, made_at="-", data_at="-")
    assert q.points[0].text.startswith("数据质量问题") and q.tables[0].columns[1:] == ("错误", "警告", "提示")


def test__scores_states_the_average_the_lowest_and_where_points_were_lost(con):
    # 松江 2021 总分 100, 100, 100, 98 (窗口业务管理), 100: average 99.60; 2 points lost under 产出指标/数量指标
    points = briefing.scores_points(con, Filters(districts=("松江",), years=(2021,)))
    low = _one(points, "自评项目 5 个", "平均 99.60 分", "“窗口业务管理”（98.00 分）")
    assert low.sources[0].file == "songjiang_administrative_service_center_2021_self_evaluation.txt"
    _one(points, "失分最多的是“产出指标 / 数量指标”，共 2.00 分")
    _one(points, "未发现")
