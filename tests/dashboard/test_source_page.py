"""原文查看 through streamlit.testing.v1.AppTest, opened by URL as the links open it.

The warehouse is the session's build of data/raw (tests/dashboard/conftest.py): the seed
text files and the four 普陀 PDFs, so both kinds of file are shown here.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from .conftest import APP, RAW, project_id

SEED = "songjiang_city_operation_center_2020_final_accounts.txt"
JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"


def open_source(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page("app_pages/source.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["原文查看"]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def links(at: AppTest) -> list[tuple[str, dict[str, list[str]]]]:
    return [(p.proto.label, parse_qs(p.proto.query_string)) for p in at.get("page_link")]


def test_a_seed_text_line_is_shown_with_the_lines_around_it():
    lines = (RAW / SEED).read_text(encoding="utf-8").split("\n")
    at = open_source({"file": SEED, "page": "1", "line": "20"})
    assert [h.value for h in at.header] == ["上海市松江区城市运行管理中心 2020年 部门决算"]
    assert any(SEED in c.value for c in at.caption)
    text = markdown(at)
    assert "第 1 页（共 1 页）" in text and "第 20 行" in text and "原文第 15–25 行" in text
    for number in range(15, 26):
        assert html.escape(lines[number - 1]) in text
    assert not at.warning
    assert len(at.get("download_button")) == 1
    assert not at.get("image")  # a text file has no page image


def test_a_pdf_sentence_is_shown_on_its_page_image():
    at = open_source({"file": JUSTICE, "page": "9", "line": "98"})
    assert [h.value for h in at.header] == ["上海市普陀区司法局 2026年 部门预算"]
    text = markdown(at)
    assert "第 9 页（共 23 页）" in text and "第 98–99 行" in text
    (code,) = at.code
    assert "其他司法支出（99项）3845.49万元" in code.value and "43269.3" in code.value
    assert len(at.get("image")) == 2  # the framed band, enlarged, and the whole page
    assert not at.warning
    labels = [label for label, _ in links(at)]
    assert labels == ["上一页（第 8 页）", "下一页（第 10 页）"]
    assert links(at)[1][1] == {"file": [JUSTICE], "page": ["10"]}


def test_text_printed_outside_the_page_is_said_to_be_invisible_there(con: duckdb.DuckDBPyConnection):
    # 司法局 p. 5: the 主要职能 text is placed above the top of the page (its 文字超出页面 finding)
    ((page, line),) = con.sql(
        """SELECT source_page, source_line FROM checks WHERE source_file = $f AND "check" = 'text_outside_page'""",
        params={"f": JUSTICE},
    ).fetchall()
    assert page == 5
    at = open_source({"file": JUSTICE, "page": str(page), "line": str(line)})
    assert "上海市普陀区司法局是主管本区司法和法制工作的区政府工作部门" in at.code[0].value
    assert any("页面范围之外" in i.value for i in at.info)
    assert len(at.get("image")) == 1  # the page; no band, nothing could be framed


def test_a_budget_line_cell_is_shown_as_printed(con: duckdb.DuckDBPyConnection):
    (page, line, cell), *_ = con.sql(
        """SELECT source_page, source_line, source_cell FROM budget_lines
           WHERE source_file = $f AND name = '一、公共安全支出' AND statement LIKE '%部门财务收支预算总表'""",
        params={"f": JUSTICE},
    ).fetchall()
    at = open_source({"file": JUSTICE, "page": str(page), "line": str(line), "cell": cell})
    assert [c.value for c in at.code] == ["87,267,272.44"]
    assert f"单元格：{cell}" in markdown(at)
    assert any("一、公共安全支出" in c.value for c in at.caption)  # the row it is on


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"file": "../../etc/passwd"}, "含有路径或非法字符"),
        ({"file": "/etc/passwd"}, "含有路径或非法字符"),
        ({"file": "README.md"}, "不在当前数据中"),
        ({"file": "x" * 5000}, "文件名过长"),
    ],
)
def test_a_bad_file_shows_a_chinese_note(params, note):
    at = open_source(params)
    assert any(note in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.get("image") and not at.get("download_button")
    assert not at.sidebar.warning  # file is a parameter of this page, not an unknown one
    assert at.selectbox(key="src_choose")  # and a way to pick a file instead


def test_bad_page_and_line_values_are_noted_and_the_file_still_shown():
    at = open_source({"file": JUSTICE, "page": "abc", "line": "99999", "cell": "<b>"})
    notes = " ".join(w.value for w in at.warning)
    assert "页码“abc”无效" in notes and "第 99999 行不存在" in notes and "单元格" in notes
    assert "第 1 页（共 23 页）" in markdown(at)
    assert len(at.get("image")) == 1  # the page, nothing framed


def test_without_a_file_the_page_explains_and_offers_a_choice():
    at = open_source()
    assert any("查看原文" in i.value for i in at.info)
    at.selectbox(key="src_choose").set_value(SEED).run()
    assert not at.exception
    assert at.query_params["file"] == SEED
    assert [h.value for h in at.header] == ["上海市松江区城市运行管理中心 2020年 部门决算"]


def test_project_detail_links_to_the_projects_source(con: duckdb.DuckDBPyConnection):
    pid = project_id(con, "公共安全隐患举报奖励", "闵行")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["project"] = pid
    at.switch_page("app_pages/project_detail.py").run()
    assert not at.exception
    found = [(label, q) for label, q in links(at) if label.startswith("查看原文")]
    assert len(found) == 1
    label, query = found[0]
    file, line = query["file"][0], int(query["line"][0])
    assert label == f"查看原文（第{query['page'][0]}页）"
    # following the link shows the line the project starts on
    at = open_source({k: v[0] for k, v in query.items()})
    source_lines = (RAW / file).read_text(encoding="utf-8").split("\n")
    assert html.escape(source_lines[line - 1]) in markdown(at)
    assert f"第 {line} 行" in markdown(at)


def test_quality_links_each_documents_chosen_finding():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception
    box = at.selectbox(key=f"dq_src_{JUSTICE}")
    options = list(box.options)
    assert all("None" not in o for o in options)
    wanted = next(i for i, o in enumerate(options) if "说明增减比例有误（第9页）" in o)
    box.set_value(wanted).run()
    assert not at.exception
    query = next(
        q
        for label, q in links(at)
        if label == "查看原文" and q.get("file") == [JUSTICE] and q.get("page") == ["9"]
    )
    at = open_source({k: v[0] for k, v in query.items()})
    assert "第 9 页（共 23 页）" in markdown(at)
    assert "43269.3" in at.code[0].value
