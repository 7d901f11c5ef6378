"""raw text -> parse -> normalise -> validate -> Parquet: the build pipeline.

One document at a time is turned into rows (in worker processes when there
are many); a document that cannot be read becomes a failed row in
``documents`` and an error in ``checks`` and never stops the build. The rows
go to the build's staging folder batch by batch as they arrive
(``load.StagedBuild``): the corpus-wide steps keep only the documents, a few
columns of the projects and each document's fingerprint. The warehouse is
swapped in only when every table has been written.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from etl import cache, engines, load
from etl.errors import BuildError
from etl.model import Check
from etl.normalize import ROW_TABLES, SELF_EVALUATION, TARGET_DECLARATION
from etl.process import PARTIAL_CHECKS, check_row, process_document
from etl.readers import is_original
from etl.schema import TABLES, frame
from etl.textutil import squash
from etl.validate import scopes, versions


@dataclass
class BuildResult:
    out: Path
    build_id: str
    counts: dict[str, int]
    severities: dict[str, int]
    documents: int
    failed: int
    elapsed: float
    phases: dict[str, float]
    pages: int = 0
    report: list[str] = field(default_factory=list)  # per document: tables found/expected, problems
    not_counted: int = 0  # copies and versions of another file, whose rows are left out


def _process_path(path: str, cache_root: str | None = None) -> dict[str, Any]:
    """One file -> its rows, from the cache when its bytes and the parser are unchanged.

    Every document is cached: a PDF costs about 0.1 s a page to read, a text file 6-190 ms
    (the synthetic corpus's and the seeds'), against 0.2-1.8 ms to write its entry and
    0.1-1.2 ms to read it (measured on this machine).
    """
    p = Path(path)
    data = p.read_bytes()
    root = Path(cache_root) if cache_root else None
    k = cache.key(p.name, hashlib.sha256(data).hexdigest())
    hit = cache.get(root, k)
    if hit is not None:
        return hit
    outcome = process_document(p.name, data)
    if outcome.get("cacheable", True):
        cache.put(root, k, outcome)
    return outcome


def raw_files(raw: Path) -> list[Path]:
    """Every regular, non-hidden file under ``raw`` (recursively), sorted by name."""
    if not raw.is_dir():
        raise BuildError(f"原始文件目录不存在：{raw}")
    return sorted(
        p
        for p in raw.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw).parts)
    )


_NAME_SUFFIX = re.compile(r"[（(][^（）()]*[)）]$")


def _link_name(name: str) -> str:
    """Name for matching across years: parenthesised suffixes such as (2022运维) dropped."""
    s = squash(name)
    while _NAME_SUFFIX.search(s):
        s = _NAME_SUFFIX.sub("", s)
    return s


def project_links(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Target declarations matched to self-evaluations of the same department and name."""
    by_department: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for p in projects:
        if p["kind"] == SELF_EVALUATION:
            by_department.setdefault((p["district"], p["department"]), []).append(p)
    links = []
    for d in (p for p in projects if p["kind"] == TARGET_DECLARATION):
        # A declaration is evaluated in its own year or later, never before it was declared.
        same_dept = [
            e
            for e in by_department.get((d["district"], d["department"]), [])
            if d["year"] is None or e["year"] is None or e["year"] >= d["year"]
        ]
        exact = [e for e in same_dept if squash(e["project_name"]) == squash(d["project_name"])]
        method, found = "exact_name", exact
        if not exact:
            method = "normalized_name"
            found = [e for e in same_dept if _link_name(e["project_name"]) == _link_name(d["project_name"])]
        for e in found:
            links.append(
                {
                    "declaration_id": d["project_id"],
                    "evaluation_id": e["project_id"],
                    "district": d["district"],
                    "department": d["department"],
                    "declaration_year": d["year"],
                    "evaluation_year": e["year"],
                    "project_name": d["project_name"],
                    "evaluation_name": e["project_name"],
                    "match_method": method,
                    "candidates": len(found),
                }
            )
    return links


def duplicate_project_checks(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same project (same district, year, kind, department, unit, name, budget) in several files."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for p in projects:
        key = (
            p["district"],
            p["year"],
            p["kind"],
            p["department"],
            p["unit"],
            squash(p["project_name"]),
            p["budget_full_year_yuan"],
        )
        groups.setdefault(key, []).append(p)
    out = []
    for group in groups.values():
        files = sorted({p["source_file"] for p in group})
        if len(files) < 2:
            continue
        first = group[0]
        check = Check(
            "project_in_several_files",
            "warning",
            f"项目“{first['project_name']}”（{first['district']} {first['year']}）出现在 {len(files)} 个文件中：{'、'.join(files)}；"
            "各文件的记录分别保留，汇总时请注意重复计算",
            source_line=first["source_line"],
        )
        who = {"district": first["district"], "year": first["year"], "department": first["department"]}
        for p in group:
            row = check_row(p["source_file"], check, {}, who)
            row["project_id"] = p["project_id"]
            row["source_line"] = p["source_line"]
            row["check_id"] = hashlib.sha1(f"{row['check_id']}|{p['project_id']}".encode()).hexdigest()[:16]
            out.append(row)
    return out


def _who(d: dict[str, Any]) -> dict[str, Any]:
    return {"district": d["district"], "year": d["year"], "department": d["department"]}


def count_once(
    documents: pl.DataFrame,
    known: dict[str, versions.Identity],
    staged: load.StagedBuild,
    raw: Path,
    paths: list[Path],
) -> tuple[pl.DataFrame, pl.DataFrame, versions.Resolution]:
    """Copies and versions of one document: one counts, the others' rows leave every table.
    A unit's document whose department's consolidated document counts stays, out of the totals.

    Works from the documents and each document's fingerprint; the staged rows of the files
    that are copies or versions of another are read back to compare, and dropped from the
    staged tables. Returns the documents, the findings (checks rows) and the resolution.
    """
    mtimes = {p.name: p.stat().st_mtime for p in paths}

    def rows_of(files: Collection[str]) -> dict[str, pl.DataFrame]:
        return {name: staged.rows(name, files) for name in versions.FIGURE_TABLES}

    found = versions.resolve(documents, known, rows_of, mtimes, versions.load_choices(raw))
    staged.drop(found.dropped)
    documents, scoped = scopes.resolve(found.documents)
    rows = [
        check_row(d["source_file"], item["check"], {}, _who(d))
        for item in (*found.checks, *scoped)
        for d in (item["document"],)
    ]
    return documents, frame("checks", rows), found


# What project_links and duplicate_project_checks read of a project: kept for the whole corpus.
PROJECT_COLUMNS = (
    "project_id",
    "source_file",
    "source_line",
    "district",
    "year",
    "department",
    "unit",
    "project_name",
    "kind",
    "budget_full_year_yuan",
)


def corpus_projects(projects: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """project_links and the project_in_several_files checks of the counted projects.

    Neither ever pairs projects of two districts, so each district's projects are made dicts
    in turn, never the corpus's; links keep the order of their declarations.
    """
    links: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for row, pid in enumerate(projects["project_id"].to_list()):
        first_row.setdefault(pid, row)
    for part in projects.partition_by("district", maintain_order=True):
        rows = part.to_dicts()
        links += project_links(rows)
        checks += duplicate_project_checks(rows)
    links.sort(key=lambda link: first_row[link["declaration_id"]])
    return frame("project_links", links), frame("checks", checks)


CHUNK = 64  # text documents per worker task: frames are built where the rows are made


@dataclass(frozen=True)
class Chunk:
    documents: int
    pages: int
    frames: dict[str, pl.DataFrame]


def _process_chunk(paths: list[str], cache_root: str | None = None) -> Chunk:
    """Several documents -> one frame per table (built in the worker, cheap to send back)."""
    return _frames([_process_path(path, cache_root) for path in paths])


def _frames(outcomes: list[dict[str, Any]]) -> Chunk:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (*ROW_TABLES, "documents", "checks")}
    pages = 0
    for outcome in outcomes:
        rows["documents"].append(outcome["document"])
        rows["checks"].extend(outcome["checks"])
        pages += outcome["document"]["n_pages"] or 0
        for name in ROW_TABLES:
            rows[name].extend(outcome[name])
    return Chunk(len(outcomes), pages, {name: frame(name, table_rows) for name, table_rows in rows.items()})


def _is_original(path: Path) -> bool:
    """An original (slow to read: cached, a worker task of its own), told by the readers from its first bytes.

    A .doc costs a ~1 s LibreOffice conversion, so it is cached like a PDF.
    """
    with path.open("rb") as f:
        return is_original(f.read(1024))


def _batches(paths: list[Path]) -> list[list[str]]:
    """Originals one per task (so two cores share them), text files CHUNK at a time, in order."""
    batches: list[list[str]] = []
    text: list[str] = []
    for p in paths:
        if _is_original(p):
            batches.append([str(p)])
            continue
        text.append(str(p))
        if len(text) == CHUNK:
            batches.append(text)
            text = []
    if text:
        batches.append(text)
    return batches


def _plan(
    paths: list[Path], cache_root: Path | None
) -> tuple[list[tuple[str, str]], list[Path], cache.FileIndex | None]:
    """The documents whose rows the cache holds, as (path, cache key); those left to read; the file index."""
    if cache_root is None:
        return [], paths, None
    files = cache.FileIndex(cache_root)
    hits, misses = [], []
    for p in paths:
        # By content: a file replaced under its old name, size and mtime is read again.
        k = cache.key(p.name, files.sha256(p))
        if cache.exists(cache_root, k):  # a miss's entry is written by the worker that reads it
            hits.append((str(p), k))
        else:
            misses.append(p)
    files.save()
    return hits, misses, files


def _from_cache(hits: list[tuple[str, str]], cache_root: Path) -> Iterator[Chunk]:
    """Cached documents -> chunks of CHUNK, built in this process (no worker round trip); a chunk
    at a time, so a large cached corpus is never held whole."""
    for start in range(0, len(hits), CHUNK):
        outcomes = []
        for path, k in hits[start : start + CHUNK]:
            hit = cache.get(cache_root, k)
            outcomes.append(hit if hit is not None else _process_path(path, str(cache_root)))
        yield _frames(outcomes)


def _chunks(
    paths: list[Path],
    workers: int,
    cache_root: Path | None,
    engine: str = "local",
    address: str | None = None,
) -> Iterator[Chunk]:
    """Every document's rows: cached documents first (CHUNK at a time), then the rest as the
    engine returns them (the local pool: in input order; a cluster: as its tasks complete).

    Documents the cache holds are loaded here while the workers read the new ones, so
    adding one file to a large corpus costs about that file's own reading time.
    """
    hits, misses, files = _plan(paths, cache_root)
    todo = _batches(misses)
    root = str(cache_root) if cache_root else None

    def cached() -> Iterator[Chunk]:
        if hits:
            assert cache_root is not None
            yield from _from_cache(hits, cache_root)

    if engine == "local" and (workers <= 1 or not todo or (len(todo) < 2 and not hits)):
        yield from cached()
        for batch in todo:
            yield _process_chunk(batch, root)
    elif not todo:
        yield from cached()  # nothing to read: no cluster is started or reached
    else:
        with engines.open_engine(engine, min(workers, len(todo)), address) as pool:
            results = pool.map(_process_chunk, todo, root)  # submitted now
            yield from cached()  # loaded here while the workers read the new documents
            yield from results
    if files is not None:
        files.settle()  # originals changed just before this build: recorded now that it is safe


CACHE_ENV = "ETL_CACHE_DIR"


def default_cache(out: Path) -> Path:
    """$ETL_CACHE_DIR when set — one parse cache for every build that names it (entries are keyed by
    the bytes and the parser's code, written atomically, so builds may share it at once) — else
    beside the warehouse link: data/warehouse -> data/warehouse.cache (git-ignored)."""
    shared = os.environ.get(CACHE_ENV, "").strip()
    return Path(shared) if shared else out.with_name(out.name + ".cache")


def build(
    raw: Path,
    out: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int, float, int], None] | None = None,
    cache_dir: Path | None | bool = True,
    engine: str = "local",
    address: str | None = None,
) -> BuildResult:
    """Parse every file in ``raw`` and swap a new warehouse in at ``out``.

    ``cache_dir``: where parsed rows are kept between builds (True: beside ``out``;
    False or None: no cache). ``engine``: where documents are read (etl.engines: ``local``
    processes, or ``dask``, a cluster of ``workers`` started here or reached at ``address``).
    """
    started = time.perf_counter()
    engines.check(engine, address)
    paths = raw_files(raw)
    if not paths:
        raise BuildError(f"原始文件目录 {raw} 中没有文件")
    workers = workers if workers is not None else (os.cpu_count() or 1)
    cache_root = default_cache(out) if cache_dir is True else (cache_dir or None)
    load.prune_staging(out)  # left by a killed build; a running build's staging is locked
    if cache_root is not None:
        cache.prune_leftovers(cache_root)
    with load.StagedBuild(out) as staged:  # removed unless published
        build_dir, result = _stream(
            raw, out, paths, staged, workers, cache_root, progress, started, engine, address
        )
    load.swap_in(out, build_dir)
    load.prune_builds(out)
    result.elapsed = time.perf_counter() - started
    result.phases["write_s"] = round(result.elapsed - result.phases["parse_s"] - result.phases["tables_s"], 2)
    return result


def _stream(
    raw: Path,
    out: Path,
    paths: list[Path],
    staged: load.StagedBuild,
    workers: int,
    cache_root: Path | None,
    progress: Callable[[int, int, float, int], None] | None,
    started: float,
    engine: str = "local",
    address: str | None = None,
) -> tuple[Path, BuildResult]:
    """Every chunk's rows staged as it arrives; then the corpus-wide steps; the build written.

    Only the documents, each document's fingerprint and a few columns of the projects are
    kept for the whole corpus; the figure tables go to disk batch by batch.
    """
    documents_parts: list[pl.DataFrame] = []
    project_parts: list[pl.DataFrame] = []
    known: dict[str, versions.Identity] = {}
    done_docs = done_pages = 0
    for chunk in _chunks(paths, workers, cache_root, engine, address):
        frames = chunk.frames
        known.update(versions.identities(frames))
        documents_parts.append(frames["documents"])
        project_parts.append(frames["projects"].select(PROJECT_COLUMNS))
        staged.add({name: frames[name] for name in load.PARTITIONED})
        done_docs += chunk.documents
        done_pages += chunk.pages
        if progress:
            progress(done_docs, len(paths), time.perf_counter() - started, done_pages)
    parsed_at = time.perf_counter()
    # Cached documents arrive first: a stable sort by file gives every build the same row order.
    documents = pl.concat(documents_parts, how="vertical").sort("source_file", maintain_order=True)
    del documents_parts
    if (documents["status"] == "failed").all():
        failed = documents.head(5).select("source_file", "error").iter_rows()
        reasons = "; ".join(f"{name}: {error}" for name, error in failed)
        raise BuildError(f"没有任何文件读出数据（共 {len(paths)} 个文件；{reasons}）")
    documents, found_checks, found = count_once(documents, known, staged, raw, paths)
    projects = (
        pl.concat(project_parts, how="vertical")
        .sort("source_file", maintain_order=True)
        .filter(~pl.col("source_file").is_in(pl.Series(list(found.dropped), dtype=pl.String).implode()))
    )
    del project_parts
    links, duplicate_checks = corpus_projects(projects)
    staged.add({"checks": pl.concat([found_checks, duplicate_checks], how="vertical")})
    framed_at = time.perf_counter()
    counts = staged.finish(
        {"documents": documents, "version_differences": found.differences, "project_links": links}
    )
    counts = {name: counts[name] for name in TABLES}
    written = staged.scan("checks")
    severities = Counter(dict(written.group_by("severity", maintain_order=True).len().collect().iter_rows()))
    digest = hashlib.sha256("".join(sorted(documents["sha256"].to_list())).encode()).hexdigest()[:8]
    now = datetime.now(UTC)
    build_id = f"{now:%Y%m%dT%H%M%S%f}-{digest}"
    manifest = {
        "build_id": build_id,
        "created_at": now.isoformat(timespec="seconds"),
        "raw": str(raw),
        "counts": counts,
        "checks_by_severity": dict(severities),
        "files": documents.select("source_file", "sha256", "status").to_dicts(),
    }
    report = document_report(documents, written)
    build_dir = staged.publish(build_id, manifest)
    return build_dir, BuildResult(
        out=out,
        build_id=build_id,
        counts=counts,
        severities=dict(severities),
        documents=len(paths),
        failed=int((documents["status"] == "failed").sum()),
        not_counted=int((~documents["counted"]).sum()),
        pages=done_pages,
        report=report,
        elapsed=0.0,
        phases={"parse_s": round(parsed_at - started, 2), "tables_s": round(framed_at - parsed_at, 2)},
    )


def print_progress(done: int, total: int, elapsed: float, pages: int = 0) -> None:
    """A progress line on stderr, at most every half second and at the end."""
    now = time.perf_counter()
    last = getattr(print_progress, "_last", 0.0)
    if done != total and now - last < 0.5:
        return
    print_progress._last = now  # type: ignore[attr-defined]
    rate = done / elapsed if elapsed > 0 else 0.0
    end = "\n" if done == total else "\r"
    page_rate = f", {pages} pages, {pages / elapsed:,.1f} pages/s" if pages and elapsed > 0 else ""
    print(
        f"  parsed {done}/{total} files in {elapsed:.1f}s ({rate:,.1f} files/s{page_rate})",
        end=end,
        file=sys.stderr,
        flush=True,
    )


REPORT_DOCUMENTS = 40  # documents listed one by one in the summary; the rest are counted
REPORT_PROBLEMS = 5  # problems listed per document


_KIND_LABELS = {
    "final_accounts": "决算",
    "budget": "预算",
    "self_evaluation": "绩效自评",
    "target_declaration": "绩效目标",
}


_REPORT_COLUMNS = (
    "source_file",
    "status",
    "kind",
    "tables_found",
    "tables_expected",
    "tables_missing",
    "n_budget_lines",
    "n_projects",
    "counted",
    "version_of",
)


def document_report(documents: pl.DataFrame, checks: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """Per document: kind, status, tables found against expected, and where its problems are.

    Documents that are not plainly ok come first, so the ones that need a look are never cut off.
    Only the documents listed become dicts, and only their problems are read from ``checks``
    (which may be lazy): a corpus of 100,000 documents is not turned into Python objects.
    """
    columns = [c for c in _REPORT_COLUMNS if c in documents.columns]
    counted = pl.col("counted").fill_null(True) if "counted" in columns else pl.lit(True)
    ordered = documents.select(columns).sort(
        (pl.col("status") == "ok") & counted, pl.col("source_file"), maintain_order=True
    )
    shown = ordered.head(REPORT_DOCUMENTS).to_dicts()
    problems = (
        checks.lazy()
        .filter(
            pl.col("severity").is_in(["error", "warning"])
            & pl.col("check").is_in(PARTIAL_CHECKS | {"file_unreadable", "layout_unknown"})
            & pl.col("source_file").is_in(
                pl.Series([d["source_file"] for d in shown], dtype=pl.String).implode()
            )
        )
        .collect()
    )
    by_file: dict[str, list[dict[str, Any]]] = {}
    for row in problems.iter_rows(named=True):
        by_file.setdefault(row["source_file"], []).append(row)
    lines = []
    for d in shown:
        tables = (
            f", tables {d['tables_found']}/{d['tables_expected']}" if d["tables_expected"] is not None else ""
        )
        kind = _KIND_LABELS.get(d["kind"] or "", "?")
        lines.append(
            f"  {d['status']:<8}{d['source_file']} ({kind}{tables}, {d['n_budget_lines']} lines, {d['n_projects']} projects)"
        )
        if d["tables_missing"]:
            lines.append(f"            missing: {d['tables_missing']}")
        if d.get("counted") is False:
            lines.append(
                f"            not counted: a copy or another version of {d['version_of']}, which counts"
            )
        found = by_file.get(d["source_file"], [])
        for row in found[:REPORT_PROBLEMS]:
            page = f"p.{row['source_page']} " if row["source_page"] is not None else ""
            lines.append(f"            {page}{row['check']}: {row['message'][:120]}")
        if len(found) > REPORT_PROBLEMS:
            lines.append(f"            … {len(found) - REPORT_PROBLEMS} more")
    if ordered.height > REPORT_DOCUMENTS:
        rest = ordered.slice(REPORT_DOCUMENTS)
        lines.append(f"  … {rest.height} more documents ({int((rest['status'] == 'ok').sum())} ok)")
    return lines


def summary(result: BuildResult) -> str:
    c, s = result.counts, result.severities
    return "\n".join(
        [
            f"warehouse {result.out} -> build {result.build_id} in {result.elapsed:.2f}s",
            f"  documents      {result.documents} ({result.failed} failed"
            + (
                f", {result.not_counted} not counted: copies or versions of another file"
                if result.not_counted
                else ""
            )
            + ")",
            f"  pages          {result.pages}",
            f"  projects       {c['projects']}",
            f"  indicators     {c['indicators']}",
            f"  budget lines   {c['budget_lines']}",
            f"  三公 lines      {c['three_public']}",
            f"  narrative      {c['narrative_items']} items, {c['narrative_figures']} figures",
            f"  checks         {c['checks']} (error {s.get('error', 0)}, warning {s.get('warning', 0)}, info {s.get('info', 0)})",
            "per document (status, file, tables found/expected, where a problem is):",
            *result.report,
        ]
    )
