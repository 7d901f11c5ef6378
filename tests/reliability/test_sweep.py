"""The bad-input sweep: each kind of file generated here and read as the build reads it.

Every kind asserts its outcome — the document's status, the Chinese reason an official
reads, and for the kinds that are read, the figures — and README's reliability table
(tests/reliability/sweep.py) lists them all with the test that covers each.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest

from dashboard import importer
from etl.build import process_document
from tests.etl.test_reader_bad_files import (
    OLD_OFFICE_BYTES,
    SHOPPING_BYTES,
    WEBPAGE_BYTES,
    corrupted_docx,
    corrupted_xlsx,
    encrypted_pdf,
    mixed_pdf,
    not_office_zip,
    scanned_pdf,
    truncated_pdf,
)
from tests.reliability import sweep
from tests.reliability.test_costly_and_encodings import sheet_xml, workbook

ROOT = Path(__file__).resolve().parents[2]
ORIGINALS = ROOT / "tests" / "cases" / "forms" / "originals"
SJ2021 = ROOT / "data" / "raw" / "songjiang_administrative_service_center_2021_self_evaluation.txt"


def _seed_text() -> str:
    return SJ2021.read_text(encoding="utf-8")


def _xml_bomb_docx() -> bytes:
    """Billion laughs in word/document.xml: ten levels of ten entities each."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    body = (
        '<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(entities) + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    d = docx.Document()
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.namelist():
            z.writestr(item, body.encode() if item == "word/document.xml" else src.read(item))
    return out.getvalue()


def _in_tmp(name: str, sheets: dict[str, bytes]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return workbook(Path(folder) / name, sheets)


def _zip_bomb_xlsx() -> bytes:
    """A workbook whose one sheet unpacks to 100 MB of spaces (about 100 KB packed)."""
    head, tail = sheet_xml(1, None, ["收入决算表"]).split(b"</sheetData>")
    return _in_tmp("bomb.xlsx", {"Sheet1": head + b" " * (100 << 20) + b"</sheetData>" + tail})


def _million_row_xlsx() -> bytes:
    return _in_tmp("million.xlsx", {"Sheet1": sheet_xml(1_000_000, "A1:B1000000")})


def _external_formula_xlsx() -> bytes:
    """The 松江 2021 forms' workbook with one figure turned into a formula on another workbook."""
    data = (ORIGINALS / "songjiang_2021_self_evaluation_stacked.xlsx").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.namelist():
            content = src.read(item)
            if item == "xl/worksheets/sheet1.xml":
                # the first number (D6, 年初预算数 8,340,000) becomes "=[1]预算!C5" with no stored result
                content = re.sub(
                    rb'<c r="([A-Z]+\d+)"((?:(?!t="s")[^>])*)><v>[0-9.]+</v></c>',  # a number, not a shared string
                    lambda m: (
                        b'<c r="'
                        + m.group(1)
                        + b'"'
                        + m.group(2)
                        + b"><f>[1]\xe9\xa2\x84\xe7\xae\x97!C5</f></c>"
                    ),
                    content,
                    count=1,
                )
            z.writestr(item, content)
    return out.getvalue()


def _formulas_without_values() -> bytes:
    return (ORIGINALS / "minhang_2022_self_evaluation_sheet_per_form_uncached.xlsx").read_bytes()


@dataclass(frozen=True)
class FileKind:
    id: str
    name: str  # the file's name, as an official would save it
    make: Callable[[], bytes]
    status: str  # the document's status after the build's reading
    words: tuple[str, ...] = ()  # in the reason (error) or in a check's message
    projects: int | None = None  # for the kinds that are read: how many projects
    refused_at_upload: bool = False  # refused by the import page before any parsing


FILE_KINDS = (
    FileKind("scanned_pdf", "扫描件.pdf", scanned_pdf, "failed", ("文字层",)),
    FileKind("pdf_with_a_scanned_page", "夹扫描页.pdf", mixed_pdf, "partial", ("第 2 页",)),
    FileKind("encrypted_pdf", "加密.pdf", encrypted_pdf, "failed", ("加密",)),
    FileKind("truncated_pdf", "截断.pdf", truncated_pdf, "failed", ("损坏",)),
    FileKind("empty_file", "空.pdf", lambda: b"", "failed", ("空",), refused_at_upload=True),
    FileKind(
        "html_named_pdf", "网页.pdf", lambda: WEBPAGE_BYTES, "failed", ("网页",), refused_at_upload=True
    ),
    FileKind(
        "xml_named_xlsx",
        "导出.xlsx",
        lambda: '<?xml version="1.0" encoding="UTF-8"?><data><row>收入决算表</row></data>'.encode(),
        "failed",
        ("XML",),
        refused_at_upload=True,
    ),
    FileKind("zip_named_docx", "照片.docx", not_office_zip, "failed", ("ZIP",), refused_at_upload=True),
    FileKind("broken_docx", "损坏.docx", corrupted_docx, "failed", ("损坏",)),
    FileKind("broken_xlsx", "损坏.xlsx", corrupted_xlsx, "failed", ("损坏",)),
    FileKind("xml_bomb_docx", "实体炸弹.docx", _xml_bomb_docx, "failed", ("损坏",)),
    FileKind("zip_bomb_xlsx", "压缩炸弹.xlsx", _zip_bomb_xlsx, "failed", ("MB",)),
    FileKind("broken_ole", "损坏.doc", lambda: OLD_OFFICE_BYTES, "failed", ("损坏",)),
    FileKind(
        "old_doc",
        "松江2021自评.doc",
        lambda: (ORIGINALS / "songjiang_2021_self_evaluation_table_per_form.doc").read_bytes(),
        "ok",
        projects=5,
    ),
    FileKind(
        "old_xls",
        "闵行2022自评.xls",
        lambda: (ORIGINALS / "minhang_2022_self_evaluation_sheet_per_form.xls").read_bytes(),
        "ok",
        projects=21,
    ),
    FileKind("utf16_bom", "自评（UTF-16）.txt", lambda: _seed_text().encode("utf-16"), "ok", projects=5),
    FileKind(
        "utf16_no_bom", "自评（UTF-16LE）.txt", lambda: _seed_text().encode("utf-16-le"), "ok", projects=5
    ),
    FileKind("gb18030", "自评（GB18030）.txt", lambda: _seed_text().encode("gb18030"), "ok", projects=5),
    FileKind(
        "big5",
        "自評（Big5）.txt",
        lambda: "上海市松江區行政服務中心 財政項目支出績效自評表，年度總體目標。".encode("big5") * 20,
        "failed",
        ("Big5",),
    ),
    FileKind(
        "binary_named_txt",
        "数据.txt",
        lambda: bytes(range(256)) * 64,
        "failed",
        ("二进制",),
        refused_at_upload=False,
    ),
    FileKind("huge_text", "大文本.txt", lambda: b"x" * (20 << 20), "failed", ("MB",)),
    FileKind("million_row_xlsx", "百万行.xlsx", _million_row_xlsx, "failed", ("100,000",)),
    FileKind(
        "formulas_without_values",
        "公式未计算.xlsx",
        _formulas_without_values,
        "partial",
        ("公式",),
    ),
    FileKind(
        "external_formula",
        "外部引用.xlsx",
        _external_formula_xlsx,
        "partial",
        ("其他工作簿", "[1]"),
        projects=5,
    ),
    FileKind("unrelated_workbook", "购物清单.xlsx", lambda: SHOPPING_BYTES, "failed", ("工作表",)),
)


def _said(outcome: dict[str, Any]) -> str:
    """Everything an official reads about the file: its error and every check's message."""
    return "\n".join([outcome["document"].get("error") or ""] + [c["message"] for c in outcome["checks"]])


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.id)
def test__file_kind(kind: FileKind) -> None:
    outcome = process_document(kind.name, kind.make())
    doc, said = outcome["document"], _said(outcome)
    assert doc["status"] == kind.status, said[:500]
    for word in kind.words:
        assert word in said, (word, said[:500])
    if kind.status == "failed":
        assert re.search(r"[\u4e00-\u9fff]", said), "a reason in Chinese"
    if kind.projects is not None:
        assert doc["n_projects"] == kind.projects
    if kind.refused_at_upload:
        preview = importer.read_upload(kind.name, kind.make())
        assert not preview.accepted and re.search(r"[\u4e00-\u9fff]", preview.refusal)


def test__the_sweep_covers_every_kind_in_the_readme() -> None:
    assert sweep.readme_block() == sweep.markdown(), "regenerate: python -m tests.reliability.sweep"
    assert len(sweep.KINDS) >= 40
    ids = {k.id for k in FILE_KINDS}
    for k in sweep.KINDS:
        path, _, test = k.test.partition("::")
        name = test.split("[")[0]
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(name)}\(", source, re.M), k.test
        if path == sweep.SWEEP:
            assert test.split("[")[1].rstrip("]") in ids, k.test
