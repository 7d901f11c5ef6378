"""DOC and WPS 文字 (Word's binary format) -> DOCX with LibreOffice, then the DOCX reader.

No Python library reads Word's binary format with its tables and merged cells;
LibreOffice does, and converting to DOCX lets the one DOCX reader (``etl.readers.docx``)
make the document, so an old .doc and its .docx copy give the same model. The
converter runs headless with a fresh profile in a temporary folder (so two
conversions at once never share one, and nothing is left behind), with a time limit.
Without LibreOffice the file is refused with what to do, never silently skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from etl.readers.model import DOC, Document
from etl.readers.text import ConverterMissing, UnreadableDocument

TIMEOUT = 120.0  # seconds for one conversion; measured here: about 1 s a file, mostly LibreOffice starting
INSTALL_HINT = (
    "服务器未安装 LibreOffice，无法读取旧版 Word（.doc）或 WPS 文字（.wps）文件。"
    "请管理员安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
    "或在 Word、WPS 中将文件另存为 DOCX 或 PDF 后再导入"
)


def soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(source_file: str, data: bytes, timeout: float = TIMEOUT) -> Document:
    """A Word binary document read through its DOCX conversion; file_type DOC, source_file as given."""
    from etl.readers.docx import read_docx

    converted = convert_to_docx(data, timeout)
    try:
        doc = read_docx(source_file, converted)
    except UnreadableDocument as exc:
        raise UnreadableDocument(f"旧版 Word（DOC/WPS）文件经 LibreOffice 转换后仍无法读取：{exc}") from exc
    if not any(line.text.strip() for line in doc.lines):
        # LibreOffice turns a damaged file into an empty document rather than failing.
        raise UnreadableDocument(
            "旧版 Word（DOC/WPS）文件经 LibreOffice 转换后没有任何文字或表格（文件可能已损坏或不是 Word 文档）；"
            "请在 Word 或 WPS 中打开并另存为 DOCX 或 PDF 后再导入"
        )
    doc.file_type = DOC
    return doc


def convert_to_docx(data: bytes, timeout: float = TIMEOUT) -> bytes:
    """The DOCX LibreOffice makes of a .doc/.wps, or UnreadableDocument saying why not."""
    program = soffice()
    if program is None:
        raise ConverterMissing(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="budget_doc_") as tmp:
        folder = Path(tmp)
        source, out = folder / "document.doc", folder / "out"
        source.write_bytes(data)
        command = [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(source),
        ]
        _run(command, timeout)
        result = out / "document.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise UnreadableDocument(
                "LibreOffice 未能将该旧版 Word（DOC/WPS）文件转换为 DOCX（文件可能已损坏、加密或并非 Word 文档）；"
                "请在 Word 或 WPS 中打开并另存为 DOCX 或 PDF 后再导入"
            )
        return result.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    """Run LibreOffice in a session of its own, so a timeout ends it and every process it started."""
    env = {**os.environ, "HOME": os.environ.get("HOME") or tempfile.gettempdir()}
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # what it prints says nothing an official can use; the result file does
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_group(process)
        process.wait()
        raise UnreadableDocument(
            f"LibreOffice 转换旧版 Word（DOC/WPS）文件超过 {timeout:g} 秒仍未完成，已中止；"
            "文件可能过大或已损坏，请另存为 DOCX 或 PDF 后再导入"
        ) from None
    finally:
        _end_group(process)


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the converter's own process group (soffice.bin can outlive its launcher)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left: it ended on its own
        os.killpg(process.pid, signal.SIGKILL)
