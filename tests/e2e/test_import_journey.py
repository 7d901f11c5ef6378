"""数据导入 in a real browser: upload the real 司法局 PDF, add it, find it on 数据质量; refuse a fake PDF.

The server is this file's own: a copy of the seed text files as BUDGET_RAW and a warehouse
built from them (both under tmp), passed to the server (python -m dashboard.serve) through its environment, so
data/raw and data/warehouse are never touched. Screenshots of the preview at 1400 px and
400 px go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl import load
from etl.build import build
from tests.e2e.conftest import (
    MAIN,
    ROOT,
    assert_clean,
    navigate,
    screenshot,
    serving,
    settle,
    shows,
)

JUSTICE = ROOT / "tests" / "cases" / "real" / "putuo_justice_bureau_2026_department_budget.pdf"
LABEL = "上海市普陀区司法局 2026年 部门预算"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'


@pytest.fixture(scope="module")
def import_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    root = tmp_path_factory.mktemp("import_e2e")
    raw = root / "raw"
    raw.mkdir()
    for p in sorted((ROOT / "data" / "raw").glob("*.txt")):
        shutil.copy(p, raw / p.name)
    warehouse = root / "warehouse"
    build(raw, warehouse, workers=1)
    with serving(warehouse, root / "streamlit.log", raw=raw) as url:  # BUDGET_RAW: the page writes there
        yield url, raw, warehouse


def files_in(raw: Path) -> dict[str, int]:
    return {p.relative_to(raw).as_posix(): p.stat().st_size for p in raw.rglob("*") if p.is_file()}


def test__import_journey(page, import_server, tmp_path: Path) -> None:
    url, raw, warehouse = import_server
    seeds = files_in(raw)
    page.goto(f"{url}/import")
    settle(page, since=0)
    shows(page, "数据导入", "此时尚未保存")
    assert page.locator('[data-testid="stMetric"]').count() == 0  # no preview without an upload

    # Upload the real PDF: the preview says what was recognised, before anything is stored.
    page.locator(UPLOAD_INPUT).set_input_files(str(JUSTICE))
    shows(page, "识别结果", "上海市普陀区司法局", "可以加入")
    settle(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="标准表格")
    expect(metric).to_contain_text("9/9")
    preview = page.locator(MAIN).inner_text()
    assert "部门预算" in preview and "2026" in preview and "普陀区" in preview
    assert "None" not in preview
    assert files_in(raw) == seeds  # nothing stored yet
    assert_clean(page, "preview")
    # Streamlit scrolls inside its own container: the viewport must be tall enough for the whole page.
    for width, height in ((1400, 2200), (400, 3600)):
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        screenshot(page, f"import_preview_{width}")
    page.set_viewport_size({"width": 1440, "height": 2200})
    settle(page)

    # Add it: saved under a generated name, the build swapped in, the time reported.
    page.get_by_role("button", name="加入数据库").click()
    shows(page, "已加入数据库", timeout=180_000)
    shows(page, "用时")
    added = sorted(set(files_in(raw)) - set(seeds))
    assert len(added) == 1 and added[0].startswith("upload_") and added[0].endswith("_budget_2026.pdf")
    assert (raw / added[0]).read_bytes() == JUSTICE.read_bytes()
    assert added[0] in load.read_table(warehouse, "documents")["source_file"].to_list()
    assert_clean(page, "after add")
    screenshot(page, "import_added")

    # 数据质量 lists the new document by the name an official uses.
    navigate(page, "数据质量", "quality")  # by the sidebar's link: no reload of the app's scripts
    shows(page, "数据质量", LABEL)
    assert_clean(page, "数据质量")

    # A web page saved as fake.pdf: refused in Chinese, nothing stored.
    before = files_in(raw)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>not found</body></html>\n")
    navigate(page, "数据导入", "import")  # a new visit: the uploader starts empty
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.locator(UPLOAD_INPUT).set_input_files(str(fake))
    shows(page, "文件类型不符", "网页", "没有可以加入的文件")
    settle(page)
    assert page.get_by_role("button", name="加入数据库").count() == 0
    assert files_in(raw) == before
    assert_clean(page, "refusal")
    screenshot(page, "import_refused")
