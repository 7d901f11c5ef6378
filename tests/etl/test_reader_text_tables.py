"""The text reader's tables: tab-separated rows and Word's one-cell-a-line text become grids of cells.

Every line of the file stays one line of the document (a figure's line is the file's line),
whatever it became: prose, a table row, or a further line of a row.
"""

from __future__ import annotations

from etl.readers.model import PART, PROSE, ROW, Document
from etl.readers.text import read_text
from tests.conftest import SEEDS


def read(text: str) -> Document:
    return read_text("t.txt", text.encode("utf-8"))


def kinds(doc: Document) -> list[str]:
    return [ln.kind for ln in doc.lines]


def test__tab_separated__rows_of_cells_as_printed() -> None:
    doc = read(
        "财政项目支出绩效自评表\t\t\n项目名称\t测试 项目\n\t年度资金总额\t1,000.00\t800.00\n说明文字\n"
    )
    (table,) = doc.tables
    assert kinds(doc) == [ROW, ROW, ROW, PROSE, PROSE]
    assert [c.text for c in table.printed(1)] == ["项目名称", "测试 项目"]  # spaces kept as printed
    assert [c.text for c in table.printed(2)] == ["", "年度资金总额", "1,000.00", "800.00"]
    assert table.n_cols == 4 and table.widths == [3, 2, 4]  # short rows padded, their widths kept
    assert [table.line_of(r) for r in range(3)] == [1, 2, 3]
    assert doc.lines[1].text == "项目名称\t测试 项目"  # the line's own text
    assert table.place(1, 1) is None  # a grid of text lines names no cell: its line says where


def test__tab_separated__a_form_feed_ends_a_table() -> None:
    doc = read("a\tb\nc\td\fe\tf\n")
    assert [(t.page, len(t.rows)) for t in doc.tables] == [(1, 2), (2, 1)]
    assert [ln.page for ln in doc.lines] == [1, 1, 2, 2]


def test__word_text__cells_rows_and_the_lines_between() -> None:
    text = "标题\n\t项目名称\n\t测试项目\n\t项目类别\n\t经常性\n\n\t项目资金\n（元）\n\t100\n\n正文\n"
    doc = read(text)
    (table,) = doc.tables
    assert kinds(doc) == [PROSE, ROW, PART, PART, PART, PART, ROW, PART, PART, PROSE, PROSE, PROSE]
    assert [c.text for c in table.printed(0)] == ["项目名称", "测试项目", "项目类别", "经常性"]
    assert [c.text for c in table.printed(1)] == ["项目资金\n（元）", "100"]  # a wrapped cell keeps its break
    assert table.row_lines == [2, 7] and table.next_line == 10
    assert (table.cell_line(0, 3), table.cell_line(1, 1)) == (5, 9)  # each cell's own line
    assert table.last_line_of(1) == 9


def test__word_text__one_cell_rows_are_indented_prose() -> None:
    doc = read("\t一、项目概述\n\n\t实施热线服务项目。\n")
    assert doc.tables == [] and set(kinds(doc)) == {PROSE}


def test__word_text__a_paragraph_after_a_blank_line_stays_in_its_cell() -> None:
    # Word prints a cell's second paragraph after a blank line; the row goes on below it.
    text = "\t合计\n\t因公出国\n\n（境）费\n\t公务接待费\n\n\t0.00\n\t0.00\n\t0.00\n\n注：本表无数据\n"
    doc = read(text)
    (table,) = doc.tables
    assert [c.text for c in table.printed(0)] == ["合计", "因公出国\n（境）费", "公务接待费"]
    assert [c.text for c in table.printed(1)] == ["0.00", "0.00", "0.00"]
    assert doc.lines[-2].kind == PROSE and doc.lines[-2].text == "注：本表无数据"  # after a blank: not a cell


def test__seeds__every_line_kept_and_tables_found() -> None:
    for name, path in SEEDS.items():
        raw = path.read_text(encoding="utf-8")
        doc = read_text(path.name, path.read_bytes())
        assert [ln.text for ln in doc.lines] == raw.split("\n"), name
        assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    minhang = read_text("m.txt", SEEDS["minhang_2022"].read_bytes())
    assert sum(1 for ln in minhang.lines if ln.kind == ROW) == 473  # every tab-separated line (grep -c)
