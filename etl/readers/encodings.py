"""Telling a UTF-16 or a Big5 text from its bytes, for the text reader.

UTF-16 (what Windows Notepad calls "Unicode") puts a NUL byte beside every ASCII
character — line ends, digits, tabs, spaces — so a text in it looked binary. A BOM states
the byte order; without one, the NULs say it: they fall on odd offsets in little-endian
and on even ones in big-endian, and (almost) only there. No text in UTF-8 or GB18030
holds a NUL, so only binary files can be mistaken for it, and the reader still refuses
what decodes to control characters.

Big5 (traditional Chinese, Taiwan and Hong Kong) decodes as GB18030 without an error,
since GB18030 takes almost any pair of high bytes, and would be read as garbage. Its
second bytes give it away: about half of Big5's characters, and its common punctuation
（，。：、）, have a second byte in 0x40-0x7E, where GB2312 — the simplified characters a
Shanghai document is written in — never puts one.
"""

from __future__ import annotations

import re

SAMPLE = 64 * 1024  # bytes looked at: enough for thousands of characters
BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
# A GB18030 four-byte character, or a two-byte one (lead byte, second byte): scanning from the
# left keeps the pairs aligned, as single ASCII bytes between them are skipped.
_GB_CHAR = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\xfe]")
BIG5_SHARE = 0.25  # of two-byte characters with a second byte in 0x40-0x7E: GB2312 text has none
MIN_PAIRS = 8  # too few characters to tell


def utf16_codec(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes are UTF-16 text (by BOM or by where the NULs fall)."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return None  # UTF-32's BOM: no document comes so
    for bom, codec in BOMS.items():
        if data.startswith(bom):
            return codec
    sample = data[: min(len(data), 8192) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 2 and even * 3 <= odd:
        return "utf-16-le"
    if even >= 2 and odd * 3 <= even:
        return "utf-16-be"
    return None


def looks_big5(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 are Big5 rather than GB18030/GBK (see the module's note)."""
    sample = data[:SAMPLE]
    chars = _GB_CHAR.findall(sample)
    pairs = [c for c in chars if len(c) == 2]
    if len(pairs) < MIN_PAIRS or len(pairs) < len(chars):  # a four-byte character is GB18030's alone
        return False
    low = sum(1 for c in pairs if c[1] <= 0x7E)
    if low < BIG5_SHARE * len(pairs):
        return False
    unmapped = sample.decode("cp950", errors="replace").count("\ufffd")
    return unmapped <= max(2, len(pairs) // 100)  # a cut-off last character aside, every pair is Big5
