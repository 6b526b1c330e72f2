"""The PDF of a report made from the page, after its .docx: the page answers as soon as the .docx
is written ("Tạo bản báo cáo mới" within 3 s) and LibreOffice converts it here, one report at a
time, in the background (``nscl.reporting.render.ensure_pdf``: idempotent and atomic). Until the
PDF exists the page says "Đang tạo bản PDF"; a download of it waits for it (made on demand), and
a listing that finds one still pending (the server restarted meanwhile) starts it again."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nscl.reporting.render import ensure_pdf, pdf_pending

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nscl-pdf")
_inflight: set[Path] = set()
_failed: set[Path] = set()  # LibreOffice could not make it: not retried on every listing
_lock = threading.Lock()


def _make(docx: Path) -> None:
    made = None
    try:
        made = ensure_pdf(docx)
    except Exception:  # noqa: BLE001 - a PDF that failed is made again on demand
        log.exception("NSCL staff page: the PDF of %s was not made", docx.name)
    finally:
        if made is None:
            with _lock:
                _failed.add(docx)
        with _lock:
            _inflight.discard(docx)


def start(docx: Path) -> None:
    """Make the PDF of ``docx`` in the background (once, however often asked)."""
    with _lock:
        if docx in _inflight:
            return
        _inflight.add(docx)
    _pool.submit(_make, docx)


def pending(docx: Path) -> bool:
    """Still to be made; started if nobody is making it (False once it failed in this process:
    the page then offers no PDF; a download still tries again)."""
    if docx in _failed or not pdf_pending(docx):
        return False
    start(docx)
    return True
