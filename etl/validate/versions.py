"""One document counted once: copies and versions of the same document told apart by content.

The same 决算 saved again (re-encoded text, a PDF re-saved, a DOCX exported to PDF) has other
bytes but the same department, year, kind and scope and the same figures: it is a copy, kept
once. The same identity with other figures is another version (a corrected re-publication):
exactly one version counts — the one the official chose on 数据质量 (``<raw>/.versions.json``),
else the newest file — and the others' rows never reach a page. Both are findings, and every
figure that differs is kept in ``version_differences`` so the versions can be shown side by side.

Identity is (kind, scope, district, department, year); for self-evaluations and declarations
also the set of project names, since one department files several such documents a year.
A document without a department, a year or a single figure is never grouped: nothing proves
it is the same document as another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.model import Check
from etl.templates import KIND_LABELS
from etl.textutil import squash
from etl.validate.figures import show
from etl.validate.spec import CheckSpec

if TYPE_CHECKING:  # polars is imported where a corpus is resolved: reading one file needs none of it
    import polars as pl

CHOICES_FILE = ".versions.json"  # in the raw folder; hidden, so never read as a document
PROJECT_KINDS = ("self_evaluation", "target_declaration")
MAX_DIFFERENCES = 200  # per version: enough to see what changed, bounded for a whole re-publication

# What a document's figures are, table by table: the columns that name a figure (those after
# the first ``hidden`` are shown in a difference), and each value column with its Chinese label.
_FIGURES: dict[str, tuple[tuple[str, ...], int, tuple[tuple[str, str], ...]]] = {
    "budget_lines": (
        ("template", "statement", "side", "code", "name", "measure"),
        1,
        (("amount_yuan", ""),),  # the measure names it
    ),
    "three_public": (
        ("doc_kind", "item"),
        1,
        (("budget_yuan", "预算数"), ("actual_yuan", "决算数")),
    ),
    "projects": (
        ("kind", "project_name"),
        1,
        (
            ("budget_initial_yuan", "年初预算数"),
            ("budget_full_year_yuan", "全年预算数"),
            ("executed_yuan", "全年执行数"),
            ("score_total", "总分"),
        ),
    ),
    "narrative_items": (
        ("item",),
        0,
        (
            ("budget_initial_yuan", "年初预算"),
            ("final_yuan", "支出决算"),
            ("prior_executed_yuan", "上年执行数"),
            ("budget_yuan", "本年预算"),
        ),
    ),
}
FIGURE_TABLES = tuple(_FIGURES)  # the tables a document's content fingerprint is made of
_TABLE_LABELS = {
    "budget_lines": "报表数据",
    "three_public": "三公经费",
    "projects": "项目",
    "narrative_items": "说明",
}
_BLANK = "∅"

Figures = dict[tuple[str, str, str], str]  # (table, shown name, hidden identity) -> value


SPECS = (
    CheckSpec(
        "document_duplicate",
        "versions",
        "info",
        "重复文件",
        "同一部门、年度、类型的文件数字完全相同（另存、转码或另一种格式），只计入一次",
    ),
    CheckSpec(
        "document_version",
        "versions",
        "warning",
        "同一文件的另一版本",
        "同一部门、年度、类型的两个文件数字不同（更正后重新公开）；只有一个版本计入各页，可在数据质量页改选",
    ),
)


@dataclass(frozen=True)
class Resolution:
    """What the version rule decided: rows to drop, findings, differences, document columns."""

    dropped: frozenset[str]  # source files whose rows are not counted
    documents: pl.DataFrame
    checks: list[dict[str, Any]]
    differences: pl.DataFrame


def load_choices(raw: Path) -> dict[str, str]:
    """version group -> the source file the official chose; a missing or broken file is no choice."""
    try:
        data = json.loads((raw / CHOICES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_choice(raw: Path, group: str, source_file: str) -> None:
    """Remember which version of ``group`` counts."""
    restore_choices(raw, {**load_choices(raw), group: source_file})


def restore_choices(raw: Path, choices: Mapping[str, str]) -> None:
    """Write the choices as given (atomically: a page may read them); none leaves no file."""
    path = raw / CHOICES_FILE
    if not choices:
        path.unlink(missing_ok=True)
        return
    tmp = raw / f"{CHOICES_FILE}.tmp"
    tmp.write_text(json.dumps(dict(choices), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _norm(value: Any) -> str:
    if value is None:
        return _BLANK
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return squash(str(value))


def figures_of(tables: Mapping[str, pl.DataFrame]) -> dict[str, Figures]:
    """source file -> its figures, each named as an official reads it ('支出决算表 201 … · 基本支出')."""
    out: dict[str, Figures] = {}
    for table, (keys, hidden, values) in _FIGURES.items():
        df = tables.get(table)
        if df is None or df.is_empty():
            continue
        columns = [v for v, _ in values]
        for row in df.select("source_file", *keys, *columns).iter_rows():
            named = [_norm(v) for v in row[1 : 1 + len(keys)]]
            shown = " ".join(p for p in named[hidden:] if p != _BLANK)
            identity = "|".join(named[:hidden])
            mine = out.setdefault(row[0], {})
            for (column, label), value in zip(values, row[1 + len(keys) :], strict=True):
                if value is not None:
                    text = show(value, "元", 2) if column.endswith("_yuan") else _norm(value)
                    mine[(table, f"{shown} · {label}" if label else shown, identity)] = text
    return out


def fingerprint(figures: Figures) -> str | None:
    """sha256 of a document's figures in a fixed order; None when it has none."""
    if not figures:
        return None
    text = "\n".join("|".join((*k, "=", v)) for k, v in sorted(figures.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def group_key(document: Mapping[str, Any], project_names: frozenset[str]) -> str | None:
    """The identity two files must share to be one document; None when it cannot be told."""
    if not document.get("department") or document.get("year") is None or not document.get("kind"):
        return None
    parts = [
        document["kind"],
        document.get("scope") or "",
        document.get("district") or "",
        document["department"],
    ]
    key = "|".join([*parts, str(document["year"])])
    if document["kind"] in PROJECT_KINDS:
        names = "\n".join(sorted(project_names))
        key += "|" + hashlib.sha256(names.encode("utf-8")).hexdigest()[:12]
    return key


def _project_names(projects: pl.DataFrame | None) -> dict[str, frozenset[str]]:
    if projects is None or projects.is_empty():
        return {}
    out: dict[str, set[str]] = {}
    for source_file, name in projects.select("source_file", "project_name").iter_rows():
        out.setdefault(source_file, set()).add(squash(name or ""))
    return {k: frozenset(v) for k, v in out.items()}


def who(document: Mapping[str, Any]) -> str:
    """'上海市松江区城市运行管理中心 2020 年部门决算': the document an identity stands for."""
    kind = KIND_LABELS.get(document.get("kind") or "", document.get("kind") or "")
    return f"{document.get('department')} {document.get('year')} 年{kind}"


def _differences(ours: Figures, counted: Figures) -> list[tuple[str, str, str, str]]:
    """(table label, figure, this version's value, the counted version's value) for each difference."""
    out = []
    for key in sorted(set(ours) | set(counted)):
        a, b = ours.get(key), counted.get(key)
        if a != b:
            out.append((_TABLE_LABELS[key[0]], key[1], a or "（无）", b or "（无）"))
    return out


# What resolve reads of a document besides its identity: group_key, who and the build's check rows.
_DOCUMENT_COLUMNS = ("source_file", "kind", "scope", "district", "department", "year")

Identity = tuple[str | None, frozenset[str]]  # (content fingerprint, project names) of one document


def identities(tables: Mapping[str, pl.DataFrame]) -> dict[str, Identity]:
    """source file -> (fingerprint, project names) of every document whose rows ``tables`` hold.

    Computed as each batch of documents arrives, so the corpus's figures are never held at
    once: a document's rows are all in one batch.
    """
    figures = figures_of(tables)
    names = _project_names(tables.get("projects"))
    files = set(figures) | set(names)
    return {f: (fingerprint(figures.get(f, {})), names.get(f, frozenset())) for f in files}


def resolve(
    documents: pl.DataFrame,
    known: Mapping[str, Identity],
    rows_of: Callable[[Collection[str]], Mapping[str, pl.DataFrame]],
    mtimes: Mapping[str, float],
    choices: Mapping[str, str],
) -> Resolution:
    """Group the documents by identity and content; decide which one of each group counts.

    ``known`` holds each document's fingerprint and project names (:func:`identities`);
    ``rows_of`` gives the rows of a few files, read for the groups that hold several files
    only, to say which figures differ.
    """
    import polars as pl

    from etl.schema import frame

    docs = documents.select(_DOCUMENT_COLUMNS).to_dicts()
    prints = {d["source_file"]: known.get(d["source_file"], (None, frozenset()))[0] for d in docs}
    groups: dict[str, list[dict[str, Any]]] = {}
    keys: dict[str, str | None] = {}
    for d in docs:
        name = d["source_file"]
        key = group_key(d, known[name][1]) if prints[name] else None
        keys[name] = key
        if key is not None:
            groups.setdefault(key, []).append(d)
    several = {d["source_file"] for members in groups.values() if len(members) > 1 for d in members}
    figures = figures_of(rows_of(several)) if several else {}
    counted_of: dict[str, str] = {}
    checks: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        counted, chosen = _counted(key, members, prints, mtimes, choices)
        for d in members:
            name = d["source_file"]
            if name == counted:
                continue
            counted_of[name] = counted
            if prints[name] == prints[counted]:
                checks.append(_duplicate_check(d, counted))
                continue
            diff = _differences(figures.get(name, {}), figures.get(counted, {}))
            checks.append(_version_check(d, counted, chosen, diff))
            differences += [
                {
                    "identity": key,
                    "source_file": name,
                    "counted_file": counted,
                    "table": table,
                    "item": what,
                    "value": value,
                    "value_counted": value_counted,
                }
                for table, what, value, value_counted in diff[:MAX_DIFFERENCES]
            ]
    documents = documents.with_columns(
        pl.Series("content_sha256", [prints[d["source_file"]] for d in docs], dtype=pl.String),
        pl.Series("identity", [keys[d["source_file"]] for d in docs], dtype=pl.String),
        pl.Series("counted", [d["source_file"] not in counted_of for d in docs], dtype=pl.Boolean),
        pl.Series("version_of", [counted_of.get(d["source_file"]) for d in docs], dtype=pl.String),
    )
    return Resolution(frozenset(counted_of), documents, checks, frame("version_differences", differences))


def _counted(
    key: str,
    members: list[dict[str, Any]],
    prints: Mapping[str, str | None],
    mtimes: Mapping[str, float],
    choices: Mapping[str, str],
) -> tuple[str, bool]:
    """(the file that counts, whether an official chose it).

    A choice that names a member wins. Otherwise the newest content counts (a re-publication
    corrects the one before), represented by its oldest copy, so adding a copy changes nothing.
    """
    files = [d["source_file"] for d in members]
    if choices.get(key) in files:
        return choices[key], True
    newest = max(files, key=lambda f: (mtimes.get(f, 0.0), f))
    copies = [f for f in files if prints[f] == prints[newest]]
    return min(copies, key=lambda f: (mtimes.get(f, 0.0), f)), False


def _duplicate_check(document: Mapping[str, Any], counted: str) -> dict[str, Any]:
    return {
        "document": document,
        "check": Check(
            "document_duplicate",
            "info",
            f"本文件与 {counted} 是同一份文件（{who(document)}，所有数字相同），只计入一次，以 {counted} 为准",
        ),
    }


def _version_check(
    document: Mapping[str, Any], counted: str, chosen: bool, diff: list[tuple[str, str, str, str]]
) -> dict[str, Any]:
    shown = "；".join(f"{what}：本文件 {a}，{counted} {b}" for _, what, a, b in diff[:3])
    why = "已在数据质量页选定" if chosen else "较新的文件"
    return {
        "document": document,
        "check": Check(
            "document_version",
            "warning",
            f"本文件与 {counted} 是{who(document)}的两个版本，有 {len(diff)} 个数字不同（{shown}）；"
            f"现以 {counted} 为准（{why}），本文件的数字不计入各页，可在“数据质量”页改选",
        ),
    }


def identity_of(outcome: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(identity, content fingerprint) of one document as ``process_document`` gives it.

    The same rule the build applies to the corpus, so an upload can be told a copy or a
    version of a document already there before anything is stored.
    """
    from etl.schema import frame

    source_file = outcome["document"].get("source_file")
    tables = {t: frame(t, outcome.get(t) or []) for t in _FIGURES}
    printed = fingerprint(figures_of(tables).get(source_file, {}))
    if printed is None:
        return None, None
    names = _project_names(tables["projects"]).get(source_file, frozenset())
    return group_key(outcome["document"], names), printed
