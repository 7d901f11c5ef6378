"""Parsed rows of each document, kept between builds (keyed by file bytes and parser version).

Reading a PDF costs about 0.1 s a page; reading its cached rows costs nothing. A
document's rows depend only on its name, its bytes and the ETL code, so the key is
sha256(name, bytes) + a hash of every source file of the ``etl`` package: any change
to a parser or to the template vocabulary invalidates every entry. A damaged entry
is ignored and rebuilt. An index from (name, size, modification time) to the key lets a
rebuild skip hashing files it has seen (hundreds of MB for a large corpus). The cache is
an optimisation only; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@cache
def parser_version() -> str:
    """Hash of the ETL's own code and vocabulary (every .py and .toml under etl/)."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def key(source_file: str, sha256: str) -> str:
    return hashlib.sha256(f"{parser_version()}|{source_file}|{sha256}".encode()).hexdigest()


def _path(root: Path, k: str) -> Path:
    return root / k[:2] / f"{k}.pkl"


def exists(root: Path, k: str) -> bool:
    return _path(root, k).is_file()


def get(root: Path | None, k: str) -> dict[str, Any] | None:
    if root is None:
        return None
    path = _path(root, k)
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged entry: read the document again
        return None
    return value if isinstance(value, dict) else None


def put(root: Path | None, k: str, value: dict[str, Any]) -> None:
    """Write atomically (temp file + rename), so a crash never leaves half an entry."""
    if root is None:
        return
    path = _path(root, k)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


_INDEX = "index.json"


def stat_key(path: Path) -> str:
    """Name, size and modification time: tells an unchanged file without reading it."""
    st = path.stat()
    return f"{parser_version()}|{path.name}|{st.st_size}|{st.st_mtime_ns}"


def load_index(root: Path) -> dict[str, str]:
    """stat_key -> cache key of the files seen by earlier builds (empty when missing or damaged)."""
    try:
        value = json.loads((root / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save_index(root: Path, index: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{_INDEX}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, root / _INDEX)
