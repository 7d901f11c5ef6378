"""dashboard.export: CSV with BOM that round-trips, XLSX that Excel users can work with."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from dashboard import export, queries
from etl.schema import labels

FRAME = pl.DataFrame(
    {
        "district": ["松江", "闵行", "青浦"],
        "year": [2020, 2022, 2020],
        "project_name": ["宣传与推广", "公共安全隐患举报奖励", "“互联网+政务服务”建设经费, 含逗号\n和换行"],
        "budget_full_year_yuan": [Decimal("712723.00"), Decimal("950.00"), None],
        "execution_rate": [Decimal("1.000000"), Decimal("0.526400"), Decimal("0.385700")],
        "score_total": [Decimal("86.00"), Decimal("95.26"), Decimal("92.00")],
        "meets_target": [True, False, None],
    },
    schema_overrides={
        "budget_full_year_yuan": pl.Decimal(18, 2),
        "execution_rate": pl.Decimal(12, 6),
        "score_total": pl.Decimal(9, 2),
    },
)
EXPORTED_AT = datetime(2024, 5, 6, 7, 8, 9)


def _xlsx(df: pl.DataFrame, **kw) -> openpyxl.Workbook:
    data = export.xlsx_bytes(
        df,
        sheet=kw.pop("sheet", "项目"),
        filters=kw.pop("filters", {"区": "松江、闵行", "年度": "全部"}),
        sources=kw.pop("sources", ["songjiang_city_operation_center_2020_final_accounts.txt"]),
        exported_at=EXPORTED_AT,
        **kw,
    )
    return openpyxl.load_workbook(io.BytesIO(data))


# --- CSV ---------------------------------------------------------------------------------


def test_csv_starts_with_a_utf8_bom():
    data = export.csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").startswith("district,year,project_name")


def test_csv_round_trips_the_rows():
    text = export.csv_bytes(FRAME).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == FRAME.columns
    assert rows[1:] == [
        ["松江", "2020", "宣传与推广", "712723.00", "1.000000", "86.00", "true"],
        ["闵行", "2022", "公共安全隐患举报奖励", "950.00", "0.526400", "95.26", "false"],
        ["青浦", "2020", "“互联网+政务服务”建设经费, 含逗号\n和换行", "", "0.385700", "92.00", ""],
    ]
    back = pl.read_csv(
        io.BytesIO(export.csv_bytes(FRAME)), schema_overrides={"budget_full_year_yuan": pl.String}
    )
    assert back.columns == FRAME.columns
    assert back["project_name"].to_list() == FRAME["project_name"].to_list()
    assert back["budget_full_year_yuan"].to_list() == ["712723.00", "950.00", None]


def test_csv_of_a_labelled_warehouse_table(con):
    df = queries.download_table(con, "projects", queries.Filters(), text="公共安全隐患举报奖励")
    shown = export.with_labels(df, labels("projects"))
    text = export.csv_bytes(shown).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1
    # minhang line 285: 年度资金总额 20000.00 950.00 500.00 — exact, in 元
    assert rows[0]["项目名称"] == "公共安全隐患举报奖励"
    assert rows[0]["年初预算数（元）"] == "20000.00"
    assert rows[0]["全年执行数（元）"] == "500.00"


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_has_the_frame_header_and_rows():
    wb = _xlsx(FRAME)
    ws = wb["项目"]
    values = list(ws.values)
    assert list(values[0]) == FRAME.columns
    assert len(values) == FRAME.height + 1
    for got, want in zip(values[1:], FRAME.iter_rows(), strict=True):
        for g, w in zip(got, want, strict=True):
            if isinstance(w, Decimal):
                assert g == pytest.approx(float(w))
            else:
                assert g == w


def test_xlsx_header_is_bold_frozen_and_filtered():
    ws = _xlsx(FRAME)["项目"]
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:G{FRAME.height + 1}"


def test_xlsx_money_rate_and_points_formats():
    ws = _xlsx(FRAME)["项目"]
    header = [c.value for c in ws[1]]
    money = header.index("budget_full_year_yuan") + 1
    rate = header.index("execution_rate") + 1
    points = header.index("score_total") + 1
    for row in range(2, FRAME.height + 2):
        # a blank cell is left empty (no format to carry); every figure has its format
        if ws.cell(row, money).value is not None:
            assert "元" in ws.cell(row, money).number_format
        if ws.cell(row, rate).value is not None:
            assert ws.cell(row, rate).number_format == "0.00%"
        assert "元" not in ws.cell(row, points).number_format
    assert sum(ws.cell(r, money).value is not None for r in range(2, FRAME.height + 2)) >= 2
    assert ws.cell(2, money).value == pytest.approx(712723.00)
    assert ws.cell(3, rate).value == pytest.approx(0.5264)
    # text and integer columns keep Excel's general format
    assert ws.cell(2, 1).number_format == "General"


def test_xlsx_formats_follow_original_names_after_labelling(con):
    df = queries.download_table(con, "projects", queries.Filters(), text="公共安全隐患举报奖励")
    shown = export.with_labels(df, labels("projects"))
    wb = _xlsx(shown, original_names=df.columns)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == shown.columns
    col = header.index("全年预算数（元）") + 1
    assert ws.cell(2, col).value == pytest.approx(950.00)
    assert "元" in ws.cell(2, col).number_format
    assert ws.cell(2, header.index("执行率") + 1).number_format == "0.00%"


def test_xlsx_notes_sheet_names_filters_time_and_sources():
    sources = [
        "minhang_city_operation_center_2022_self_evaluation.txt",
        "songjiang_city_operation_center_2020_final_accounts.txt",
    ]
    wb = _xlsx(FRAME, sources=sources, filters={"区": "松江、闵行", "年度": "全部", "名称包含": "（无）"})
    assert wb.sheetnames == ["项目", "说明"]
    notes = [tuple(v for v in row) for row in wb["说明"].values]
    flat = [str(v) for row in notes for v in row if v is not None]
    assert ("导出时间", "2024-05-06 07:08:09 北京时间") in notes
    utc = export.xlsx_bytes(
        pl.DataFrame({"a": [1]}), sheet="项目", filters={}, sources=[],
        exported_at=datetime(2024, 5, 5, 23, 8, 9, tzinfo=UTC),
    )  # fmt: skip
    utc_notes = list(openpyxl.load_workbook(io.BytesIO(utc))["说明"].iter_rows(values_only=True))
    assert ("导出时间", "2024-05-06 07:08:09 北京时间") in utc_notes  # the server's UTC, said in 北京时间
    assert ("区", "松江、闵行") in notes
    assert ("年度", "全部") in notes
    assert ("名称包含", "（无）") in notes
    for source in sources:
        assert source in flat
    assert ("行数", FRAME.height) in notes


def test_xlsx_of_an_empty_frame_is_still_valid():
    empty = FRAME.clear()
    ws = _xlsx(empty)["项目"]
    assert [c.value for c in ws[1]] == FRAME.columns
    assert ws.max_row == 1


def test_with_labels_keeps_unlabelled_columns():
    out = export.with_labels(FRAME, {"district": "区", "year": "年度"})
    assert out.columns[:3] == ["区", "年度", "project_name"]


def test_readable_words_percent_and_order() -> None:
    from decimal import Decimal

    import polars as pl

    from dashboard import export

    df = pl.DataFrame(
        {
            "source_file": ["a.txt"],
            "project_id": ["p1"],
            "project_name": ["热线服务"],
            "kind": ["self_evaluation"],
            "layout": ["self_eval_form"],
            "meets_target": [True],
            "execution_rate": [Decimal("0.956500")],
            "target_number": [Decimal("100.000000")],
        },
        schema_overrides={"execution_rate": pl.Decimal(12, 6), "target_number": pl.Decimal(24, 6)},
    )
    out = export.key_columns_first(export.readable(df))
    assert out.columns[:1] == ["project_name"] and out.columns[-1:] == ["source_file"]
    assert "project_id" not in out.columns  # a hash means nothing to an official (issue 19.7)
    row = out.row(0, named=True)
    assert (
        row["kind"] == "绩效自评"
        and row["layout"] == "绩效自评表（按单元格读取）"
        and row["meets_target"] == "是"
    )
    assert row["execution_rate_pct"] == 95.65 and row["target_number"] == "100"
    assert "1.000000" not in export.csv_bytes(out).decode("utf-8")
