"""One PDFium call at a time in a process: PDFium is not thread-safe (pypdfium2 says so).

The build reads in worker processes, a document at a time each, so the lock is never waited
for there; the dashboard reads and renders PDFs in its sessions' threads, which take turns.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
