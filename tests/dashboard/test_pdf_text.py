"""The printed briefing's text layer (dashboard/pdf_text.py): ideographs, never the radicals that
Noto Sans CJK draws with the same glyphs (门 / ⻔ U+2ED4, 生 / ⽣ U+2F63)."""

from __future__ import annotations

from dashboard import pdf_text

CMAP = """/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<00> <FF>
endcodespacerange
2 beginbfchar
<01> <2ED4>
<04> <0041>
endbfchar
1 beginbfrange
<02> <03> <2F63>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""
TABLE = {0x2ED4: 0x95E8, 0x2F63: 0x751F, 0x2F64: 0x7528}  # ⻔ 门, ⽣ 生, ⽤ 用


def test__radicals_in_single_entries_and_ranges_become_ideographs():
    fixed = pdf_text.fix_cmap(CMAP, TABLE)
    assert fixed is not None
    for entry in ("<01> <95E8>", "<02> <751F>", "<03> <7528>", "<04> <0041>"):
        assert entry in fixed
    assert "2ED4" not in fixed and "2F63" not in fixed and "bfrange" not in fixed
    assert fixed.startswith("/CIDInit") and fixed.rstrip().endswith("end")
    assert "4 beginbfchar" in fixed and "<00> <FF>" in fixed  # the code space kept


def test__a_map_without_radicals_is_left_alone():
    assert pdf_text.fix_cmap(CMAP.replace("2ED4", "95E8").replace("<2F63>", "<4E00>"), TABLE) is None


def test__the_font_names_the_ideograph_of_each_radical():
    table = pdf_text.radical_ideographs()
    for radical, ideograph in (
        ("⻔", "门"),
        ("⺠", "民"),
        ("⻚", "页"),
        ("⽣", "生"),
        ("⼈", "人"),
        ("⾏", "行"),
    ):
        assert chr(table[ord(radical)]) == ideograph, radical
    assert all(0x2E80 <= r <= 0x2FDF for r in table)
