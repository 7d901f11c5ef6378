"""Old Office files: compound files told apart by their streams; .doc and .wps read through LibreOffice.

The compound files of the detection tests are written here (a minimal version-3 compound
file: header, one FAT sector, the directory and streams of 4096 bytes, so no mini stream)
and read back by olefile like any other. budget_table.doc is in tests/cases/old_office/
(its README and make_fixtures.py say how it was made); the cells expected here are the
ones make_fixtures.py writes, typed by hand.

LibreOffice is installed by ``make test`` (Makefile: office-deps), so the tests that
convert require it: without it they fail, they are never skipped.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import time
from pathlib import Path

import polars as pl
import psutil
import pytest

from etl import load
from etl.build import build, process_document
from etl.readers import UnreadableDocument, detect_type, read_document
from etl.readers.doc import read_doc, soffice
from etl.readers.model import DOC, XLS, Document

ROOT = Path(__file__).resolve().parents[2]
BUDGET_DOC = ROOT / "tests" / "cases" / "old_office" / "budget_table.doc"
PKU = ROOT / "tests" / "cases" / "real" / "central_pku_2019_project_library_export.xls"
SEED = ROOT / "data" / "raw" / "songjiang_city_operation_center_2020_final_accounts.txt"

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# --- compound files made here -----------------------------------------------------------------


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3) whose root holds the given streams (4096 bytes or more each)."""
    body, fat, starts = b"", [], []
    for data in streams.values():
        assert len(data) >= 4096  # below the cutoff a stream would live in the mini stream
        padded = data + b"\0" * (-len(data) % SECTOR)
        first, n = len(fat), len(padded) // SECTOR
        starts.append(first)
        fat += [first + i + 1 for i in range(n - 1)] + [END]
        body += padded
    entries = [_entry("Root Entry", 5, child=1 if streams else NOSTREAM, start=END, size=0)]
    for i, (name, data) in enumerate(streams.items()):
        right = i + 2 if i + 1 < len(streams) else NOSTREAM
        entries.append(_entry(name, 2, right=right, start=starts[i], size=len(data)))
    directory = b"".join(entries) + _entry("", 0, start=0, size=0) * (-len(entries) % 4)
    dir_start, n_dir = len(fat), len(directory) // SECTOR
    fat += [dir_start + i + 1 for i in range(n_dir - 1)] + [END]
    body += directory
    fat_sector = len(fat)
    fat.append(FATSECT)
    assert len(fat) <= SECTOR // 4
    body += struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<9I", 0, 1, dir_start, 0, 4096, END, 0, END, 0)
    header += struct.pack("<109I", fat_sector, *([FREE] * 108))
    return header + body


def _entry(
    name: str, kind: int, *, right: int = NOSTREAM, child: int = NOSTREAM, start: int, size: int
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
    raw = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
    raw += struct.pack("<III", NOSTREAM, right, child) + b"\0" * 36
    return raw + struct.pack("<II", start, size) + b"\0" * 4


def word_stream(encrypted: bool) -> bytes:
    """A 'WordDocument' stream: the File Information Block's wIdent and flags, then filler."""
    data = bytearray(b"\x11" * 4096)
    struct.pack_into("<HHHHHH", data, 0, 0xA5EC, 0xC1, 0, 0x0804, 0, 0x0100 if encrypted else 0x0200)
    return bytes(data)


FILLER = b"\0" * 4096


# --- telling compound files apart ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("streams", "kind"),
    [
        ({"Workbook": FILLER}, XLS),  # BIFF8: Excel 97-2003, WPS 表格
        ({"Book": FILLER}, XLS),  # BIFF5: Excel 5/95
        ({"WORKBOOK": FILLER}, XLS),  # stream names are case-insensitive
        ({"WordDocument": word_stream(False), "1Table": FILLER}, DOC),  # a .doc, and a WPS 文字 .wps
    ],
    ids=["workbook", "book", "upper_case", "word"],
)
def test__detect_type__compound_file_by_its_streams(streams: dict[str, bytes], kind: str) -> None:
    assert detect_type(compound_file(streams)) == kind


@pytest.mark.parametrize(
    ("streams", "words"),
    [
        ({"EncryptionInfo": FILLER, "EncryptedPackage": FILLER}, ["打开密码", "加密", "DOCX/XLSX"]),
        ({"WordDocument": word_stream(True), "1Table": FILLER}, ["打开密码", "Word（DOC/WPS）"]),
        ({"MN0": FILLER}, ["Microsoft Works", "DOCX 或 PDF"]),
        ({"CONTENTS": FILLER}, ["Microsoft Works"]),
        ({"PowerPoint Document": FILLER}, ["PowerPoint"]),
        ({"Foo": FILLER}, ["没有 Word 或 Excel 内容"]),
    ],
    ids=["encrypted_ooxml", "encrypted_word", "works_4", "works_2000", "powerpoint", "unknown"],
)
def test__detect_type__other_compound_files_are_refused_saying_what_they_are(
    streams: dict[str, bytes], words: list[str]
) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        detect_type(compound_file(streams))
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test__detect_type__damaged_compound_file_is_named_damaged() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    with pytest.raises(UnreadableDocument, match="旧版 Office.*已损坏"):
        detect_type(data)


def test__read_document__truncated_xls_is_named_damaged() -> None:
    data = PKU.read_bytes()
    with pytest.raises(UnreadableDocument) as caught:
        read_document("truncated.xls", data[: len(data) // 2])
    assert "损坏" in str(caught.value)


# --- .doc and .wps through LibreOffice --------------------------------------------------------


def test__libreoffice_is_installed_for_these_tests() -> None:
    # `make test` installs it (office-deps); the .doc tests below need it and must not pass vacuously.
    assert soffice() is not None, "LibreOffice is missing: run `make office-deps`"


@pytest.fixture(scope="module")
def budget_doc() -> Document:
    return read_document("普陀区示例局2024年预算.doc", BUDGET_DOC.read_bytes())


def test__read_doc__cells_and_paragraphs_as_written(budget_doc: Document) -> None:
    assert detect_type(BUDGET_DOC.read_bytes()) == DOC
    assert budget_doc.file_type == DOC
    assert budget_doc.source_file == "普陀区示例局2024年预算.doc"
    assert [(ln.kind, ln.text) for ln in budget_doc.lines] == [
        ("prose", "上海市普陀区示例局2024年部门预算收支总表"),
        ("prose", "单位：万元"),
        # A merged cell's text once, on the row it starts in (项目 across, 收入 down, 合计 across).
        ("row", "项目 | 预算数 | 备注"),
        ("row", "收入 | 财政拨款收入 | 1,234.56 | "),
        ("row", "事业收入 | 78.90 | 含上年结转"),
        ("row", "合计 | 1,313.46 | "),
        ("prose", "说明：本表反映部门年度收支预算总体情况。"),
    ]


def test__read_doc__merged_cells_expanded(budget_doc: Document) -> None:
    (table,) = budget_doc.tables
    assert [c.origin for c in table.rows[0]] == [(0, 0), (0, 0), (0, 2), (0, 3)]  # 项目 across
    assert [table.rows[r][0].origin for r in (1, 2)] == [(1, 0), (1, 0)]  # 收入 down
    assert [table.rows[r][0].text for r in (1, 2)] == ["收入", "收入"]
    assert table.rows[3][1].text == "合计" and not table.rows[3][1].is_origin
    assert table.cell_ref(1, 2) == "表1 第2行第3列"  # a Word table, not a sheet


def test__build__a_doc_refused_for_want_of_libreoffice_is_read_once_it_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The refusal is no fact of the file: the cache must not keep it past the install.
    raw, out, cache_dir = tmp_path / "raw", tmp_path / "wh", tmp_path / "cache"
    raw.mkdir()
    (raw / "budget.doc").write_bytes(BUDGET_DOC.read_bytes())
    (raw / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    installed = shutil.which("soffice")
    monkeypatch.setattr("etl.readers.doc.shutil.which", lambda name: None)
    build(raw, out, workers=1, cache_dir=cache_dir)
    first = load.read_table(out, "documents").filter(pl.col("source_file") == "budget.doc").row(0, named=True)
    assert (first["status"], first["file_type"], first["n_pages"]) == ("failed", None, None)
    assert "未安装 LibreOffice" in first["error"]
    monkeypatch.setattr("etl.readers.doc.shutil.which", lambda name: installed)
    build(raw, out, workers=1, cache_dir=cache_dir)
    again = load.read_table(out, "documents").filter(pl.col("source_file") == "budget.doc").row(0, named=True)
    assert (again["file_type"], again["n_pages"]) == ("doc", 1)  # read this time (its table is no known form)
    assert "LibreOffice" not in (again["error"] or "")


def test__read_document__a_wps_is_read_by_its_bytes_like_a_doc(budget_doc: Document) -> None:
    wps = read_document("预算.wps", BUDGET_DOC.read_bytes())
    assert wps.file_type == DOC
    assert [ln.text for ln in wps.lines] == [ln.text for ln in budget_doc.lines]


def test__read_doc__without_libreoffice_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("etl.readers.doc.shutil.which", lambda name: None)
    with pytest.raises(UnreadableDocument) as caught:
        read_document("budget.doc", BUDGET_DOC.read_bytes())
    message = str(caught.value)
    assert "未安装 LibreOffice" in message and "libreoffice-writer-nogui" in message
    assert "另存为 DOCX 或 PDF" in message
    out = process_document("budget.doc", BUDGET_DOC.read_bytes())
    assert out["document"]["status"] == "failed"
    assert [c["check"] for c in out["checks"]] == ["file_unreadable"]
    assert "未安装 LibreOffice" in out["checks"][0]["message"]


def test__read_doc__a_failed_conversion_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr("etl.readers.doc.shutil.which", lambda name: false)  # exits 1, writes nothing
    with pytest.raises(UnreadableDocument, match="LibreOffice 未能将该旧版 Word（DOC/WPS）文件转换为 DOCX"):
        read_document("budget.doc", BUDGET_DOC.read_bytes())


def test__read_doc__a_damaged_document_converts_to_nothing_and_is_unreadable() -> None:
    data = compound_file({"WordDocument": word_stream(False), "1Table": FILLER})
    with pytest.raises(UnreadableDocument, match="没有任何文字或表格"):
        read_document("damaged.doc", data)


def test__read_doc__timeout_ends_libreoffice_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(UnreadableDocument, match="超过 0.05 秒仍未完成"):
        read_doc("budget.doc", BUDGET_DOC.read_bytes(), timeout=0.05)
    assert _converters_using(tmp_path) == []  # the launcher and soffice.bin were both ended
    assert list(tmp_path.iterdir()) == []  # the profile and the copies are gone


def test__read_doc__a_hung_converter_and_its_children_are_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in that never finishes and leaves a child behind, as soffice.bin outlives its launcher.
    hung = tmp_path / "soffice"
    loop = f"sh -c 'while :; do sleep 1; done' {tmp_path}"  # the folder in its command line, to find it
    hung.write_text(f"#!/bin/sh\n{loop} &\nexec {loop}\n")
    hung.chmod(0o755)
    monkeypatch.setattr("etl.readers.doc.shutil.which", lambda name: str(hung))
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match="已中止"):
        read_doc("budget.doc", BUDGET_DOC.read_bytes(), timeout=0.5)
    assert time.monotonic() - started < 10  # not forever, as the stand-in would take
    assert _converters_using(tmp_path) == []


def _converters_using(folder: Path, wait: float = 5.0) -> list[str]:
    """Command lines of live processes that name the folder (a converter's profile is in it)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for p in psutil.process_iter(["cmdline", "status"]):
            cmdline = " ".join(p.info["cmdline"] or [])
            if str(folder) in cmdline and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(cmdline)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test__read_doc__temporary_folders_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    doc = read_document("budget.doc", BUDGET_DOC.read_bytes())
    assert doc.tables and list(tmp_path.iterdir()) == []


# --- a build over old-format files --------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    root = tmp_path_factory.mktemp("old_office")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    shutil.copy(BUDGET_DOC, raw / "budget_table.doc")
    shutil.copy(BUDGET_DOC, raw / "budget_table_saved_by_wps.wps")
    shutil.copy(PKU, raw / PKU.name)
    (raw / "locked_budget.xlsx").write_bytes(
        compound_file({"EncryptionInfo": FILLER, "EncryptedPackage": FILLER})
    )
    build(raw, root / "warehouse", workers=1)
    return {name: load.read_table(root / "warehouse", name) for name in ("documents", "checks")}


def test__build__old_formats_are_read_by_their_bytes(built: dict[str, pl.DataFrame]) -> None:
    types = dict(built["documents"].select("source_file", "file_type").iter_rows())
    assert types == {
        SEED.name: "text",
        "budget_table.doc": "doc",
        "budget_table_saved_by_wps.wps": "doc",
        PKU.name: "xls",
        "locked_budget.xlsx": None,
    }


def test__build__password_protected_office_file_fails_with_a_reason(built: dict[str, pl.DataFrame]) -> None:
    rows = built["checks"].filter(pl.col("source_file") == "locked_budget.xlsx").to_dicts()
    assert [(r["check"], r["severity"]) for r in rows] == [("file_unreadable", "error")]
    assert "打开密码" in rows[0]["message"]
    doc = built["documents"].filter(pl.col("source_file") == "locked_budget.xlsx").to_dicts()[0]
    assert doc["status"] == "failed" and "打开密码" in doc["error"]
