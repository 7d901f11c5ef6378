"""Pure: frames -> download bytes (CSV with BOM, XLSX) exactly as shown.

The CSV starts with a UTF-8 BOM so Excel opens Chinese correctly. The XLSX is
written by rust_xlsxwriter: bold frozen header, autofilter, 元 number formats for
money, widths sized to content, and a second sheet stating the filters, the
export time and the source files.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

import polars as pl
import rustpy_xlsxwriter

from dashboard import money

BOM = "\ufeff"
MONEY_FORMAT = '#,##0.00" 元"'
RATE_FORMAT = "0.00%"
POINTS_FORMAT = "0.00"


# Stored codes -> the words an official reads (screens and downloads alike).
VALUE_WORDS: dict[str, dict[str, str]] = {
    "kind": {"self_evaluation": "绩效自评", "target_declaration": "绩效目标申报"},
    "doc_kind": {
        "final_accounts": "部门决算",
        "budget": "部门预算",
        "self_evaluation": "绩效自评",
        "target_declaration": "绩效目标申报",
    },  # fmt: skip
    "layout": {
        "self_eval_form": "绩效自评表（按单元格读取）",
        "glued": "粘连版式（自评表）",
        "qingpu": "青浦自评表版式",
        "declaration": "绩效目标申报表（文本）",
        "declaration_form": "绩效目标申报表（原件）",
    },
    "classification": {"functional": "功能分类", "economic": "经济分类"},
    "scope": {"department": "部门", "unit": "单位", "project": "项目"},
    "status": {"ok": "完整读取", "partial": "部分读取", "failed": "未能读取"},
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "target_op": {"range": "区间", "=": "等于", ">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于"},
    "actual_op": {"range": "区间", "=": "等于", ">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于"},
}
WAN, CENT = money.WAN, money.CENT
money_text = money.money_text  # one rounding for screens and files (dashboard.money)


# Fractions stored to six places, downloaded as percentages to two ('0.956500' -> 95.65).
PERCENT_COLUMNS = ("execution_rate", "execution_rate_computed")
PERCENT_SUFFIX = "_pct"


BEIJING = timezone(timedelta(hours=8), "北京时间")  # the officials' clock, whatever the server's

# Internal keys: a hash means nothing to an official (the name, file and page say which row it is).
INTERNAL_COLUMNS = ("project_id", "indicator_id", "declaration_id", "evaluation_id", "check_id", "check")


def beijing(moment: datetime) -> datetime:
    """A moment on the officials' clock (a naive one is taken as already on it)."""
    return moment if moment.tzinfo is None else moment.astimezone(BEIJING)


_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(*parts: str, limit: int = 120) -> str:
    """'报表数据-松江-2020-20261207-0816': the parts joined, characters no file system takes dropped."""
    name = "-".join(p for p in (_NOT_IN_NAMES.sub("_", x).strip("_.") for x in parts) if p)
    return name[:limit]


IDENTITY_FACTS = {
    "region": "所属地区", "district": "区", "department": "部门", "unit": "单位", "scope": "编报范围",
    "year": "年度", "kind": "文件类型",
}  # fmt: skip


def identity_text(raw: str | None) -> str | None:
    """Where each identity fact of a document was read, as an official looks it up:
    '部门：第1页（全文第2行）“预算单位：上海市普陀区商务委员会”；年度：…'."""
    if not raw:
        return None
    try:
        facts = json.loads(raw)
    except ValueError:
        return None
    parts = []
    for key, label in IDENTITY_FACTS.items():
        source = facts.get(key) if isinstance(facts, dict) else None
        if isinstance(source, dict) and source.get("where"):
            words = " ".join(str(source.get("text") or "").split())
            parts.append(f"{label}：{source['where']}" + (f"“{words[:60]}”" if words else ""))
    return "；".join(parts) or None


def extra_text(raw: str | None) -> str | None:
    """A form's other fields (stored as JSON) as an official reads them: '键：值；键：值'."""
    if not raw:
        return None
    try:
        fields = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(fields, dict):
        return raw
    return "；".join(f"{k}：{v}" for k, v in fields.items() if v not in (None, "")) or None


def readable(df: pl.DataFrame) -> pl.DataFrame:
    """Codes as words, 是/否 for booleans, rates as percentages, no '1.000000' for a parsed number,
    a form's other fields as text; internal keys left out."""
    out = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if name in INTERNAL_COLUMNS:
            continue
        if name == "extra_json":
            out.append(col.map_elements(extra_text, return_dtype=pl.String))
        elif name == "identity_sources":
            out.append(col.map_elements(identity_text, return_dtype=pl.String))
        elif name in VALUE_WORDS:
            out.append(col.replace_strict(VALUE_WORDS[name], default=col))
        elif dtype == pl.Boolean:
            out.append(
                pl.when(col).then(pl.lit("是")).when(~col).then(pl.lit("否")).otherwise(None).alias(name)
            )
        elif name in PERCENT_COLUMNS:
            out.append((col.cast(pl.Float64) * 100).round(2).alias(name + PERCENT_SUFFIX))
        elif isinstance(dtype, pl.Decimal) and (dtype.scale or 0) > 2:
            # parsed targets, stated percentages: as printed, without padding zeros
            out.append(
                col.map_elements(
                    lambda v: None if v is None else f"{v.normalize():f}", return_dtype=pl.String
                )
            )
        else:
            out.append(col)
    return df.select(out)


# Identifiers and provenance: kept in every download, after the columns an official reads.
TRAILING = ("seq", "source_file", "source_page", "source_line", "end_line", "source_cell")  # fmt: skip


# What an official reads first, in this order, where a table has it: who, what, how much.
LEADING = ("district", "year", "department", "project_name", "code", "name", "measure", "amount_yuan",
           "item", "budget_yuan", "actual_yuan", "severity", "title", "message")  # fmt: skip


def key_columns_first(df: pl.DataFrame) -> pl.DataFrame:
    """Who, the name and the figure first (a wide table's right side scrolls out of view at 1400 px);
    ids, files and line numbers last."""
    head = [c for c in LEADING if c in df.columns]
    tail = [c for c in TRAILING if c in df.columns]
    return df.select(head + [c for c in df.columns if c not in head and c not in tail] + tail)


def percent_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Labels for the percentage columns :func:`readable` makes ('执行率' -> '执行率（%）')."""
    return {c + PERCENT_SUFFIX: f"{labels.get(c, c)}（%）" for c in PERCENT_COLUMNS}


def with_labels(df: pl.DataFrame, labels: Mapping[str, str]) -> pl.DataFrame:
    """Rename columns to their Chinese labels (columns without a label keep their name)."""
    return df.rename({c: labels[c] for c in df.columns if c in labels and labels[c] not in df.columns})


def csv_bytes(df: pl.DataFrame) -> bytes:
    """UTF-8 CSV with BOM; decimals written exactly as stored."""
    return (BOM + df.write_csv()).encode("utf-8")


def _format_for(name: str, dtype: pl.DataType) -> str | None:
    if not isinstance(dtype, pl.Decimal | pl.Float64 | pl.Float32):
        return None
    if name.endswith("_yuan") or "（元）" in name:
        return MONEY_FORMAT
    if name.endswith(PERCENT_SUFFIX) or "（%）" in name:
        return POINTS_FORMAT
    if "rate" in name or "执行率" in name:
        return RATE_FORMAT
    return POINTS_FORMAT


def _width(values: Sequence[object], header: str) -> float:
    def length(v: object) -> int:
        s = "" if v is None else str(v)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    sample = list(values[:200])
    longest = max([length(header), *(length(v) for v in sample)])
    return float(min(max(longest + 2, 8), 60))


def xlsx_bytes(
    df: pl.DataFrame,
    *,
    sheet: str,
    filters: Mapping[str, str],
    sources: Sequence[str],
    exported_at: datetime | None = None,
    original_names: Sequence[str] | None = None,
) -> bytes:
    """One sheet of data plus an 说明 sheet; money as numbers with a 元 format.

    Written by rust_xlsxwriter (rustpy-xlsxwriter): 100,000 rows in about a second, where
    openpyxl's write-only mode took 25 s (bench/export_xlsx.py). ``original_names`` are the
    column names before labelling (used to pick formats).
    """
    exported_at = exported_at or datetime.now(BEIJING)
    names = list(original_names or df.columns)
    title = sheet[:31]
    formats = {c: _format_for(n, df.schema[c]) for n, c in zip(names, df.columns, strict=True)}
    numbers = df.with_columns(
        pl.col(c).cast(pl.Float64) for c, dtype in df.schema.items() if isinstance(dtype, pl.Decimal)
    )
    notes: list[dict[str, object]] = [
        {
            "导出说明": "导出时间",
            "内容": beijing(exported_at).strftime("%Y-%m-%d %H:%M:%S 北京时间"),
        },
        {"导出说明": "数据表", "内容": sheet},
        {"导出说明": "行数", "内容": df.height},
        {"导出说明": "", "内容": ""},
        {"导出说明": "筛选条件", "内容": ""},
        *({"导出说明": key, "内容": value} for key, value in filters.items()),
        {"导出说明": "", "内容": ""},
        {"导出说明": "来源文件", "内容": ""},
        *({"导出说明": "", "内容": source} for source in sources),
    ]
    buffer = io.BytesIO()
    rustpy_xlsxwriter.write_worksheets(
        [(title, numbers if df.width else pl.DataFrame({c: [] for c in df.columns})), ("说明", notes)],
        buffer,
        freeze_panes={title: {"row": 1, "col": 0}},
        bold_headers=True,
        autofilter={title: True},
        column_formats={
            title: {c: rustpy_xlsxwriter.Format().set_num_format(f) for c, f in formats.items() if f}
        },
        column_widths={
            title: {c: _width(df[c].to_list(), c) for c in df.columns},
            "说明": {"导出说明": 16.0, "内容": 60.0},
        },
    )
    return buffer.getvalue()
