"""Costly files are refused cheaply, and odd encodings are read or refused for the right reason (issue 17, items 6 and 8).

Every input is made here in tmp_path: a million-row XLSX is written as sheet XML with
zipfile (openpyxl would take a minute), a 20 MB one-line text, the 松江 2021 seed in
UTF-16 of both byte orders with and without BOM, a Big5 text. The preview's child
process is driven with stand-in readers (``costly_targets``) and tiny limits.
"""

from __future__ import annotations

import shlex
import zipfile
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, importer, preview_process
from etl.build import process_document
from etl.readers import UnreadableDocument, decode_document, limits, read_document
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "streamlit_app.py"
SONGJIANG_2021 = SEEDS["songjiang_2021"]
TARGETS = "tests.reliability.costly_targets"

# --- an XLSX written as XML ------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rows: int, dimension: str | None, first: list[str] | None = None) -> bytes:
    """A sheet of ``rows`` rows holding a number each in A and B, or the given texts in row 1 onwards."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    if first is not None:
        body = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{text}</t></is></c>'
            f'<c r="B{r}"><v>{r}</v></c></row>'
            for r, text in enumerate(first, start=1)
        )
    else:
        body = "".join(
            f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
            for r in range(1, rows + 1)
        )
    return (head + "<sheetData>" + body + "</sheetData></worksheet>").encode()


def workbook(path: Path, sheets: dict[str, bytes]) -> bytes:
    """An XLSX package of the given sheet XML parts, as Excel lays it out."""
    n = range(1, len(sheets) + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=i) for i in n))
        )
        z.writestr("_rels/.rels", _ROOT_RELS)
        entries = "".join(
            f'<sheet name="{title}" sheetId="{i}" r:id="rId{i}"/>' for i, title in zip(n, sheets, strict=True)
        )
        z.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=entries))
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(rels="".join(_SHEET_REL.format(n=i) for i in n)),
        )
        for i, xml in zip(n, sheets.values(), strict=True):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path.read_bytes()


FORM = ["财政项目支出绩效自评表", "项目名称", "主管部门", "年度总体目标", "项目资金（万元）"]


def test__xlsx_of_a_million_rows_is_refused_from_its_sheet_xml(tmp_path: Path) -> None:
    data = workbook(tmp_path / "million.xlsx", {"Sheet1": sheet_xml(1_000_000, "A1:B1000000")})
    with pytest.raises(UnreadableDocument) as refused:
        read_document("million.xlsx", data)
    message = str(refused.value)
    # The pre-check's words, not openpyxl's nor sheet_too_large's ('有 1000000 行 × 2 列'): the cheap path.
    assert "文件过大或过于复杂" in message and f"超过 {limits.MAX_SHEET_ROWS:,} 行" in message
    assert "A1:B1000000" in message and "“Sheet1”" in message and "未读取" in message
    preview = importer.read_upload("百万行.xlsx", data)
    assert preview.refusal and f"超过 {limits.MAX_SHEET_ROWS:,} 行" in preview.refusal
    assert "未保存" in preview.refusal


@pytest.mark.parametrize("dimension", [None, "A1"], ids=["no_dimension", "dimension_says_one_cell"])
def test__xlsx_rows_are_counted_when_the_dimension_is_missing_or_wrong(tmp_path: Path, dimension) -> None:
    data = workbook(tmp_path / "big.xlsx", {"数据": sheet_xml(limits.MAX_SHEET_ROWS + 1, dimension)})
    with pytest.raises(UnreadableDocument, match=f"超过 {limits.MAX_SHEET_ROWS:,} 行"):
        read_document("big.xlsx", data)


def test__a_huge_sheet_beside_a_form_loses_only_itself(tmp_path: Path) -> None:
    sheets = {"自评表": sheet_xml(0, "A1:B5", first=FORM), "明细": sheet_xml(limits.MAX_SHEET_ROWS + 1, None)}
    doc = read_document("two.xlsx", workbook(tmp_path / "two.xlsx", sheets))
    assert [p.name for p in doc.pages] == ["自评表", "明细"]
    assert any("财政项目支出绩效自评表" in c.text for t in doc.tables for row in t.rows for c in row)
    (check,) = [c for c in doc.checks if c.check == "page_unreadable"]
    assert (
        check.page == 2
        and "“明细”" in check.message
        and f"超过 {limits.MAX_SHEET_ROWS:,} 行" in check.message
    )


def test__a_workbook_of_several_large_sheets_is_refused_as_a_whole(tmp_path: Path) -> None:
    rows = limits.MAX_CELLS // 2 - 1  # two cells a row: each sheet just under the per-sheet limits
    sheets = {f"表{i}": sheet_xml(rows, None) for i in range(1, 4)}
    with pytest.raises(UnreadableDocument) as refused:
        read_document("three.xlsx", workbook(tmp_path / "three.xlsx", sheets))
    assert f"共有 {3 * rows * 2:,} 个单元格" in str(refused.value)
    assert f"{limits.MAX_WORKBOOK_CELLS:,} 个的上限" in str(refused.value)


def test__a_merged_range_covering_the_whole_sheet_is_refused_before_loading(tmp_path: Path) -> None:
    xml = sheet_xml(0, "A1:B5", first=FORM).replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="C1:XFD1048576"/></mergeCells>'
    )
    with pytest.raises(UnreadableDocument, match="合并单元格"):
        read_document("merged.xlsx", workbook(tmp_path / "merged.xlsx", {"Sheet1": xml}))


# --- text --------------------------------------------------------------------------------------


def test__a_20_mb_one_line_text_is_refused_before_decoding() -> None:
    data = b"a" * (20 * 1024 * 1024)
    with pytest.raises(UnreadableDocument) as refused:
        read_document("one_line.txt", data)
    message = str(refused.value)
    assert "文件过大或过于复杂" in message and f"{limits.MAX_TEXT_BYTES // limits.MB} MB" in message
    assert "20.0 MB" in message
    outcome = process_document("one_line.txt", data)  # what `python -m etl build` does with it
    assert outcome["document"]["status"] == "failed" and "文件过大" in outcome["document"]["error"]


def test__a_tab_separated_line_of_a_million_cells_is_refused_by_its_length() -> None:
    data = b"12.5\t" * 800_000  # 4 MB, under the size limit: one grid row of 800,000 cells
    with pytest.raises(UnreadableDocument) as refused:
        read_document("one_row.txt", data)
    assert f"{limits.MAX_LINE_CHARS:,} 个字符" in str(refused.value) and "第 1 行" in str(refused.value)


def test__a_tab_separated_table_beyond_the_cell_limit_is_refused() -> None:
    row = "\t".join(["1"] * 400)
    data = ("标题\n" + "\n".join([row] * 1_000)).encode()  # 1,000 lines × 400 cells, 0.8 MB
    with pytest.raises(UnreadableDocument, match=f"{limits.MAX_CELLS:,} 个单元格"):
        read_document("grid.txt", data)


# --- encodings ---------------------------------------------------------------------------------


def comparable(outcome: dict[str, Any]) -> dict[str, Any]:
    """Everything the build keeps of a document except what the bytes themselves are."""
    document = {k: v for k, v in outcome["document"].items() if k not in ("sha256", "encoding")}
    return {**{k: v for k, v in outcome.items() if k != "document"}, "document": document}


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no_bom"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test__utf16_seed_gives_what_its_utf8_gives(codec: str, bom: bool) -> None:
    text = SONGJIANG_2021.read_text(encoding="utf-8")
    data = ("\ufeff" if bom else "").encode(codec) + text.encode(codec)
    original = process_document(SONGJIANG_2021.name, SONGJIANG_2021.read_bytes())
    outcome = process_document(SONGJIANG_2021.name, data)
    assert outcome["document"]["encoding"] == codec
    assert outcome["document"]["status"] == original["document"]["status"] == "ok"
    assert len(outcome["projects"]) == len(original["projects"]) > 0
    assert comparable(outcome) == comparable(original)
    assert decode_document(data).text == text.replace("\r\n", "\n")


def test__utf16_without_bom_is_told_from_binary_by_its_nuls() -> None:
    """Prose with few ASCII characters is still UTF-16; 16-bit counters, NULs alike, decode to control characters."""
    text = (
        "部门预算编制说明\n一、部门主要职能\n负责本区政务服务中心的运行管理和综合协调工作。\n二、机构设置\n"
    )
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_document(text.encode(codec))
        assert (decoded.text, decoded.encoding) == (text, codec)
    counters = b"".join(i.to_bytes(2, "little") for i in range(1, 2000))
    with pytest.raises(UnreadableDocument, match="二进制"):
        decode_document(counters)


BIG5_TEXT = (
    "上海市松江區行政服務中心\n2021年度項目支出績效自評表\n單位：萬元\n"
    "項目名稱\t年初預算數\t全年執行數\t執行率\n政務服務大廳運行維護\t120.00\t118.50\t98.75%\n"
    "說明：本項目績效目標全部完成，資金使用規範，群眾滿意度達到預期。\n"
)


def test__big5_is_refused_as_an_encoding_and_gb18030_is_still_read() -> None:
    with pytest.raises(UnreadableDocument) as refused:
        read_document("big5.txt", BIG5_TEXT.encode("big5"))
    message = str(refused.value)
    assert "Big5" in message and "UTF-8" in message and "繁体" in message
    assert "二进制" not in message
    for path in SEEDS.values():  # GB18030 text of the seeds is never taken for Big5
        text = path.read_text(encoding="utf-8")
        decoded = decode_document(text.encode("gb18030"))
        assert decoded.encoding == "gb18030" and decoded.text == text


# --- the preview's child process ---------------------------------------------------------------


def test__preview_child_is_killed_at_its_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(preview_process.TooCostly) as refused:
        preview_process.process_limited(
            "x.txt", str(pid_file).encode(), seconds=2, target=f"{TARGETS}:sleeping"
        )
    assert "文件过大或过于复杂" in str(refused.value) and "2 秒" in str(refused.value)
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists()  # killed and reaped, not left sleeping

    monkeypatch.setattr(preview_process, "TARGET", f"{TARGETS}:sleeping")
    monkeypatch.setattr(limits, "READ_SECONDS", 2)
    preview = importer.read_upload("慢.txt", str(tmp_path / "pid2").encode())
    assert preview.refusal and "超过 2 秒" in preview.refusal and "未保存" in preview.refusal
    assert not Path(f"/proc/{int((tmp_path / 'pid2').read_text())}").exists()


def test__preview_child_is_refused_at_its_memory_limit() -> None:
    with pytest.raises(preview_process.TooCostly) as refused:
        preview_process.process_limited("x.txt", b"x", memory_bytes=1024**3, target=f"{TARGETS}:greedy")
    assert "内存" in str(refused.value) and "1 GB" in str(refused.value)


def test__preview_child_gives_what_process_document_gives() -> None:
    data = SONGJIANG_2021.read_bytes()
    assert preview_process.process_limited("x.txt", data) == process_document("x.txt", data)


# --- the pages ---------------------------------------------------------------------------------


def test__warehouse_missing_names_the_raw_folder_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty, corpus = tmp_path / "nowhere", tmp_path / "区里的文件"
    empty.mkdir()
    corpus.mkdir()
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(empty))
    monkeypatch.setenv("BUDGET_RAW", str(corpus))
    command = f"python -m etl build --raw {shlex.quote(str(corpus))} --out {empty}"
    assert db.build_command() == command
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception
    assert command in at.error[0].value and [c.value for c in at.code] == [command]
    monkeypatch.setenv("BUDGET_RAW", "data/其他")  # relative: from the project folder, where the command runs
    assert db.build_command() == f"python -m etl build --raw 'data/其他' --out {empty}"


def test__import_page_says_the_browser_limit_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_warehouse: Path
) -> None:
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(seed_warehouse))
    monkeypatch.setenv("BUDGET_RAW", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("app_pages/data_import.py").run()
    assert not at.exception
    cap = f"{importer.UPLOAD_CAP_MB} MB"
    captions = [c.value for c in at.caption]
    assert any(cap in c and "无法上传" in c for c in captions), captions
    assert importer.UPLOAD_CAP_MB > importer.MAX_BYTES // importer.MB  # our own 50 MB check speaks first
    assert at.file_uploader[0].proto.max_upload_size_mb == importer.UPLOAD_CAP_MB
    # A chip the browser refused says so in Chinese beside the file name (CSS: AppTest cannot draw it).
    styles = [e.proto.body for e in at.get("html")]
    assert any(
        "stFileChipIconError" in body and f"超过 {importer.UPLOAD_CAP_MB} MB" in body for body in styles
    )
