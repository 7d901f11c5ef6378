"""One file's bytes -> its rows and checks: read, parse, normalise, validate.

Kept apart from the build (etl.build) so that what reads one document in a child process
(数据导入's preview, dashboard.preview_process) imports no more than reading needs: not
polars, pyarrow or the engines (0.25 s of a fresh interpreter's 0.45 s start, measured).
"""

from __future__ import annotations

import hashlib
import json
import traceback
from typing import Any

from etl.model import IDENTITY_FIELDS, Check, Source
from etl.normalize import ROW_TABLES, normalize_document
from etl.parsers import layout_parsers
from etl.readers import ConverterMissing, UnreadableDocument, read_document
from etl.readers.model import Document
from etl.validate import validate_document
from etl.validate.presence import read_nothing
from etl.validate.registry import FAMILIES, REGISTRY

# A form recognised but left blank: said by its parser; a file holding only these is still not read.
BLANK_FORM_CHECKS = frozenset({"declaration_form_empty", "self_eval_form_empty"})

# A document is 'partial' when any of these was raised for it: something it holds was not read.
PARTIAL_CHECKS = {
    "file_truncated",
    "parser_failed",
    "page_unreadable",
    "page_no_text_layer",
    "table_missing",
    "table_not_read",
    "table_yielded_nothing",
    "table_unit_missing",
    "header_not_understood",
    "row_not_placed",
    "row_not_aligned",
    "unit_changed_in_continuation",
    "cell_not_understood",
    "code_not_understood",
    "declaration_form_unreadable",
    "cell_formula_without_value",  # a workbook formula stored without its result: that figure is missing
    "cell_external_formula_without_value",
    # No figure read at all (etl.validate.presence says why): never 'ok'.
    "text_one_cell_per_line",
    "tables_without_figures",
    "document_without_figures",
}


def check_row(source_file: str, c: Check, refs: dict[str, str], who: dict[str, Any]) -> dict[str, Any]:
    pid = None
    if c.project_ref is not None:
        pid = refs.get(c.project_ref, c.project_ref if c.project_ref in refs.values() else None)
    key = f"{source_file}|{c.check}|{c.source_line}|{c.statement}|{c.code}|{pid}|{c.message}"
    return {
        "check_id": hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
        "source_file": source_file,
        "check": c.check,
        "title": REGISTRY[c.check].title,
        "family": FAMILIES[REGISTRY[c.check].family],
        "severity": c.severity,
        "message": c.message,
        "figure": c.figure,
        "compared": c.compared,
        "statement": c.statement,
        "code": c.code,
        "project_id": pid,
        "source_line": c.source_line,
        "source_page": c.page,
        **who,
    }


def _empty_document(source_file: str, sha: str) -> dict[str, Any]:
    return {
        "source_file": source_file,
        "sha256": sha,
        "district": None,
        "year": None,
        "department": None,
        "region": None,
        "unit": None,
        "kind": None,
        "scope": None,
        "identity_sources": None,
        "status": "failed",
        "file_type": None,
        "encoding": None,
        "n_pages": None,
        "layouts": None,
        "tables_expected": None,
        "tables_found": None,
        "tables_missing": None,
        "n_budget_lines": 0,
        "n_projects": 0,
        "n_indicators": 0,
        "n_checks": 0,
        "error": None,
    }


def _parse(doc: Document) -> tuple[list[tuple[str, Any]], list[Check]]:
    """Every layout parser that recognises the document, each on its own (a bug loses one layout)."""
    results, checks = [], []
    for parser in layout_parsers():
        try:
            if parser.detect(doc):
                results.append((parser.name, parser.parse(doc)))
        except Exception as exc:  # a parser bug must not lose the other layouts
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            checks.append(
                Check("parser_failed", "error", f"版式解析器 {parser.name} 出错：{tb}；该版式的数据未读入")
            )
    return results, checks


def identity_sources(document: dict[str, Any], sources: dict[str, Source]) -> str | None:
    """documents.identity_sources: JSON {fact: {where, page, line, cell, sheet, text}} for the facts stored."""
    shown = {
        attr: sources[attr].as_dict()
        for attr in IDENTITY_FIELDS
        if document.get(attr) is not None and attr in sources
    }
    return json.dumps(shown, ensure_ascii=False) if shown else None


def _what_it_holds(source: Document) -> str:
    """'（共 2 个工作表：检查表、说明）': what an official sees when opening the file."""
    if source.is_text:
        return ""
    names = [p.name.strip() for p in source.pages if p.name and p.name.strip()]
    if names:
        shown = "、".join(names[:5]) + ("等" if len(names) > 5 else "")
        return f"（共 {len(names)} 个工作表：{shown}）"
    return f"（共 {len(source.pages)} 页，{len(source.tables)} 个表格）"


def process_document(source_file: str, data: bytes) -> dict[str, Any]:
    """One document's bytes -> rows of every table (plain dicts, picklable)."""
    sha = hashlib.sha256(data).hexdigest()
    document = _empty_document(source_file, sha)
    out: dict[str, Any] = {name: [] for name in ROW_TABLES}
    out["document"] = document
    try:
        source = read_document(source_file, data)
    except UnreadableDocument as exc:
        out["cacheable"] = not isinstance(exc, ConverterMissing)  # a missing program is no fact of the file
        document["error"] = str(exc)
        check = Check("file_unreadable", "error", f"无法读取文件：{exc}")
        out["checks"] = [
            check_row(source_file, check, {}, {"district": None, "year": None, "department": None})
        ]
        document["n_checks"] = 1
        return out
    document["encoding"] = source.encoding
    document["file_type"] = source.file_type
    document["n_pages"] = len(source.pages)
    results, parser_checks = _parse(source)
    checks: list[Check] = list(source.checks) + parser_checks
    doc = normalize_document(source, results)
    checks = checks + doc.checks + validate_document(doc)
    who = {"district": doc.meta.district, "year": doc.meta.year, "department": doc.meta.department}
    document.update(who)
    document["region"] = doc.meta.region
    document["unit"] = doc.meta.unit
    document["kind"] = doc.meta.kind
    document["scope"] = doc.meta.scope
    if doc.tables_expected or doc.tables_found:
        missing = [t for t in doc.tables_expected if t not in doc.tables_found]
        document["tables_expected"] = len(doc.tables_expected)
        document["tables_found"] = len(doc.tables_found)
        document["tables_missing"] = "、".join(missing) or None
    nothing = not (
        doc.budget_lines
        or doc.projects
        or doc.three_public
        or doc.narrative_items
        or doc.narrative_figures
        or doc.tables_found
    )
    if nothing:
        blank = sum(c.check in BLANK_FORM_CHECKS for c in checks)
        said = (
            f"文件中找到的 {blank} 张绩效表都是空白表，没有可读入的数据，也未识别出其他已知表格"
            if blank
            else "未在文件中识别出任何已知表格"
        )
        checks.append(
            Check(
                "layout_unknown",
                "error",
                f"{said}（部门决算表、部门预算表、财政项目支出绩效自评表、绩效目标申报表），文件未读入"
                + _what_it_holds(source),
            )
        )
        document["error"] = "未识别出已知版式"
        document["kind"] = document["scope"] = None  # nothing read: a title word is no evidence
    else:
        ids = {c.check for c in checks}
        # A document of which no figure was read is never 'ok', whatever else was recognised.
        document["status"] = "partial" if ids & PARTIAL_CHECKS or read_nothing(doc) else "ok"
    document["layouts"] = ",".join(doc.layouts) or None
    document["identity_sources"] = identity_sources(document, doc.meta.sources)
    for name in ROW_TABLES:
        out[name] = getattr(doc, name)
    seen: set[str] = set()
    rows = []
    for c in checks:
        row = check_row(source_file, c, doc.project_refs, who)
        row["source_page"] = c.page if c.page is not None else source.page_of(c.source_line)
        if row["check_id"] not in seen:
            seen.add(row["check_id"])
            rows.append(row)
    out["checks"] = rows
    document["n_budget_lines"] = len(doc.budget_lines)
    document["n_projects"] = len(doc.projects)
    document["n_indicators"] = len(doc.indicators)
    document["n_checks"] = len(rows)
    return out
