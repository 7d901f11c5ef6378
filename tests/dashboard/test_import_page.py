"""数据导入 through streamlit.testing.v1.AppTest, on a temporary corpus and warehouse.

AppTest in Streamlit 1.67 can upload (FileUploader.set_value / upload), so the preview,
a refusal, an add and a remove are all driven here. BUDGET_RAW and BUDGET_WAREHOUSE point
at a copy of the seed text files and a warehouse built from them; data/ is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, importer, state
from etl import load
from etl.build import build

from .conftest import APP, as_read

ROOT = Path(__file__).resolve().parents[2]
JUSTICE = ROOT / "tests" / "cases" / "real" / "putuo_justice_bureau_2026_department_budget.pdf"
WEBPAGE = b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>not found</body></html>\n"
TIMEOUT = 90


@pytest.fixture()
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted((ROOT / "data" / "raw").glob("*.txt")):
        shutil.copy(p, raw / p.name)
    wh = tmp_path / "warehouse"
    build(raw, wh, workers=1)
    monkeypatch.setenv("BUDGET_RAW", str(raw))
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(wh))
    return raw, wh


def open_import() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/data_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.success, *at.error, *at.warning, *at.info)]
    return "\n".join(parts)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def test__page__renders_its_instructions_and_no_preview_without_upload(corpus) -> None:
    at = open_import()
    assert at.title[0].value == "数据导入"
    body = texts(at)
    assert "部门决算、部门预算、绩效自评表或绩效目标申报表" in body
    assert "不超过 50 MB" in body and "此时尚未保存" in body
    assert "PDF、Word（DOCX、DOC 或 WPS）、Excel（XLSX 或 XLS）或文本文件" in body  # the types accepted
    assert at.file_uploader[0].label == "选择要导入的文件（可多选，单个文件不超过 50 MB）"
    assert at.file_uploader[0].accept_multiple_files
    assert not at.get("progress") and not metrics(at)
    assert "加入数据库" not in [b.label for b in at.button]
    assert "识别结果" not in body
    assert "还没有通过本页导入的文件。" in body
    assert not at.warning  # the warehouse was built from this raw folder


def test__page__warns_when_the_warehouse_was_built_from_another_folder(corpus, tmp_path, monkeypatch) -> None:
    other = tmp_path / "other_raw"
    other.mkdir()
    monkeypatch.setenv("BUDGET_RAW", str(other))
    at = open_import()
    warnings = [w.value for w in at.warning]
    assert any(str(other) in w and "BUDGET_RAW" in w for w in warnings), warnings


def test__page__previews_an_upload_then_adds_it(corpus) -> None:
    raw, wh = corpus
    at = open_import()
    at.file_uploader[0].set_value(("司法局2026预算.pdf", JUSTICE.read_bytes(), "application/pdf")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("progress")  # one step per file
    body = texts(at)
    assert "类型 **部门预算**" in body and "年度 **2026**" in body and "上海市普陀区司法局" in body
    assert "区 **普陀区**" in body
    m = metrics(at)
    assert m["标准表格（找到/应有）"] == "9/9" and m["预算数字行"] == "360"
    checks = [df.value for df in at.dataframe if "title" in df.value.columns]
    assert checks and "多余的空表页" in checks[0]["title"].tolist()
    assert set(checks[0]["severity"]) <= {"错误", "警告", "提示"}
    assert "None" not in body
    assert importer.imported_files(raw) == []  # nothing stored before the button

    button(at, "加入数据库").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = [s.value for s in at.success if s.value.startswith("已加入数据库")]
    assert done and "上海市普陀区司法局 2026年 部门预算" in done[0] and "用时" in done[0]
    stored = importer.imported_files(raw)
    assert len(stored) == 1 and stored[0].endswith("_budget_2026.pdf")
    assert stored[0] in load.read_table(wh, "documents")["source_file"].to_list()
    assert not metrics(at)  # the uploader was reset: no stale preview
    listed = [df.value for df in at.dataframe if "保存名称" in df.value.columns]
    assert listed and listed[0]["保存名称"].tolist() == stored


def test__page__refuses_an_html_page_named_pdf(corpus) -> None:
    raw, _ = corpus
    before = sorted(p.name for p in raw.iterdir())
    at = open_import()
    at.file_uploader[0].set_value(("fake.pdf", WEBPAGE, "application/pdf")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any("网页" in e and "未保存" in e for e in errors), errors
    assert "加入数据库" not in [b.label for b in at.button]
    assert "没有可以加入的文件" in texts(at)
    assert sorted(p.name for p in raw.iterdir()) == before


def test__page__an_open_session_sees_a_build_made_elsewhere_on_its_next_run(corpus) -> None:
    raw, wh = corpus
    at = open_import()
    assert "还没有通过本页导入的文件。" in texts(at)
    # Another session adds the file; this one only reruns (any interaction does that).
    change = importer.add([importer.read_upload("x.pdf", JUSTICE.read_bytes())], raw, wh)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the new build, named by when it was made (a build id is no word of an official's)
    built = db.current_snapshot(wh).created_at
    assert change.build_id == db.current_snapshot(wh).build_id
    assert f"当前数据更新于 {state.beijing_time(built)}" in texts(at)
    listed = [df.value for df in at.dataframe if "保存名称" in df.value.columns]
    assert listed and listed[0]["文件"].tolist() == ["上海市普陀区司法局 2026年 部门预算"]
    assert listed[0]["读取状态"].tolist() == ["完整读取"]


def test__page__removes_an_imported_file(corpus) -> None:
    raw, wh = corpus
    change = importer.add([importer.read_upload("x.pdf", JUSTICE.read_bytes())], raw, wh)
    at = open_import()
    at.multiselect(key="import_remove_0").set_value(list(change.files)).run()
    button(at, "从数据库移除").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("已从数据库移除") for s in at.success)
    assert importer.imported_files(raw) == []
    assert change.files[0] not in load.read_table(wh, "documents")["source_file"].to_list()


def test__page__removing_a_seed_needs_the_checkbox(corpus) -> None:
    raw, _ = corpus
    seed = "qingpu_government_service_office_2020_final_accounts.txt"
    at = open_import()
    at.multiselect(key="import_seeds_0").set_value([seed]).run()
    assert button(at, "移除原有文件").disabled  # not without the confirmation
    at.checkbox(key="import_seeds_ok_0").check().run()
    assert not button(at, "移除原有文件").disabled
    button(at, "移除原有文件").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not (raw / seed).exists()


def test__page__previews_the_full_name_and_where_each_fact_was_read(corpus) -> None:
    # issue 18: a cover whose department name breaks at a line end previewed "上海市普陀区规划和自然".
    wrapped = ROOT / "tests" / "cases" / "planted" / "identity" / "wrapped_title_final_accounts.pdf"
    at = open_import()
    at.file_uploader[0].set_value(("规划资源局决算.pdf", wrapped.read_bytes(), "application/pdf")).run()
    assert not at.exception, [e.value for e in at.exception]
    body = as_read(texts(at))
    assert "部门 **上海市普陀区规划和自然资源局**" in body
    assert "地区 **上海市**" in body and "范围 部门" in body
    assert "识别依据：" in body and "部门：第1页" in body
    assert "sha256" not in body
