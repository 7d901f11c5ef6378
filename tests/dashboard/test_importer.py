"""dashboard.importer: every refusal, the stored name, the preview of a real file, add and remove.

Everything happens in tmp_path: the seed text files are copied into a temporary raw
folder and a temporary warehouse is built from them; data/raw and data/warehouse are
never touched. The real document is tests/cases/real/putuo_justice_bureau_2026_department_budget.pdf
(上海市普陀区司法局 2026 年区级部门预算, 23 pages, all nine 预算 tables; README: 360 budget lines).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import threading
import time
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader, PdfWriter

from dashboard import db, importer, state
from etl import load
from etl.build import build

ROOT = Path(__file__).resolve().parents[2]
SEED_RAW = ROOT / "data" / "raw"
JUSTICE = ROOT / "tests" / "cases" / "real" / "putuo_justice_bureau_2026_department_budget.pdf"
# An .xls export of the central 预算项目库 (11 sheets of blank templates; tests/cases/real/README.md),
# the 闵行 2022 self-evaluations as an .xls (21 sheets; tests/cases/forms) and a .doc made by LibreOffice.
PKU_XLS = ROOT / "tests" / "cases" / "real" / "central_pku_2019_project_library_export.xls"
CHONGQING_XLSX = ROOT / "tests" / "cases" / "real" / "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx"
SJ2020 = "songjiang_city_operation_center_2020_final_accounts.txt"
MINHANG_XLS = (
    ROOT / "tests" / "cases" / "forms" / "originals" / "minhang_2022_self_evaluation_sheet_per_form.xls"
)
BUDGET_DOC = ROOT / "tests" / "cases" / "old_office" / "budget_table.doc"
QINGPU = "qingpu_government_service_office_2020_final_accounts.txt"
WEBPAGE = (
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>上海市普陀区人民政府</title></head>"
    "<body><p>您访问的页面不存在或已删除。</p></body></html>\n"
).encode()


@pytest.fixture(scope="module")
def justice() -> importer.Preview:
    """The real PDF read once (reading is pure: the preview does not depend on the corpus)."""
    return importer.read_upload("普陀区司法局2026年部门预算.pdf", JUSTICE.read_bytes())


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    """The five seed text files (not the PDFs) in a temporary raw folder."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for p in sorted(SEED_RAW.glob("*.txt")):
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture()
def wh(raw: Path, tmp_path: Path) -> Path:
    out = tmp_path / "warehouse"
    build(raw, out, workers=1)
    return out


def listing(raw: Path) -> dict[str, bytes]:
    """Every file of the raw folder, hidden ones too: a refusal must leave no trace at all."""
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*") if p.is_file()}


def documents(wh: Path) -> pl.DataFrame:
    return load.read_table(wh, "documents")


def encrypted_pdf() -> bytes:
    """Two pages of the real PDF, encrypted with a user password (as in tests/etl/test_reader_bad_files.py)."""
    real = PdfReader(JUSTICE)
    writer = PdfWriter()
    writer.add_page(real.pages[0])
    writer.add_page(real.pages[5])
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def truncated_pdf() -> bytes:
    data = JUSTICE.read_bytes()
    return data[: len(data) // 2]


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x.pdf", "a/b.pdf", "/etc/budget.pdf", "C:\\budget.pdf", "a\\b.pdf", "x\x00.pdf", "..", "", "   "],
)
def test__inspect__refuses_names_with_path_parts(name: str, raw: Path) -> None:
    preview = importer.inspect(name, JUSTICE.read_bytes(), raw)
    assert not preview.accepted
    assert "路径" in preview.refusal and "未保存" in preview.refusal
    assert "\x00" not in preview.refusal  # a NUL is shown as \0, never printed


@pytest.mark.parametrize("name", ["普陀区司法局2026年部门预算.pdf", "budget..final.pdf", "预算 (1).pdf"])
def test__name_refusal__plain_names_pass(name: str) -> None:
    assert importer.name_refusal(name) is None


def test__inspect__refuses_a_file_over_the_limit(raw: Path) -> None:
    data = (SEED_RAW / QINGPU).read_bytes()
    preview = importer.inspect("qingpu.txt", data, raw, max_bytes=len(data) - 1)
    assert not preview.accepted
    assert "过大" in preview.refusal and "MB" in preview.refusal
    assert preview.checks == ()  # refused before it was parsed


def test__inspect__a_file_at_the_limit_is_read(raw: Path) -> None:
    data = (SEED_RAW / QINGPU).read_bytes() + b"\n"  # not a duplicate of the seed
    preview = importer.inspect("qingpu.txt", data, raw, max_bytes=len(data))
    assert preview.accepted, preview.refusal


def test__inspect__refuses_an_empty_file(raw: Path) -> None:
    preview = importer.inspect("empty.pdf", b"", raw)
    assert not preview.accepted and "空" in preview.refusal


def test__inspect__refuses_an_html_page_named_pdf(raw: Path) -> None:
    preview = importer.inspect("fake.pdf", WEBPAGE, raw)
    assert not preview.accepted
    assert "网页" in preview.refusal and "未保存" in preview.refusal


@pytest.mark.parametrize(
    ("make", "words"),
    [(encrypted_pdf, ["加密"]), (truncated_pdf, ["损坏", "不完整"])],
    ids=["encrypted", "truncated"],
)
def test__inspect__refuses_a_broken_or_encrypted_pdf(make, words: list[str], raw: Path) -> None:
    preview = importer.inspect("budget.pdf", make(), raw)
    assert not preview.accepted
    assert preview.document["status"] == "failed"
    assert "未能读入" in preview.refusal
    for word in words:
        assert word in preview.refusal


def test__inspect__refuses_a_damaged_old_office_file_naming_the_accepted_types(raw: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024  # a compound file's magic, no directory
    preview = importer.inspect("budget.xls", data, raw)
    assert not preview.accepted and preview.checks == ()  # refused before it was parsed
    assert "旧版 Office" in preview.refusal and "已损坏" in preview.refusal
    assert "只接受 PDF、Word（DOCX、DOC 或 WPS）、Excel（XLSX 或 XLS）或文本文件" in preview.refusal


def test__inspect__refuses_a_file_with_no_known_table(raw: Path) -> None:
    data = "购物清单\n苹果 3 斤\n牛奶 2 盒\n".encode()
    preview = importer.inspect("shopping.txt", data, raw)
    assert not preview.accepted
    assert "未能读入" in preview.refusal and "识别出任何已知表格" in preview.refusal


def test__inspect__refuses_a_file_already_in_the_corpus_and_names_it(raw: Path) -> None:
    shutil.copy(JUSTICE, raw / JUSTICE.name)
    preview = importer.inspect("另存的副本.pdf", JUSTICE.read_bytes(), raw)
    assert not preview.accepted
    assert JUSTICE.name in preview.refusal and "已有同一文件" in preview.refusal


def test__add__refuses_a_refused_preview_and_stores_nothing(raw: Path, wh: Path) -> None:
    before, build_id = listing(raw), db.current_snapshot(wh).build_id
    preview = importer.inspect("fake.pdf", WEBPAGE, raw)
    with pytest.raises(importer.Refused, match="网页"):
        importer.add([preview], raw, wh)
    assert listing(raw) == before
    assert db.current_snapshot(wh).build_id == build_id


def test__add__refuses_the_same_bytes_twice_in_one_batch(
    justice: importer.Preview, raw: Path, wh: Path
) -> None:
    before = listing(raw)
    twin = importer.read_upload("copy.pdf", JUSTICE.read_bytes())
    with pytest.raises(importer.Refused, match="内容相同"):
        importer.add([justice, twin], raw, wh)
    assert listing(raw) == before


# --- the stored name ----------------------------------------------------------------------


def test__stored_name__is_made_from_the_bytes_and_what_was_read() -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    assert importer.stored_name(sha, "budget", 2026, "pdf") == f"upload_{sha[:12]}_budget_2026.pdf"
    assert importer.stored_name(sha, "final_accounts", 2024, "docx").endswith("_final_accounts_2024.docx")
    assert importer.stored_name(sha, None, None, "text") == f"upload_{sha[:12]}_unknown_noyear.txt"
    hostile = importer.stored_name(sha, "../Budget/", 99999, "exe")
    assert hostile == f"upload_{sha[:12]}_udget_noyear.txt"  # only [a-z_] of the kind survives


def test__stored_name__old_formats_keep_the_extension_their_bytes_say() -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    xls = importer.stored_name(sha, "self_evaluation", 2019, "xls")
    doc = importer.stored_name(sha, "budget", 2024, "doc")
    assert (xls, doc) == (f"upload_{sha[:12]}_self_evaluation_2019.xls", f"upload_{sha[:12]}_budget_2024.doc")
    assert importer.is_imported(xls) and importer.is_imported(doc)
    assert importer.TYPE_WORDS["xls"] == "Excel（XLS）" and importer.TYPE_WORDS["doc"] == "Word（DOC/WPS）"


def test__read_upload__a_wps_is_stored_as_the_word_file_it_is() -> None:
    # WPS 文字 saves .wps in Word's binary format: the bytes say .doc, so it is kept as .doc.
    preview = importer.read_upload("预算.wps", BUDGET_DOC.read_bytes())
    assert preview.file_type == "doc"
    assert preview.stored_name.endswith(".doc") and "预算" not in preview.stored_name


def test__add__an_xls_upload_is_read_stored_and_built(raw: Path, wh: Path) -> None:
    # The workbook holds the 闵行 2022 forms: without the text of the same forms in the corpus,
    # or it would be refused as a copy (test__preview__a_copy_with_other_bytes_is_refused).
    (raw / "minhang_city_operation_center_2022_self_evaluation.txt").unlink()
    build(raw, wh, workers=1)
    data = MINHANG_XLS.read_bytes()
    preview = importer.inspect("闵行城运中心2022绩效自评.xls", data, raw)
    assert preview.accepted, preview.refusal
    d = preview.document
    assert (d["file_type"], d["n_pages"], d["n_projects"]) == ("xls", 21, 21)
    sha = hashlib.sha256(data).hexdigest()
    assert preview.stored_name.startswith(f"upload_{sha[:12]}_") and preview.stored_name.endswith(".xls")
    change = importer.add([preview], raw, wh)
    assert change.files == (preview.stored_name,)
    assert (raw / preview.stored_name).read_bytes() == data
    row = documents(wh).filter(pl.col("source_file") == preview.stored_name).to_dicts()
    assert [(r["file_type"], r["n_pages"], r["status"]) for r in row] == [("xls", 21, "ok")]


def test__preview__an_xls_of_blank_templates_is_refused_with_the_reason(raw: Path) -> None:
    preview = importer.inspect("北京大学项目库导出.xls", PKU_XLS.read_bytes(), raw)
    assert not preview.accepted
    assert "共 11 个工作表" in preview.refusal and "未保存" in preview.refusal


def test__preview__stored_name_of_the_real_pdf(justice: importer.Preview) -> None:
    sha = hashlib.sha256(JUSTICE.read_bytes()).hexdigest()
    assert justice.stored_name == f"upload_{sha[:12]}_budget_2026.pdf"
    assert "司法局" not in justice.stored_name  # never the uploaded name


# --- the preview of a real file -----------------------------------------------------------


def test__preview__real_budget_pdf(justice: importer.Preview) -> None:
    d = justice.document
    assert justice.accepted, justice.refusal
    assert (d["kind"], d["year"], d["department"], d["district"]) == (
        "budget",
        2026,
        "上海市普陀区司法局",
        "普陀",
    )
    assert (d["status"], d["file_type"], d["n_pages"]) == ("ok", "pdf", 23)
    assert (d["tables_found"], d["tables_expected"], d["tables_missing"]) == (9, 9, None)
    assert (d["n_budget_lines"], d["n_projects"], d["n_indicators"]) == (360, 0, 0)
    assert d["source_file"].startswith("upload_") and "司法局" not in d["source_file"]


def test__preview__checks_carry_title_severity_page_message(justice: importer.Preview) -> None:
    checks = justice.checks
    assert checks
    for c in checks:
        assert c["title"] and c["message"] and c["severity"] in ("error", "warning", "info")
    order = [importer.SEVERITY_ORDER[c["severity"]] for c in checks]
    assert order == sorted(order)  # errors, then warnings, then infos
    # The reviewer's blank table page after the 目录 (README: p. 3).
    blank = [c for c in checks if c["check"] == "blank_table_page"]
    assert [c["source_page"] for c in blank] == [3] and blank[0]["title"] == "多余的空表页"


def test__preview__a_partial_document_may_be_added(raw: Path) -> None:
    # 青浦 2020 is 'partial' (README): a copy with one more line is a new file, still partial.
    data = (SEED_RAW / QINGPU).read_bytes() + b"\n"
    preview = importer.inspect("青浦2020决算.txt", data, raw)
    assert preview.accepted, preview.refusal
    assert preview.document["status"] == "partial"
    # "two rows of its 财政拨款收入支出决算总表 print 3 figures for 4 columns and are not placed"
    assert [c["check"] for c in preview.checks].count("row_not_aligned") == 2
    assert preview.stored_name.endswith("_final_accounts_2020.txt")


# --- add and remove -----------------------------------------------------------------------


def test__add__stores_the_file_and_swaps_in_a_build_listing_it(
    justice: importer.Preview, raw: Path, wh: Path
) -> None:
    old = db.current_snapshot(wh)
    change = importer.add([justice], raw, wh)
    name = justice.stored_name
    assert change.files == (name,) and change.documents == 6 and change.seconds > 0
    assert (raw / name).read_bytes() == JUSTICE.read_bytes()
    assert sorted(listing(raw)) == sorted(
        [*(p.name for p in SEED_RAW.glob("*.txt")), name]
    )  # no temp file left
    docs = documents(wh)
    row = docs.filter(pl.col("source_file") == name).to_dicts()
    assert len(row) == 1
    assert (row[0]["department"], row[0]["year"], row[0]["kind"]) == ("上海市普陀区司法局", 2026, "budget")
    assert docs.height == 6
    new = db.current_snapshot(wh)
    assert new.build_id == change.build_id != old.build_id and name in new.files
    assert old.path.is_dir()  # the old build stays for a session still reading it


def test__add__every_session_sees_the_new_build_on_its_next_run(
    justice: importer.Preview, raw: Path, wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The entry file calls state.snapshot() on every run; it resolves the link each time (no cache).
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(wh))
    before = state.snapshot().build_id
    change = importer.add([justice], raw, wh)
    after = state.snapshot()
    assert after.build_id == change.build_id != before
    assert justice.stored_name in after.files


def test__add__the_same_file_again_is_refused_naming_the_stored_file(
    justice: importer.Preview, raw: Path, wh: Path
) -> None:
    importer.add([justice], raw, wh)
    again = importer.inspect("再传一次.pdf", JUSTICE.read_bytes(), raw)
    assert not again.accepted and justice.stored_name in again.refusal
    with pytest.raises(importer.Refused, match=justice.stored_name):
        importer.add([justice], raw, wh)  # a stale preview is checked again under the lock


def test__remove__an_imported_file_leaves_the_folder_and_the_build(
    justice: importer.Preview, raw: Path, wh: Path
) -> None:
    importer.add([justice], raw, wh)
    assert importer.imported_files(raw) == [justice.stored_name]
    change = importer.remove([justice.stored_name], raw, wh)
    assert not (raw / justice.stored_name).exists()
    assert importer.imported_files(raw) == []
    docs = documents(wh)
    assert justice.stored_name not in docs["source_file"].to_list() and docs.height == 5
    assert db.current_snapshot(wh).build_id == change.build_id


def test__remove__a_seed_file_needs_the_confirmation(raw: Path, wh: Path) -> None:
    build_id = db.current_snapshot(wh).build_id
    with pytest.raises(importer.Refused, match="确认"):
        importer.remove([QINGPU], raw, wh)
    assert (raw / QINGPU).is_file() and db.current_snapshot(wh).build_id == build_id
    importer.remove([QINGPU], raw, wh, seeds_confirmed=True)
    assert not (raw / QINGPU).exists()
    assert QINGPU not in documents(wh)["source_file"].to_list()


@pytest.mark.parametrize("name", ["../raw/" + QINGPU, "nothing.pdf", "/etc/passwd"])
def test__remove__only_names_the_folder_lists(name: str, raw: Path, wh: Path) -> None:
    before = listing(raw)
    with pytest.raises(importer.Refused, match="没有文件"):
        importer.remove([name], raw, wh, seeds_confirmed=True)
    assert listing(raw) == before


# --- failure and concurrency --------------------------------------------------------------


def test__remove__a_failed_rebuild_puts_the_files_back(raw: Path, wh: Path) -> None:
    before, build_id = listing(raw), db.current_snapshot(wh).build_id
    with pytest.raises(importer.ImportFailed, match="恢复原样"):
        importer.remove(sorted(listing(raw)), raw, wh, seeds_confirmed=True)  # nothing left to build
    assert listing(raw) == before
    assert db.current_snapshot(wh).build_id == build_id


def test__add__a_failed_rebuild_leaves_no_file(
    justice: importer.Preview, raw: Path, wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, build_id = listing(raw), db.current_snapshot(wh).build_id

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(importer, "build", broken)
    with pytest.raises(importer.ImportFailed, match="disk full"):
        importer.add([justice], raw, wh)
    assert listing(raw) == before
    assert db.current_snapshot(wh).build_id == build_id


def test__add__waits_for_the_lock_and_gives_up_with_a_message(
    justice: importer.Preview, raw: Path, wh: Path
) -> None:
    before = listing(raw)
    with importer.corpus_lock(wh), pytest.raises(importer.ImportFailed, match="另一位用户"):
        importer.add([justice], raw, wh, timeout=0.3)
    assert listing(raw) == before


def test__add__two_sessions_at_once_build_one_after_the_other_and_both_land(
    justice: importer.Preview, raw: Path, wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qingpu = importer.read_upload("重庆.xlsx", CHONGQING_XLSX.read_bytes())  # a document the corpus lacks
    errors: list[BaseException] = []
    spans: list[tuple[float, float]] = []
    real_build = importer.build

    def timed_build(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real_build(*args, **kwargs)
        finally:
            spans.append((start, time.perf_counter()))

    monkeypatch.setattr(importer, "build", timed_build)
    both_ready = threading.Barrier(2)

    def session(p: importer.Preview) -> None:
        both_ready.wait()  # the two clicks at the same moment
        try:
            importer.add([p], raw, wh)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(p,)) for p in (justice, qingpu)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    (a_start, a_end), (b_start, b_end) = sorted(spans)
    assert a_end <= b_start, "two builds ran at the same time"
    assert sorted(importer.imported_files(raw)) == sorted([justice.stored_name, qingpu.stored_name])
    listed = documents(wh)["source_file"].to_list()
    assert justice.stored_name in listed and qingpu.stored_name in listed  # the later build has both
    assert not [n for n in listing(raw) if n.startswith(".")]


def test__add__refuses_when_the_raw_folder_is_missing(
    justice: importer.Preview, tmp_path: Path, wh: Path
) -> None:
    build_id = db.current_snapshot(wh).build_id
    missing = tmp_path / "no_such_raw"
    with pytest.raises(importer.Refused, match="不存在"):
        importer.add([justice], missing, wh)
    assert not missing.exists() and db.current_snapshot(wh).build_id == build_id


def test__built_from__names_the_raw_folder_of_the_current_build(raw: Path, wh: Path) -> None:
    assert importer.built_from(wh) == raw
    assert importer.built_from(wh.parent / "nothing_here") is None


def test__raw_path__from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BUDGET_RAW", str(tmp_path / "elsewhere"))
    assert importer.raw_path() == tmp_path / "elsewhere"
    monkeypatch.setenv("BUDGET_RAW", "data/other")
    assert importer.raw_path() == ROOT / "data" / "other"
    monkeypatch.delenv("BUDGET_RAW")
    assert importer.raw_path() == ROOT / "data" / "raw"


# --- the same document with other bytes; another version of it -----------------------------------


def test__preview__a_copy_with_other_bytes_is_refused_naming_the_file(raw: Path, wh: Path) -> None:
    # 松江 2020 决算 saved again as GB18030: other bytes, the same department, year and figures
    data = (SEED_RAW / SJ2020).read_text(encoding="utf-8").encode("gb18030")
    preview = importer.inspect("松江2020决算（另存）.txt", data, raw, warehouse=wh)
    assert not preview.accepted
    assert SJ2020 in preview.refusal and "所有数字相同" in preview.refusal and "未重复保存" in preview.refusal
    before = listing(raw)
    with pytest.raises(importer.Refused, match="所有数字相同"):
        importer.add([importer.read_upload("松江2020决算（另存）.txt", data)], raw, wh)
    assert listing(raw) == before


def test__add__a_corrected_version_counts_and_the_official_can_choose_back(raw: Path, wh: Path) -> None:
    # line 953 of the seed: 301 工资福利支出 1,963.09 万元; the corrected file prints 1,963.19
    text = (SEED_RAW / SJ2020).read_text(encoding="utf-8").replace("1,963.09", "1,963.19", 1)
    preview = importer.inspect("松江2020决算（更正）.txt", text.encode("utf-8"), raw, warehouse=wh)
    assert preview.accepted and SJ2020 in (preview.notice or "") and "数字不同" in preview.notice
    importer.add([preview], raw, wh)

    def wages() -> list[tuple[str, Decimal]]:
        lines = load.read_table(wh, "budget_lines").filter(
            (pl.col("code") == "301")
            & pl.col("statement").str.ends_with("基本支出决算表")
            & (pl.col("department") == "上海市松江区城市运行管理中心")
        )
        return list(lines.select("source_file", "amount_yuan").iter_rows())

    assert wages() == [(preview.stored_name, Decimal("19631900.00"))]
    identity = documents(wh).filter(pl.col("source_file") == SJ2020)["identity"].item()
    change = importer.choose_version(identity, SJ2020, raw, wh)
    assert change.files == (SJ2020,)
    assert wages() == [(SJ2020, Decimal("19630900.00"))]
    with pytest.raises(importer.Refused, match="没有文件"):
        importer.choose_version(identity, "../etc/passwd", raw, wh)


def test__add__an_unwritable_data_folder_is_said_in_chinese(
    justice: importer.Preview, raw: Path, wh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl import load
    from etl.errors import WarehouseUnwritable

    def unwritable(*_: object, **__: object) -> None:
        raise WarehouseUnwritable(wh.parent, "目录只读")

    monkeypatch.setattr(load, "warehouse_lock", unwritable)
    monkeypatch.setattr(importer, "warehouse_lock", unwritable)
    with pytest.raises(importer.ImportFailed, match="目录只读；本次未作任何更改"):
        importer.add([justice], raw, wh)


def test__file_sha256__a_file_replaced_keeping_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"6643")
    st = path.stat()
    first = importer.file_sha256(path)
    path.write_bytes(b"6543")  # same size, as cp -p / rsync -a leave it
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert importer.file_sha256(path) == hashlib.sha256(b"6543").hexdigest() != first
