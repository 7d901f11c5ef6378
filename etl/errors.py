"""The build's own failures, in one place so that etl.load can raise what etl.build callers catch.

A full disk or a read-only folder is no bug of ours: the command line and the 数据导入
page say so in one Chinese line naming the folder, instead of a Python traceback.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path


class BuildError(Exception):
    """The build produced nothing usable; the old warehouse is left untouched."""


class WarehouseUnwritable(BuildError):
    """The warehouse's folder could not be written (disk full, read-only, no permission).

    The message is the one line an official reads: '无法写入数据仓库目录 /x/y：磁盘空间不足'.
    """

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"无法写入数据仓库目录 {folder}：{reason}")
        self.folder = folder
        self.reason = reason


REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "目录只读",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
}

# Polars reports an I/O failure as a ComputeError whose text ends '(os error 28)'.
_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def os_errno(exc: BaseException) -> int | None:
    """The errno of an OSError, or of a Polars error wrapping one; None for anything else."""
    if isinstance(exc, OSError):
        return exc.errno
    m = _OS_ERROR.search(str(exc))
    return int(m.group(1)) if m else None


def unwritable(exc: BaseException, folder: Path) -> WarehouseUnwritable | None:
    """``exc`` said as a WarehouseUnwritable naming ``folder``, or None when it is no I/O failure."""
    code = os_errno(exc)
    if code is None:
        return None
    reason = REASONS.get(code)
    if reason is None:
        reason = f"系统错误（{errno.errorcode.get(code, code)}）"
    return WarehouseUnwritable(folder, reason)
