"""OLE2 compound files — the container of .xls, .doc, .wps and of encrypted .docx/.xlsx — told apart by their streams.

The first eight bytes say only "compound file"; what it holds is in its directory:
a 'Workbook' (BIFF8) or 'Book' (BIFF5) stream is an Excel workbook (WPS 表格 saves
the same), a 'WordDocument' stream a Word document — WPS 文字 saves its .wps in
Word's binary format, so a .wps holds 'WordDocument' too and is read like a .doc —
and 'EncryptionInfo' with 'EncryptedPackage' is a password-protected .docx/.xlsx.
Microsoft Works' own .wps ('MN0' or 'CONTENTS') and PowerPoint ('PowerPoint
Document') are named so the official knows what was sent.

The directory is read with olefile rather than by hand: it is pure Python with no
dependencies (Pillow and oletools use it), and finding the directory means following
the FAT, the DIFAT sectors of files over ~7 MB and the directory's sector chain, and
telling a damaged file from a valid one — about 150 lines of our own to write and
test for what is one function call there.
"""

from __future__ import annotations

import io
import struct
from typing import Any

from etl.readers.model import DOC, XLS
from etl.readers.text import UnreadableDocument

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_IDENT = 0xA5EC  # FibBase.wIdent of a Word binary document
_WORD_ENCRYPTED = 0x0100  # FibBase flag fEncrypted
_BIFF_BOF, _BIFF_FILEPASS = (0x0809, 0x0409, 0x0209, 0x0009), 0x002F

DAMAGED = "文件是旧版 Office 格式（.doc/.xls/.wps），但已损坏或不完整，无法读取；请重新下载原件，或另存为 DOCX、XLSX 或 PDF 后导入"


def encrypted(what: str = "Office 文件") -> str:
    """The refusal of a password-protected file, naming what kind of file it is."""
    return (
        f"文件设有打开密码（加密的 {what}），无法读取；请在 Office 或 WPS 中打开、取消密码后另存，"
        "或另存为 PDF 后导入"
    )


def ole_type(data: bytes) -> str:
    """XLS or DOC for a compound file; UnreadableDocument (in Chinese) for any other or a damaged one."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error … for a damaged file
        raise UnreadableDocument(DAMAGED) from exc
    try:
        streams = {path[0].lower() for path in ole.listdir(streams=True, storages=True) if len(path) == 1}
        if {"encryptioninfo", "encryptedpackage"} <= streams:
            raise UnreadableDocument(encrypted("Office（DOCX/XLSX）文件"))
        for name in ("workbook", "book"):
            if name in streams:
                if _biff_encrypted(_head(ole, name)):
                    raise UnreadableDocument(encrypted("Excel（XLS）文件"))
                return XLS
        if "worddocument" in streams:
            if _word_encrypted(_head(ole, "worddocument")):
                raise UnreadableDocument(encrypted("Word（DOC/WPS）文件"))
            return DOC
    except UnreadableDocument:
        raise
    except Exception as exc:  # a directory that lists a stream whose sectors are missing
        raise UnreadableDocument(DAMAGED) from exc
    finally:
        ole.close()
    if "mn0" in streams or "contents" in streams:
        raise UnreadableDocument(
            "文件是 Microsoft Works 文档，不是 Word 或 WPS 文字文件，无法读取；请另存为 DOCX 或 PDF 后导入"
        )
    if "powerpoint document" in streams:
        raise UnreadableDocument(
            "文件是 PowerPoint 演示文稿（.ppt），无法读取；请提供 PDF、Word 或 Excel 格式的原件"
        )
    raise UnreadableDocument(
        "文件是旧版 Office 格式的复合文档，但其中没有 Word 或 Excel 内容，无法读取；请另存为 DOCX、XLSX 或 PDF 后导入"
    )


def _head(ole: Any, stream: str, size: int = 512) -> bytes:
    """The first bytes of a root stream (olefile finds names case-insensitively)."""
    with ole.openstream(stream) as f:
        return bytes(f.read(size))


def _word_encrypted(fib: bytes) -> bool:
    """fEncrypted of the File Information Block at the start of the 'WordDocument' stream."""
    if len(fib) < 12:
        return False
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 10)[0]
    return ident == _WORD_IDENT and bool(flags & _WORD_ENCRYPTED)


def _biff_encrypted(head: bytes) -> bool:
    """A FILEPASS record right after the workbook's BOF: the workbook is encrypted."""
    if len(head) < 8:
        return False
    kind, length = struct.unpack_from("<HH", head, 0)
    if kind not in _BIFF_BOF or len(head) < 4 + length + 2:
        return False
    return struct.unpack_from("<H", head, 4 + length)[0] == _BIFF_FILEPASS
