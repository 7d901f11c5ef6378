"""What a page sends the browser stays small however many documents there are (issue 20, item 4).

Each limit is lowered here so the seeds cross it: the 部门 list follows the chosen 区, long lists
show their first rows and offer the whole list as files, 数据下载 previews its first rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, state, ui

from . import test_pages as pages_test
from .conftest import as_read

PUTUO = ["上海市普陀区人民政府万里街道办事处", "上海市普陀区司法局", "上海市普陀区财政局"]


def open_page(page: str = "overview", params: dict | None = None) -> AppTest:
    at = pages_test.open_page(page, params)
    pages_test.assert_clean(at)
    return at


def departments(at: AppTest):
    return at.sidebar.multiselect(key="w_departments")


def test__department_list__follows_the_district_chosen() -> None:
    at = open_page(params={"district": "普陀"})
    assert departments(at).options == PUTUO
    at.sidebar.multiselect(key="w_districts").set_value(["闵行"]).run()
    assert departments(at).options == ["上海市闵行区城市运行管理中心"]


def test__department_list__too_long_asks_for_a_district_and_keeps_the_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state, "MAX_DEPARTMENT_CHOICES", 3)  # the seeds hold 7 departments
    at = open_page()
    assert departments(at).options == []
    assert any("7 个部门" in c.value and "请先选择区" in c.value for c in at.sidebar.caption)
    at.sidebar.multiselect(key="w_districts").set_value(["普陀"]).run()
    assert departments(at).options == PUTUO  # 3: within the limit
    linked = open_page(params={"department": "上海市普陀区司法局"})  # a link's department, no district
    assert departments(linked).options == ["上海市普陀区司法局"]
    assert departments(linked).value == ["上海市普陀区司法局"]


def _rows(at: AppTest, column: str) -> int:
    return next(df.value.shape[0] for df in at.dataframe if column in df.value.columns)


def test__anomaly_list__first_rows_shown_all_offered_as_files(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = open_page("scores")
    n = _rows(whole, "finding")
    assert n > 2, "the seeds must have more anomalies than the lowered limit"
    assert not any("条异常" in c.value for c in whole.caption)
    monkeypatch.setattr(ui, "MAX_TABLE_PROJECTS", 2)
    at = open_page("scores")
    assert _rows(at, "finding") == 2
    assert any(f"共 {n} 条异常，下表列出前 2 条" in c.value for c in at.caption)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载全部异常 CSV（UTF-8，Excel 可直接打开）" in labels and "下载全部异常 Excel（XLSX）" in labels


def test__readable_table__the_file_holds_every_row_in_yuan_with_chinese_headers() -> None:
    import polars as pl

    rows = pl.DataFrame(
        {
            "project_name": ["甲", "乙", "丙"],
            "budget_full_year_yuan": [1.5, 2.0, 3.25],
            "execution_rate": [0.5, 1.0, None],
        }
    )
    shown, names = ui.readable_table(rows)
    assert shown.height == 3
    assert names[:2] == ["project_name", "budget_full_year_yuan"]
    assert shown.columns[0] == ui.LABELS["project_name"]
    assert shown[shown.columns[1]].to_list() == [1.5, 2.0, 3.25]  # 元 as stored, not 万元


def test__download_page__previews_the_first_rows_the_files_hold_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "PREVIEW_ROWS", 5)
    at = open_page("download")
    assert any("共 54 行" in c.value for c in at.caption)  # 49 seed projects + 5 万里 2023 declarations
    assert any("下表预览前 5 行；下载的文件包含全部 54 行" in c.value for c in at.caption)
    assert at.dataframe[0].value.shape[0] == 5
    assert len(at.get("download_button")) == 2


def test__snapshot__a_rewritten_manifest_is_read_again(tmp_path: Path, warehouse: Path) -> None:
    """The snapshot is kept while the manifest is unchanged, and read again once it changes."""
    import shutil

    build = tmp_path / "build"
    shutil.copytree(warehouse.resolve(), build)
    first = db.current_snapshot(build)
    assert db.current_snapshot(build) is first  # not read twice
    manifest = build / db.MANIFEST
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    meta["build_id"] = "another-build"
    manifest.write_text(json.dumps(meta), encoding="utf-8")
    assert db.current_snapshot(build).build_id == "another-build"
    manifest.unlink()
    with pytest.raises(db.WarehouseMissing):
        db.current_snapshot(build)


def test__quality_sections__a_closed_file_section_is_drawn_when_opened() -> None:
    """数据质量 draws a file's findings when its section is open: 30 tables at every change were
    most of the page's time at 100,000 documents."""
    at = open_page("quality")
    key = "dq_open_putuo_finance_bureau_2024_final_accounts.pdf"  # more than 12 findings: closed at first
    assert at.session_state[key] is False
    source = "来源文件：putuo_finance_bureau_2024_final_accounts.pdf"
    assert not any(as_read(c.value) == source for c in at.caption)
    tables = len(at.dataframe)
    at.session_state[key] = True
    at.run()
    assert len(at.dataframe) == tables + 1
    assert any(as_read(c.value) == source for c in at.caption)


def test__whole_list_file__names_the_files_it_was_read_from_when_asked() -> None:
    """The 来源文件 of a long list's Excel file are found when the file is made, not at every run."""
    import io

    import polars as pl
    from openpyxl import load_workbook

    asked: list[str] = []

    def files() -> list[str]:
        asked.append("asked")
        return [
            "putuo_finance_bureau_2024_final_accounts.pdf",
            "qingpu_government_service_office_2020_final_accounts.txt",
        ]

    frame, names = ui.readable_table(pl.DataFrame({"project_name": ["互联网+政务服务建设经费"]}))
    data = ui._xlsx(frame, names, sheet="异常", about={"区": "全部"}, sources=files)
    notes = [c.value for c in load_workbook(io.BytesIO(data))["说明"]["B"]]
    assert asked == ["asked"]
    assert "putuo_finance_bureau_2024_final_accounts.pdf" in notes
    assert "qingpu_government_service_office_2020_final_accounts.txt" in notes


def test__quality_project_findings__a_short_list_is_open_a_closed_one_is_not_drawn() -> None:
    at = open_page("quality")

    def listed() -> bool:
        return any({"project_name", "message"} <= set(df.value.columns) for df in at.dataframe)

    assert at.session_state["dq_open_projects"] is True  # the seeds' list is short: open at first
    assert listed()
    at.session_state["dq_open_projects"] = False  # the official closes it
    at.run()
    assert not listed()
