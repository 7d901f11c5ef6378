"""What an official does in a real browser, journey by journey (Debian chromium via Playwright)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
from openpyxl import load_workbook

from dashboard import pages
from etl import load
from tests.e2e.conftest import (
    CONTEXT,
    MAIN,
    RUN_WATCH,
    act,
    assert_clean,
    click_first_row,
    navigate,
    screenshot,
    settle,
    shows,
)

PAGES = {p.url_path: p.title for p in pages.PAGES}


def open_app(pg, server: str, path: str = "", query: str = "") -> None:
    pg.goto(f"{server}/{path}{'?' + query if query else ''}")
    settle(pg, since=0)


def main_text(pg) -> str:
    return pg.locator(MAIN).inner_text()


def _choose(pg, label: str, option: str) -> None:
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label).first
    box.click()
    pg.keyboard.type(option)
    act(pg, lambda: pg.keyboard.press("Enter"))
    pg.keyboard.press("Escape")


def test__filters_change_the_view_and_the_url_reproduces_it(page, browser, server) -> None:
    open_app(page, server)
    _choose(page, "区", "闵行")
    shows(page, "闵行区 2022 年度")
    assert "松江区 2020 年度" not in main_text(page)
    params = parse_qs(urlparse(page.url).query)
    assert params.get("district") == ["闵行"]
    url = page.url
    fresh = browser.new_context(**CONTEXT)
    fresh.add_init_script(RUN_WATCH)
    try:
        other = fresh.new_page()
        other.goto(url)
        settle(other, since=0)
        shows(other, "闵行区 2022 年度", "21")
        assert "松江区 2020 年度" not in main_text(other)
    finally:
        fresh.close()


def test__click_a_project_row_opens_its_detail(page, server) -> None:
    open_app(page, server, "execution", "district=闵行")
    # The 执行不足 table lists 公共安全隐患举报奖励 first (lowest rate, 52.64%).
    heading = page.get_by_text("执行不足的项目")
    heading.scroll_into_view_if_needed()
    click_first_row(page, table_index=0)
    page.wait_for_url(re.compile(r".*project_detail.*project=.*"), timeout=30_000)
    settle(page)
    shows(page, "公共安全隐患举报奖励", "52.64%", "95.26")
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # indicator table
    assert_clean(page, "项目详情")
    screenshot(page, "project_detail")


def test__search_by_chinese_substring_and_open(page, server) -> None:
    open_app(page, server, "project_detail")
    box = page.get_by_label(re.compile("按项目名称搜索"))
    # fill may commit the text already (a blur, a debounce): wait for the run of fill or Enter
    act(page, lambda: (box.fill("举报奖励"), box.press("Enter")))
    shows(page, "找到 1 个项目")
    click_first_row(page, table_index=0)
    page.wait_for_url(re.compile(r".*project=.*"), timeout=30_000)
    settle(page)
    shows(page, "公共安全隐患举报奖励", "52.64%")


def test__download_filtered_table_as_xlsx_and_csv(page, server, warehouse: Path) -> None:
    open_app(page, server, "download", "district=松江&year=2021")
    box = page.get_by_label(re.compile("按名称筛选"))
    act(page, lambda: (box.fill("培训"), box.press("Enter")))  # one run, whichever commits the text
    shows(page, "名称包含：培训")
    caption = re.search(r"共 ([\d,]+) 行", main_text(page))
    assert caption, main_text(page)
    shown_rows = int(caption.group(1).replace(",", ""))
    with page.expect_download() as xlsx_info:
        page.get_by_role("button", name=re.compile("下载 Excel")).click()
    xlsx = Path(xlsx_info.value.path()).read_bytes()
    with page.expect_download() as csv_info:
        page.get_by_role("button", name=re.compile("下载 CSV")).click()
    raw = Path(csv_info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    sheet = wb[wb.sheetnames[0]]
    xrows = [[("" if v is None else v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [str(v) for v in xrows[0]]  # same header
    assert len(rows) - 1 == len(xrows) - 1 == shown_rows
    con = duckdb.connect()
    expected = con.sql(
        f"SELECT project_name FROM {load.duckdb_source(warehouse, 'projects')} "
        "WHERE district = '松江' AND year = 2021 AND project_name LIKE '%培训%'"
    ).fetchall()
    assert shown_rows == len(expected) == 1
    name_col = rows[0].index("项目名称")
    assert rows[1][name_col] == "业务培训" == xrows[1][name_col]
    assert "说明" in wb.sheetnames


def test__every_page_renders_without_error_and_nothing_leaves_the_machine(page, server) -> None:
    """An official opens 总览 and goes through every page by the sidebar's links (no reload)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    open_app(page, server)
    # 总览 first: the three seed districts and their 本年支出合计 (万元) as printed.
    shows(page, "松江区 2020 年度", "闵行区 2022 年度", "青浦区 2020 年度")
    shows(page, "3,984.05", "4,638.73")  # 松江 2020 and 青浦 2020 本年支出合计, 万元
    assert page.locator(".js-plotly-plot").count() >= 1
    for path, title in PAGES.items():
        if path:
            navigate(page, title, path)
        shows(page, title)
        assert_clean(page, title)
        # A chart is never drawn empty: every plotly figure holds at least one trace with data.
        for i in range(page.locator(".js-plotly-plot").count()):
            n = (
                page.locator(".js-plotly-plot")
                .nth(i)
                .evaluate(
                    "el => (el.data || []).filter(t => (t.x && t.x.length) || (t.y && t.y.length) || (t.values && t.values.length) || (t.q1 && t.q1.length)).length"
                )
            )
            assert n > 0, f"empty chart on {title}"
        # Plotly's toolbar speaks Chinese (ui.PLOTLY_ZH); 'Fullscreen' is Streamlit's own button.
        titles = page.locator(".js-plotly-plot .modebar-btn").evaluate_all(
            "els => els.map(e => e.getAttribute('data-title'))"
        )
        english = {t for t in titles if t != "Fullscreen" and not re.search(r"[\u4e00-\u9fff]", t or "")}
        assert not english, f"toolbar words not in Chinese on {title}: {english}"
        screenshot(page, f"page_{path or 'overview'}")
    # Every request (favicon, fonts, scripts) went to the local server.
    hosts = {urlparse(u).hostname for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert urls and hosts <= {"127.0.0.1", "localhost"}, sorted(hosts)


def test__hostile_url_parameters_are_ignored_with_a_note(fresh_page, server) -> None:
    # A link opened in a browser of its own: its 90 KB address fills the server's header limit on its own.
    long = "松" * 10_000
    query = f"district=不存在&year=abc&department={long}&district=1;DROP TABLE projects&evil=%27%20OR%201=1"
    open_app(fresh_page, server, "", query)
    shows(fresh_page, "已忽略", where='[data-testid="stSidebar"]')
    shows(fresh_page, "3,984.05")  # the view falls back to all data
    assert_clean(fresh_page, "hostile url")


def _click_mark(pg, chart: int, selector: str, index: int = 0) -> None:
    """Click one mark (a bar's path, a point) of the chart-th Plotly figure on the page."""
    plot = pg.locator(".js-plotly-plot").nth(chart)
    plot.scroll_into_view_if_needed()
    mark = plot.locator(selector).nth(index)
    box = mark.bounding_box()
    assert box is not None, selector
    act(pg, lambda: pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))


def test__a_bar_on_overview_opens_that_departments_structure(page, server) -> None:
    open_app(page, server)
    shows(page, "点击图中的柱形可打开该区该年度的支出结构")
    _click_mark(page, 0, ".bars path")  # the first bar: 普陀 2024 财政局's 基本支出
    page.wait_for_url(re.compile(r".*/structure\?.*"), timeout=30_000)
    settle(page)
    params = parse_qs(urlparse(page.url).query)
    assert params.get("district") == ["普陀"] and params.get("year") == ["2024"], page.url
    assert params.get("department") == ["上海市普陀区财政局"], page.url
    shows(page, "普陀区 · 财政局 · 2024 年度 · 部门决算")
    shows(page, "普陀", "2024", where='[data-testid="stSidebar"]')  # the filters say what was opened
    assert_clean(page, "支出结构 from a bar")


def test__a_point_on_the_score_chart_opens_its_project(page, server) -> None:
    open_app(page, server, "scores", "district=闵行")
    shows(page, "点击图中的一个项目点可打开该项目的详情")
    _click_mark(page, 0, ".points path")
    page.wait_for_url(re.compile(r".*project_detail.*project=.*"), timeout=30_000)
    settle(page)
    shows(page, "闵行", "总分")
    assert_clean(page, "项目详情 from a point")
