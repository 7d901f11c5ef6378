"""Adding a published document to the corpus and removing it again (no Streamlit here).

The 数据导入 page shows what these functions return. An upload is read once, before
anything is stored, with the ETL's own ``process_document``, so the preview is exactly
what the warehouse would get; it runs in a child process with a time and a memory limit
(``dashboard.preview_process``), so a costly file costs the server nothing. A file is refused, with a Chinese reason and nothing
stored, when its name has path parts, it is too large, its bytes are none of the accepted
types, it cannot be read, or its bytes are already in the corpus. An accepted file is
written under a name made here (never the uploaded one) into ``BUDGET_RAW`` and the
warehouse is rebuilt with the cache, so unchanged originals cost nothing; the build
swaps itself in atomically and every dashboard session resolves the build per run.
Writing and rebuilding happen under the warehouse's build lock (etl.load) so two sessions,
or a session and ``make rebuild``, never build at once, and a failed rebuild puts the raw folder back as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import polars as pl

from dashboard import preview_process
from etl import cache
from etl.build import BuildError, build, raw_files
from etl.errors import WarehouseUnwritable
from etl.load import WarehouseBusy, read_manifest, read_table, warehouse_lock
from etl.readers import UnreadableDocument, detect_type
from etl.readers.model import DOC, DOCX, PDF, TEXT, XLS, XLSX
from etl.validate import versions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW = ROOT / "data" / "raw"
MB = 1024 * 1024
MAX_BYTES = 50 * MB
# The browser's own cap (st.file_uploader's max_upload_size, in MB): above it the file never reaches
# the server and Streamlit says so in English only, so the page states it in Chinese. Twice MAX_BYTES
# so that a file somewhat over our limit is still refused by size_refusal, in Chinese, naming the limit.
UPLOAD_CAP_MB = 100
PREFIX = "upload_"
# Stored under the extension the bytes say: a WPS 文字 .wps is Word's binary format, so it is kept as .doc.
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", XLS: "xls", DOC: "doc", TEXT: "txt"}
STORED_NAME = re.compile(r"upload_[0-9a-f]{12}_[a-z_]+_[a-z0-9]+\.(pdf|docx|xlsx|xls|doc|txt)")
SAFE_NAME = re.compile(r"[a-z0-9_.]+")
LOCK_TIMEOUT = 600.0  # seconds a second session waits for a running add or remove
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
TYPE_WORDS = {
    PDF: "PDF",
    DOCX: "Word（DOCX）",
    XLSX: "Excel（XLSX）",
    XLS: "Excel（XLS）",
    DOC: "Word（DOC/WPS）",
    TEXT: "文本",
}
ACCEPTED_WORDS = "PDF、Word（DOCX、DOC 或 WPS）、Excel（XLSX 或 XLS）或文本文件"


class Refused(Exception):
    """A file or a removal refused; the message (Chinese) says why. Nothing was changed."""


class ImportFailed(Exception):
    """The rebuild failed or the lock could not be had; the raw folder was put back."""


@dataclass(frozen=True)
class Preview:
    """What one upload would become: its documents row and checks, or why it is refused."""

    upload_name: str
    size: int
    sha256: str
    document: dict[str, Any]
    checks: tuple[dict[str, Any], ...]
    refusal: str | None
    data: bytes = field(repr=False, compare=False)
    identity: str | None = None  # etl.validate.versions: kind|scope|district|department|year
    content: str | None = None  # the fingerprint of the figures it prints
    notice: str | None = None  # accepted, but the official should know (another version of a file)

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    @property
    def stored_name(self) -> str:
        return stored_name(self.sha256, self.document.get("kind"), self.document.get("year"), self.file_type)

    @property
    def file_type(self) -> str | None:
        return self.document.get("file_type")


@dataclass(frozen=True)
class Change:
    """One add or remove that went through: which files, the build now in, how long it took."""

    files: tuple[str, ...]
    build_id: str
    documents: int
    seconds: float


# --- where things are ---------------------------------------------------------------------


def raw_path() -> Path:
    """The corpus folder (env BUDGET_RAW, default data/raw), relative paths from the repo root."""
    value = os.environ.get("BUDGET_RAW")
    path = Path(value) if value else DEFAULT_RAW
    return path if path.is_absolute() else ROOT / path


def built_from(warehouse: Path) -> Path | None:
    """The raw folder the current build was made from (its manifest), relative paths from the repo root."""
    try:
        manifest = read_manifest(warehouse)
    except (OSError, ValueError):
        return None
    if not manifest or not manifest.get("raw"):
        return None
    path = Path(str(manifest["raw"]))
    return path if path.is_absolute() else ROOT / path


@contextmanager
def corpus_lock(warehouse: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """The warehouse's build lock (etl.load) around write + rebuild, refused in Chinese when busy.

    ``python -m etl build`` (make rebuild) takes the same lock, so a rebuild from the command
    line and an upload never swap in builds over each other.
    """
    try:
        with warehouse_lock(warehouse, timeout):
            yield
    except WarehouseBusy:
        raise ImportFailed(
            "另一位用户正在导入、移除文件或重建数据仓库，请稍后再试；本次未作任何更改"
        ) from None
    except WarehouseUnwritable as exc:
        raise ImportFailed(f"{exc}；本次未作任何更改") from None


# --- the corpus as it is --------------------------------------------------------------------


def corpus_files(raw: Path) -> dict[str, Path]:
    """Every file the build reads (its own raw_files), by path relative to the raw folder."""
    if not raw.is_dir():
        return {}
    return {p.relative_to(raw).as_posix(): p for p in raw_files(raw)}


_hash_memo: dict[tuple[str | int, ...], str] = {}
_hash_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered by its path and cache.signature (a file replaced keeping its
    size and mtime changes its ctime): every page run asks again."""
    memo_key = (str(path), *cache.signature(path.stat()))
    with _hash_lock:
        known = _hash_memo.get(memo_key)
    if known is None:
        known = cache.file_sha256(path)
        with _hash_lock:
            _hash_memo[memo_key] = known
    return known


def duplicate_of(sha256: str, raw: Path) -> str | None:
    """The corpus file with these exact bytes, if any (the same document under any name)."""
    for name, path in corpus_files(raw).items():
        if file_sha256(path) == sha256:
            return name
    return None


def is_imported(name: str) -> bool:
    """A file this importer wrote (its name is one we make), as opposed to the seed corpus."""
    return STORED_NAME.fullmatch(PurePosixPath(name).name) is not None


def imported_files(raw: Path) -> list[str]:
    return [name for name in corpus_files(raw) if is_imported(name)]


def seed_files(raw: Path) -> list[str]:
    return [name for name in corpus_files(raw) if not is_imported(name)]


# --- refusals ---------------------------------------------------------------------------------


def shown_name(name: str) -> str:
    """The uploaded name as it may be printed in a message: NUL visible, length bounded."""
    text = name.replace("\x00", "\\0")
    return text if len(text) <= 80 else text[:77] + "…"


def name_refusal(name: str) -> str | None:
    """Refuse names with path parts, although the name is never used as a path: they are a sign of a bad client."""
    windows = PureWindowsPath(name)
    bad = (
        not name.strip()
        or "\x00" in name
        or "/" in name
        or "\\" in name
        or name in (".", "..")
        or PurePosixPath(name).is_absolute()
        or bool(windows.drive)
        or windows.is_absolute()
    )
    if not bad:
        return None
    return (
        f"文件名“{shown_name(name)}”含有路径或非法字符（如 /、\\、..、盘符或空字符），已拒绝，未保存。"
        "请只上传文件本身。"
    )


def size_refusal(size: int, max_bytes: int = MAX_BYTES) -> str | None:
    if size == 0:
        return "文件是空的（0 字节），未保存。"
    if size > max_bytes:
        return f"文件过大（{size / MB:.1f} MB），单个文件不能超过 {max_bytes / MB:g} MB，未保存。"
    return None


def type_refusal(data: bytes) -> str | None:
    """Told by the bytes, as the build does: an HTML page named .pdf is refused here."""
    try:
        detect_type(data)
    except UnreadableDocument as exc:
        return f"文件类型不符：{exc}。只接受 {ACCEPTED_WORDS}，未保存。"
    return None


def read_refusal(document: dict[str, Any], checks: Sequence[dict[str, Any]]) -> str | None:
    """A failed document (broken, encrypted, no known table) is refused; 'partial' may be added."""
    if document["status"] != "failed":
        return None
    reasons = [c["message"] for c in checks if c["check"] in ("file_unreadable", "layout_unknown")]
    reason = reasons[0] if reasons else (document.get("error") or "未读出任何内容")
    return f"文件未能读入：{reason.rstrip('。；')}。未保存。"


def duplicate_refusal(sha256: str, raw: Path) -> str | None:
    existing = duplicate_of(sha256, raw)
    if existing is None:
        return None
    return f"数据库中已有同一文件：{existing}（内容完全相同），未重复保存。"


# --- reading an upload ------------------------------------------------------------------------


def stored_name(sha256: str, kind: str | None, year: int | None, file_type: str | None) -> str:
    """The name an accepted file is saved under: made from its bytes and what was read, [a-z0-9_.] only."""
    kind_part = re.sub(r"[^a-z_]", "", kind or "") or "unknown"
    year_part = str(year) if isinstance(year, int) and 0 < year < 10000 else "noyear"
    ext = EXTENSIONS.get(file_type or "", "txt")
    name = f"{PREFIX}{sha256[:12]}_{kind_part}_{year_part}.{ext}"
    assert SAFE_NAME.fullmatch(name) and STORED_NAME.fullmatch(name), name
    return name


def _sorted_checks(checks: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Errors first, then warnings, then infos; by page within each (how a reviewer reads them)."""
    return tuple(
        sorted(
            checks,
            key=lambda c: (
                SEVERITY_ORDER.get(c["severity"], 3),
                c["source_page"] or 0,
                c["source_line"] or 0,
            ),
        )
    )


def read_upload(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> Preview:
    """Everything the page shows before storing: cheap refusals first, then one full parse."""
    sha = hashlib.sha256(data).hexdigest()
    base = {"source_file": None, "status": "failed", "file_type": None, "kind": None, "year": None}
    for refusal in (name_refusal(name), size_refusal(len(data), max_bytes), type_refusal(data)):
        if refusal:
            return Preview(name, len(data), sha, base, (), refusal, data)
    # Parsed under a neutral name (the upload's own must not reach the rows), in a child process.
    try:
        outcome = preview_process.process_limited(f"{PREFIX}{sha[:12]}", data)
    except preview_process.TooCostly as exc:
        return Preview(name, len(data), sha, base, (), str(exc), data)
    document, checks = outcome["document"], outcome["checks"]
    identity, content = versions.identity_of(outcome)
    refusal = read_refusal(document, checks)
    return Preview(name, len(data), sha, document, _sorted_checks(checks), refusal, data, identity, content)


def same_document(preview: Preview, warehouse: Path | None) -> tuple[str | None, str | None]:
    """(a corpus file that is a copy of the upload, a corpus file it is another version of).

    Told by identity and figures, as the build tells them (etl.validate.versions), from the
    documents of the build now in; a warehouse from before identities were kept tells nothing.
    """
    if warehouse is None or preview.identity is None:
        return None, None
    try:
        docs = read_table(warehouse, "documents", columns=["source_file", "identity", "content_sha256"])
    except (OSError, pl.exceptions.PolarsError):
        return None, None
    same = docs.filter(pl.col("identity") == preview.identity)
    copies = same.filter(pl.col("content_sha256") == preview.content)["source_file"].to_list()
    others = same.filter(pl.col("content_sha256") != preview.content)["source_file"].to_list()
    return (copies[0] if copies else None), (others[0] if others else None)


def with_corpus(preview: Preview, raw: Path, warehouse: Path | None = None) -> Preview:
    """The preview with the duplicate checks against the corpus as it is now (it changes)."""
    if not preview.accepted:
        return preview
    refusal = duplicate_refusal(preview.sha256, raw)
    if refusal:
        return replace(preview, refusal=refusal)
    copy, version = same_document(preview, warehouse)
    who = versions.who(preview.document)
    if copy:
        return replace(
            preview,
            refusal=f"数据库中已有同一文件：{copy}（{who}，所有数字相同，只是另存或格式不同），未重复保存。",
        )
    if version:
        return replace(
            preview,
            notice=(
                f"数据库中已有{who}的另一版本：{version}，两者数字不同。加入后以本文件（较新）为准，"
                f"{version} 的数字不再计入各页；可在“数据质量”页查看两者的差异并改选。"
            ),
        )
    return preview


def inspect(
    name: str, data: bytes, raw: Path, *, max_bytes: int = MAX_BYTES, warehouse: Path | None = None
) -> Preview:
    """read_upload + the duplicate checks: the whole verdict on one upload."""
    return with_corpus(read_upload(name, data, max_bytes=max_bytes), raw, warehouse)


# --- changing the corpus ----------------------------------------------------------------------


def _batch_refusals(previews: Sequence[Preview], raw: Path, warehouse: Path | None = None) -> list[str]:
    """Re-checked under the lock: another session may have added the same bytes meanwhile."""
    problems, seen = [], set()
    for p in previews:
        current = with_corpus(p, raw, warehouse)
        if current.refusal:
            problems.append(f"{shown_name(p.upload_name)}：{current.refusal}")
        elif p.sha256 in seen:
            problems.append(f"{shown_name(p.upload_name)}：与本次上传的另一个文件内容相同")
        seen.add(p.sha256)
    return problems


def _write_new(raw: Path, name: str, data: bytes) -> Path:
    """Temp file (hidden, so the build never reads it) then rename: no half-written document."""
    path = raw / name
    if path.exists():
        raise Refused(f"原始文件目录中已有文件 {name}，未覆盖。")
    tmp = raw / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _rebuild(raw: Path, warehouse: Path, workers: int) -> Any:
    """The incremental build (cache beside the warehouse); English build errors said in Chinese."""
    try:
        return build(raw, warehouse, workers=workers, cache_dir=True)
    except BuildError as exc:
        raise ImportFailed(f"重建数据仓库失败（{exc}）；原始文件已恢复原样，数据仓库未改变") from exc
    except Exception as exc:
        raise ImportFailed(
            f"重建数据仓库时出错（{type(exc).__name__}: {exc}）；原始文件已恢复原样，数据仓库未改变"
        ) from exc


def add(
    previews: Sequence[Preview],
    raw: Path,
    warehouse: Path,
    *,
    workers: int = 1,
    timeout: float = LOCK_TIMEOUT,
) -> Change:
    """Store the accepted uploads and swap in a build with them; all or nothing.

    ``workers=1``: the dashboard is a threaded server, where forking build workers is
    unsafe, and the cache leaves only the new files to parse.
    """
    if not previews:
        raise Refused("没有要加入的文件。")
    started = time.perf_counter()
    with corpus_lock(warehouse, timeout):
        if not raw.is_dir():  # a mistyped BUDGET_RAW would otherwise rebuild from this file alone
            raise Refused(f"原始文件目录 {raw} 不存在（环境变量 BUDGET_RAW），未保存。")
        problems = _batch_refusals(previews, raw, warehouse)
        if problems:
            raise Refused("；".join(problems))
        written: list[Path] = []
        try:
            for p in previews:
                written.append(_write_new(raw, p.stored_name, p.data))
            result = _rebuild(raw, warehouse, workers)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    names = tuple(p.stored_name for p in previews)
    return Change(names, result.build_id, result.documents, time.perf_counter() - started)


def _removable(names: Sequence[str], files: dict[str, Path], seeds_confirmed: bool) -> list[str]:
    problems = []
    for name in names:
        if name not in files:
            problems.append(f"数据库中没有文件“{shown_name(name)}”")
        elif not is_imported(name) and not seeds_confirmed:
            problems.append(f"“{name}”是原有文件（不是通过本页导入的），移除前须勾选确认")
    return problems


def remove(
    names: Sequence[str],
    raw: Path,
    warehouse: Path,
    *,
    seeds_confirmed: bool = False,
    workers: int = 1,
    timeout: float = LOCK_TIMEOUT,
) -> Change:
    """Take files out of the raw folder and swap in a build without them; put them back if it fails.

    Only names the raw folder lists are accepted, so a name from the page is never a path.
    """
    if not names:
        raise Refused("没有选择要移除的文件。")
    started = time.perf_counter()
    with corpus_lock(warehouse, timeout):
        files = corpus_files(raw)
        problems = _removable(names, files, seeds_confirmed)
        if problems:
            raise Refused("；".join(problems) + "。未作任何更改。")
        kept = {name: files[name].read_bytes() for name in names}
        try:
            for name in names:
                files[name].unlink()
            result = _rebuild(raw, warehouse, workers)
        except BaseException:
            for name, data in kept.items():
                files[name].write_bytes(data)
            raise
    return Change(tuple(names), result.build_id, result.documents, time.perf_counter() - started)


def choose_version(
    identity: str, source_file: str, raw: Path, warehouse: Path, *, workers: int = 1
) -> Change:
    """Make ``source_file`` the version of ``identity`` that counts, and swap in a build with it.

    The choice is kept in the raw folder (etl.validate.versions), so every later build keeps it.
    """
    started = time.perf_counter()
    with corpus_lock(warehouse):
        files = corpus_files(raw)
        if source_file not in files:
            raise Refused(f"数据库中没有文件“{shown_name(source_file)}”，未作任何更改。")
        before = versions.load_choices(raw)
        versions.save_choice(raw, identity, source_file)
        try:
            result = _rebuild(raw, warehouse, workers)
        except BaseException:
            versions.restore_choices(raw, before)
            raise
    return Change((source_file,), result.build_id, result.documents, time.perf_counter() - started)
