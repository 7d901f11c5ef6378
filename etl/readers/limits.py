"""How costly a file may be to read: every limit in one place, with why it is what it is.

A published 决算, 预算 or 绩效 form is small: the largest real one (万里 2023 部门预算, 35
pages) reads into 110 KB of text, its widest grid has 765 cells and its longest line 1,707
characters. A file far beyond that is no disclosure (a database export, a file cut and
pasted into one line, a hostile upload) and would cost minutes and gigabytes: a 1,000,000-row
XLSX took 81 s and +800 MB inside the dashboard before it was refused. The readers check the
first group from the bytes, before the costly library sees them, so ``python -m etl build``
and the 数据导入 page refuse such a file at once, saying which limit. The second group bounds
the 数据导入 preview as a whole: it runs in a child process (``dashboard.preview_process``)
that is killed past either limit, whatever the file found to be slow.
"""

from __future__ import annotations

MB = 1024 * 1024
GB = 1024 * MB

# --- checked by the readers (etl/readers), so the build and the dashboard both get them -------

# A text file's bytes, before decoding. Parsing costs about 3.5 s per MB of 决算 text
# (measured: 5 MB of the 青浦 决算 repeated in 17 s on one core), and real texts are under
# 110 KB: 5 MB is 45 times that and stays well inside READ_SECONDS.
MAX_TEXT_BYTES = 5 * MB

# One line of a text file, in characters. A line is a paragraph or a table row; the longest
# in the seeds and real documents is 1,707. A 20 MB line (a file saved without line breaks, or
# one tab-separated row of millions of cells) made the reader build a cell object per part
# and every parser and check scan it: 40 s. 50,000 characters is ~25 printed pages.
MAX_LINE_CHARS = 50_000

# Cells of one table grid: a sheet (rows × columns) or a tab-separated / Word text table.
# The widest real grid has 765; a sheet beyond this is no form (it is skipped with a check).
MAX_CELLS = 200_000

# Rows of one XLSX sheet, counted in its XML before openpyxl loads it: openpyxl keeps an
# object per cell and per row, so a million rows cost 81 s and 800 MB before any check.
# Together with MAX_CELLS (counted the same way) it bounds what openpyxl is given.
MAX_SHEET_ROWS = 100_000

# Uncompressed XML of one XLSX part (a sheet, the shared strings). A 200,000-cell sheet of
# numbers is 7.3 MB of XML (measured; styles add a little): a part far beyond that is a sheet
# of giant texts or a zip bomb.
MAX_XML_BYTES = 64 * MB

# Stored cells of all the sheets of one workbook that are loaded, and strings in its shared
# string table. One sheet of 199,998 cells takes 10 s and 300 MB to read (measured), so ten
# such sheets would take 100 s and 3 GB: twice MAX_CELLS bounds a workbook at ~20 s and 600 MB.
MAX_WORKBOOK_CELLS = 2 * MAX_CELLS

# --- the 数据导入 preview's child process (dashboard/preview_process.py) --------------------

# Wall-clock seconds to read one upload. The largest real PDF reads in 2.2 s alone and a
# 500-page PDF at the measured ~18 pages/s per core in about 30 s; on a loaded machine (parallel
# test runs reclaiming memory) the 3 s 司法局 PDF was seen here to take over 60 s; so twice that, the same
# bound LibreOffice has for one .doc conversion (etl.readers.doc.TIMEOUT).
READ_SECONDS = 120

# Address space of the child (RLIMIT_AS). Python with every reader imported maps ~0.4 GB and
# the largest real PDF peaks at 0.5 GB (LibreOffice converting a .doc fits in 1 GB): 2 GB is
# 4 times the largest need and a tenth of the server's memory.
READ_MEMORY_BYTES = 2 * GB
