"""XLSX and CSV export of a 100,000-row table: time and peak memory, beside a plain
openpyxl write-only loop over the same frame in the same run (the peer the goal names).

python -m bench.export_xlsx [--warehouse bench/out/warehouse-10000] [--rows 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from dashboard import db, export, queries
from dashboard.queries import Filters
from etl.schema import labels

OUT = Path(__file__).resolve().parent / "out"


def openpyxl_write_only(df) -> bytes:
    """The bare library: every row appended in write-only mode, no formats (the peer)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(df.columns)
    for row in df.iter_rows():
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=str(OUT / "warehouse-10000"))
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    snap = db.current_snapshot(Path(args.warehouse))
    con = db.connect(snap.path)
    df = queries.download_table(con, "indicators", Filters(), limit=args.rows)
    shown = export.with_labels(df, {**labels("indicators"), "project_name": "项目名称"})
    out = {"rows": shown.height, "columns": shown.width}
    for name, fn in (
        ("openpyxl_write_only", lambda: openpyxl_write_only(shown)),
        ("csv", lambda: export.csv_bytes(shown)),
        (
            "xlsx",
            lambda: export.xlsx_bytes(
                shown,
                sheet="绩效指标",
                filters={"区": "全部"},
                sources=list(snap.files)[:50],
                original_names=df.columns,
            ),
        ),
    ):
        t = time.perf_counter()
        data = fn()
        seconds = time.perf_counter() - t
        tracemalloc.start()  # a second, traced run: tracing slows Python down, so it is not timed
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[name] = {
            "seconds": round(seconds, 2),
            "peak_mb": round(peak / 1e6, 1),
            "bytes_mb": round(len(data) / 1e6, 1),
        }
    out["xlsx_vs_openpyxl"] = round(
        out["openpyxl_write_only"]["seconds"] / max(out["xlsx"]["seconds"], 1e-9), 1
    )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
