"""From a finding to the page it is printed on, in a real browser (Debian chromium via Playwright).

An official opens 数据质量, picks one finding of the 司法局 2026 部门预算 in that document's
section, follows 查看原文 and sees page 9 drawn as an image with the sentence framed. No
request may leave the machine: every request to another host is recorded and refused.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS, act, click_first_row, settle

JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"
SECTION = "上海市普陀区司法局 2026年 部门预算：报表与文件层面"
FINDING = "说明增减比例有误（第9页）"


def images_loaded(pg, count: int) -> None:
    """Wait until ``count`` images of the main area have arrived and been decoded."""
    pg.wait_for_function(
        """n => {
            const imgs = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')];
            return imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0);
        }""",
        arg=count,
        timeout=60_000,
    )


def shot(pg, width: int, name: str) -> None:
    """A screenshot of the whole page at a width (the app scrolls inside: grow the viewport)."""
    pg.set_viewport_size({"width": width, "height": 900})
    pg.wait_for_function(
        "w => document.querySelector('[data-testid=\"stMain\"]').getBoundingClientRect().right <= w",
        arg=width,
    )
    images_loaded(pg, 2)
    height = pg.evaluate(
        """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
                  .map(e => e.scrollHeight))"""
    )
    pg.set_viewport_size({"width": width, "height": min(int(height) + 40, 12_000)})
    images_loaded(pg, 2)
    settle(pg)
    SHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test__from_a_finding_to_its_page_image(page, server) -> None:
    outside: list[str] = []

    def local_only(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", local_only)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/quality")
    settle(page, since=0)
    section = page.locator('[data-testid="stExpander"]').filter(has_text=SECTION)
    expect(section).to_have_count(1, timeout=30_000)
    if section.locator("details").get_attribute("open") is None:  # more than 12 findings: folded
        section.locator("summary").click()
    box = section.locator('[data-testid="stSelectbox"]')
    expect(box).to_be_visible(timeout=30_000)
    box.scroll_into_view_if_needed()
    box.click()
    act(page, lambda: page.get_by_role("option").filter(has_text=FINDING).first.click())
    expect(box.get_by_role("combobox")).to_have_value(re.compile(re.escape(FINDING)))

    started = time.perf_counter()
    section.locator('[data-testid="stPageLink"] a').filter(has_text="查看原文").click()
    page.wait_for_url(re.compile(r".*/source\?.*file=.*"), timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["file"] == [JUSTICE] and query["page"] == ["9"], page.url
    images_loaded(page, 2)  # the framed band, enlarged, and the whole page
    settle(page)
    print(f"\n查看原文 → page image shown in {time.perf_counter() - started:.2f} s")

    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("第 9 页（共 23 页）")
    expect(main).to_contain_text("上海市普陀区司法局 2026年 部门预算")
    expect(main).to_contain_text("43269.3")
    assert main.locator("img").count() >= 2
    text = main.inner_text()
    assert "None" not in text and "Traceback" not in text
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(main.get_by_role("button", name="下载原文件")).to_be_visible()

    # the image is the page: landscape A4 (842 × 595 points) at its own aspect ratio
    size = main.locator('[data-testid="stImage"] img').last.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert abs(size[0] / size[1] - 842 / 595) < 0.01, size

    shot(page, 1400, "source_1400")
    # a phone opening the same link: the sidebar starts folded, the page still reads
    page.set_viewport_size({"width": 400, "height": 900})
    page.goto(page.url)
    settle(page, since=0)
    images_loaded(page, 2)
    expect(main).to_contain_text("第 9 页（共 23 页）")
    shot(page, 400, "source_400")
    assert not outside, outside  # nothing leaves the machine (the favicon is served locally)


def test__from_a_form_s_project_to_its_name_cell_on_the_pdf_page(page, server) -> None:
    # 万里街道 2023 部门预算 (a PDF original): its page 31 is the 填报表 of 新建万里街道社区公共服务中心.
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/project_detail")
    settle(page, since=0)
    box = page.get_by_label(re.compile("按项目名称搜索"))
    act(page, lambda: (box.fill("新建万里街道"), box.press("Enter")))
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("找到 1 个项目", timeout=30_000)
    click_first_row(page, table_index=0)
    page.wait_for_url(re.compile(r".*project=.*"), timeout=30_000)
    settle(page)
    link = (
        page.locator('[data-testid="stPageLink"] a')
        .filter(has_text="查看原文（第31页 表1 第3行第3列）")
        .first
    )
    expect(link).to_be_visible(timeout=30_000)
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(r".*/source\?.*cell=.*"), timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["page"] == ["31"] and query["cell"] == ["表1 第3行第3列"], page.url
    images_loaded(page, 2)  # the framed cell, enlarged, and the whole page
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("第 31 页（共 35 页）")
    expect(main).to_contain_text("单元格：表1 第3行第3列")
    expect(main).to_contain_text("新建万里街道社区公共服务中心")
    assert "链接写" not in main.inner_text()  # the link points at the cell itself: no correction note
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, 1400, "source_form_cell_1400")
    page.set_viewport_size({"width": 400, "height": 900})
    page.goto(page.url)
    settle(page, since=0)
    images_loaded(page, 2)
    expect(main).to_contain_text("单元格：表1 第3行第3列")
    shot(page, 400, "source_form_cell_400")
