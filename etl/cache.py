"""Parsed rows of each document, kept between builds (keyed by file bytes and parser version).

Reading a PDF costs about 0.1 s a page; reading its cached rows costs nothing. A
document's rows depend only on its name, its bytes and the ETL code, so the key is
sha256(name, bytes) + a hash of every source file of the ``etl`` package: any change
to a parser or to the template vocabulary invalidates every entry. A damaged entry
is ignored and rebuilt. The cache is an optimisation only; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
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
