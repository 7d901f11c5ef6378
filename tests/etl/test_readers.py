"""Encodings seen in the wild must all give the same text."""

from __future__ import annotations

import pytest

from etl.readers import UnreadableDocument, decode_document

SAMPLE = "收入决算表\n单位：万元\n\t合计\n\t3,998.79\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (SAMPLE.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
    ],
)
def test__decode_document__encodings_give_identical_text(data: bytes, encoding: str) -> None:
    decoded = decode_document(data)
    assert decoded.text == SAMPLE
    assert decoded.encoding == encoding


def test__decode_document__form_feed_is_a_line_break() -> None:
    assert decode_document("第一页\f第二页".encode()).text == "第一页\n第二页"


def test__decode_document__empty_file_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument, match="为空"):
        decode_document(b"  \n ")


def test__decode_document__binary_file_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument, match="二进制"):
        decode_document(b"%PDF-1.7\x00\x01\x02\x03binary" * 10)


def test__decode_document__truncated_utf8_is_read_with_a_check() -> None:
    data = SAMPLE.encode("utf-8") + "合".encode()[:2]
    decoded = decode_document(data)
    assert decoded.text == SAMPLE
    assert [c.check for c in decoded.checks] == ["file_truncated"]
