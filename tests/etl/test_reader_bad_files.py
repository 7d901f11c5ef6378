"""Bad original files beside a good seed: each gets a clear Chinese check, the build goes on.

Every bad file is made here: a scan made with Pillow, a scanned page put between
real text pages and an encrypted copy made with pypdf, a real PDF cut in half,
an HTML page saved as '.pdf', ZIP packages that are not Office files or whose
XML is garbage, and a workbook that is a shopping list.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import polars as pl
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from etl import load
from etl.build import build
from etl.readers import UnreadableDocument, read_document

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
CASES = ROOT / "tests" / "cases" / "real"
SHARED = Path("/work/shared/real")

GOOD = "songjiang_city_operation_center_2020_final_accounts.txt"
FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"

SCAN = "scanned_final_accounts.pdf"
MIXED = "final_accounts_with_a_scanned_page.pdf"
ENCRYPTED = "encrypted_final_accounts.pdf"
TRUNCATED = "truncated_final_accounts.pdf"
WEBPAGE = "download_page.pdf"
NOT_OFFICE = "photos.docx"
CORRUPT_DOCX = "corrupted_final_accounts.docx"
CORRUPT_XLSX = "corrupted_budget.xlsx"
OLD_OFFICE = "old_format_budget.xlsx"
SHOPPING = "shopping_list.xlsx"


def real_path(name: str) -> Path:
    """A real document: the copy in tests/cases/real, else the shared original."""
    for folder in (CASES, SHARED):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is neither in {CASES} nor in {SHARED}")


# --- making the bad files -------------------------------------------------------------------


def _scan_image() -> Image.Image:
    """A page-sized picture with something drawn on it, as a scanner gives."""
    img = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 80, 535, 120), outline="black", width=3)
    for y in range(160, 760, 40):
        draw.line((60, y, 535, y), fill="black", width=2)
    return img


def scanned_pdf(pages: int = 2) -> bytes:
    first, *rest = [_scan_image() for _ in range(pages)]
    buf = io.BytesIO()
    first.save(buf, "PDF", save_all=True, append_images=rest)
    return buf.getvalue()


def _pdf_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def mixed_pdf() -> bytes:
    """财政局's cover (page 1), a scanned page (page 2), its 收入决算表 (page 8 of the original)."""
    real = PdfReader(real_path(FINANCE))
    scan = PdfReader(io.BytesIO(scanned_pdf(1)))
    writer = PdfWriter()
    writer.add_page(real.pages[0])
    writer.add_page(scan.pages[0])
    writer.add_page(real.pages[7])
    return _pdf_bytes(writer)


def encrypted_pdf() -> bytes:
    real = PdfReader(real_path(FINANCE))
    writer = PdfWriter()
    writer.add_page(real.pages[0])
    writer.add_page(real.pages[7])
    writer.encrypt("secret")
    return _pdf_bytes(writer)


def truncated_pdf() -> bytes:
    data = real_path(FINANCE).read_bytes()
    return data[: len(data) // 2]


WEBPAGE_BYTES = (
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>上海市普陀区人民政府</title></head>"
    "<body><p>您访问的页面不存在或已删除。</p></body></html>\n"
).encode()


def not_office_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photos/readme.txt", "活动照片")
        z.writestr("photos/001.jpg", b"\xff\xd8\xff\xe0not really a jpeg")
    return buf.getvalue()


def _replace_in_zip(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    assert name in src.namelist()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.namelist():
            out.writestr(item, content if item == name else src.read(item))
    return buf.getvalue()


def corrupted_docx() -> bytes:
    """A real Word package whose word/document.xml is garbage."""
    d = docx.Document()
    d.add_paragraph("收入决算表")
    buf = io.BytesIO()
    d.save(buf)
    return _replace_in_zip(buf.getvalue(), "word/document.xml", b"\x00\x01garbage, not XML <w:body")


def _workbook(rows: list[tuple]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def corrupted_xlsx() -> bytes:
    data = _workbook([("收入决算表",), ("单位：万元",)])
    return _replace_in_zip(data, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row")


# A compound file's magic and no directory: a damaged .doc/.xls.
OLD_OFFICE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
SHOPPING_BYTES = _workbook(
    [("购物清单", None, None), ("物品", "数量", "价格"), ("苹果", 3, 12.5), ("牛奶", 2, 8), ("面包", 1, 6.8)]
)

BAD_FILES = {
    SCAN: scanned_pdf,
    MIXED: mixed_pdf,
    ENCRYPTED: encrypted_pdf,
    TRUNCATED: truncated_pdf,
    WEBPAGE: lambda: WEBPAGE_BYTES,
    NOT_OFFICE: not_office_zip,
    CORRUPT_DOCX: corrupted_docx,
    CORRUPT_XLSX: corrupted_xlsx,
    OLD_OFFICE: lambda: OLD_OFFICE_BYTES,
    SHOPPING: lambda: SHOPPING_BYTES,
}


# --- one build over all of them ------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    root = tmp_path_factory.mktemp("bad_originals")
    raw = root / "raw"
    raw.mkdir()
    (raw / GOOD).write_bytes((RAW / GOOD).read_bytes())
    for name, make in BAD_FILES.items():
        (raw / name).write_bytes(make())
    out = root / "warehouse"
    result = build(raw, out, workers=1)
    assert result.documents == 1 + len(BAD_FILES)
    return {name: load.read_table(out, name) for name in ("documents", "checks", "budget_lines")}


def _document(built: dict[str, pl.DataFrame], name: str) -> dict:
    rows = built["documents"].filter(pl.col("source_file") == name).to_dicts()
    assert len(rows) == 1, name
    return rows[0]


def _checks(built: dict[str, pl.DataFrame], name: str) -> list[dict]:
    return built["checks"].filter(pl.col("source_file") == name).to_dicts()


CASES_EXPECTED = [
    # (file, status, check, severity, words the message must hold)
    (SCAN, "failed", "file_unreadable", "error", ["没有文字层", "OCR"]),
    (MIXED, "partial", "page_no_text_layer", "warning", ["第 2 页", "没有文字层"]),
    (ENCRYPTED, "failed", "file_unreadable", "error", ["加密", "密码"]),
    (WEBPAGE, "failed", "file_unreadable", "error", ["网页", "HTML"]),
    (NOT_OFFICE, "failed", "file_unreadable", "error", ["ZIP", "不是 Word（DOCX）或 Excel（XLSX）"]),
    (CORRUPT_DOCX, "failed", "file_unreadable", "error", ["Word（DOCX）", "损坏", "XML"]),
    (CORRUPT_XLSX, "failed", "file_unreadable", "error", ["Excel（XLSX）", "损坏", "XML"]),
    (OLD_OFFICE, "failed", "file_unreadable", "error", ["旧版 Office", "已损坏"]),
    (SHOPPING, "failed", "layout_unknown", "error", ["未在文件中识别出任何已知表格"]),
]


@pytest.mark.parametrize(
    ("name", "status", "check", "severity", "words"), CASES_EXPECTED, ids=[c[0] for c in CASES_EXPECTED]
)
def test__build__bad_file_gets_a_clear_check(
    built: dict[str, pl.DataFrame], name: str, status: str, check: str, severity: str, words: list[str]
) -> None:
    doc = _document(built, name)
    assert doc["status"] == status, (name, doc["status"], doc["error"])
    found = [c for c in _checks(built, name) if c["check"] == check and c["severity"] == severity]
    assert found, (name, [(c["check"], c["message"]) for c in _checks(built, name)])
    assert any(all(w in c["message"] for w in words) for c in found), [c["message"] for c in found]
    if status == "failed":
        assert doc["error"], name
        assert doc["n_budget_lines"] == doc["n_projects"] == doc["n_indicators"] == 0


def test__build__truncated_pdf_is_named_damaged(built: dict[str, pl.DataFrame]) -> None:
    doc = _document(built, TRUNCATED)
    assert doc["status"] in ("failed", "partial")
    errors = [c for c in _checks(built, TRUNCATED) if c["severity"] == "error"]
    assert any("损坏" in c["message"] or "不完整" in c["message"] for c in errors), errors


def test__build__scanned_page_is_named_by_its_page(built: dict[str, pl.DataFrame]) -> None:
    check = next(c for c in _checks(built, MIXED) if c["check"] == "page_no_text_layer")
    assert check["source_page"] == 2
    # The pages around the scan are read: the 收入决算表 (page 3 here) gives its lines.
    lines = built["budget_lines"].filter(pl.col("source_file") == MIXED)
    assert lines.height > 0
    assert set(lines["source_page"].to_list()) == {3}
    assert set(lines["statement"].to_list()) == {"收入决算表"}


def test__build__good_seed_still_ok(built: dict[str, pl.DataFrame]) -> None:
    doc = _document(built, GOOD)
    assert doc["status"] == "ok"
    assert doc["error"] is None
    assert doc["n_budget_lines"] > 0
    assert not [c for c in _checks(built, GOOD) if c["check"] == "file_unreadable"]


def test__build__every_file_is_listed(built: dict[str, pl.DataFrame]) -> None:
    assert sorted(built["documents"]["source_file"].to_list()) == sorted([GOOD, *BAD_FILES])


# --- the same cases at the reader, without a build ------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (SCAN, ["共 2 页", "没有文字层"]),
        (ENCRYPTED, ["加密"]),
        (WEBPAGE, ["网页"]),
        (NOT_OFFICE, ["ZIP"]),
        (CORRUPT_DOCX, ["损坏"]),
        (CORRUPT_XLSX, ["损坏"]),
    ],
)
def test__read_document__bad_file_raises_unreadable_with_reason(name: str, words: list[str]) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(name, BAD_FILES[name]())
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test__read_document__pdf_encrypted_without_user_password_is_read() -> None:
    # An owner password only (printing or copying restricted) does not stop reading.
    real = PdfReader(real_path(FINANCE))
    writer = PdfWriter()
    writer.add_page(real.pages[0])
    writer.encrypt(user_password="", owner_password="owner")
    doc = read_document("restricted.pdf", _pdf_bytes(writer))
    # Page 1 of the original is its cover: 上海市普陀区财政局 / 2024年度部门决算.
    assert [ln.text for ln in doc.lines[:2]] == ["上海市普陀区财政局", "2024年度部门决算"]


def test__read_document__broken_word_package_names_the_missing_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")  # no [Content_Types].xml
    with pytest.raises(UnreadableDocument, match=r"Word（DOCX）文件已损坏或不完整.*Content_Types"):
        read_document("no_parts.docx", buf.getvalue())


def test__read_document__huge_sheet_is_skipped_not_the_workbook() -> None:
    from etl.readers import sheets

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收入决算表"
    ws["A1"], ws["B1"] = "科目名称", "金额"
    big = wb.create_sheet("数据")
    big.cell(row=sheets.MAX_CELLS // 2 + 1, column=3, value="x")  # rows × 3 columns > MAX_CELLS
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_document("huge.xlsx", buf.getvalue())
    assert [t.sheet for t in doc.tables] == ["收入决算表"]
    assert [(c.check, c.page) for c in doc.checks] == [("page_unreadable", 2)]
    assert "远大于任何公开表格" in doc.checks[0].message


def test__read_document__a_reader_crash_becomes_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever a damaged file makes a library raise, the build sees one failed document.
    import etl.readers.xlsx

    def crash(source_file: str, data: bytes) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(etl.readers.xlsx, "read_xlsx", crash)
    with pytest.raises(UnreadableDocument, match=r"读取 Excel（XLSX）文件时出错（IndexError"):
        read_document(SHOPPING, SHOPPING_BYTES)
