"""Everything at once: all feedback files or all blank workbooks of a year as one zip, and the
status table as an Excel workbook (text that looks like a formula is written as text)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from nscl.forms.workbook import build_workbook, save_reproducible, workbook_filename
from nscl.labels import STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.staff_page.queries import expected
from nscl.store.zones import Zones


def feedback_zip(zones: Zones, year: int, status: dict[str, Any]) -> tuple[bytes, int]:
    """The feedback workbook (else the notice) of each agency's latest file: (zip, count)."""
    buf = io.BytesIO()
    n = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for a in status["agencies"]:
            latest = a.get("latest")
            if not latest or not latest["feedback"]:
                continue
            wanted = [f for f in latest["feedback"] if f["order"] in (0, 1)][:1] or latest["feedback"][:1]
            for f in wanted:
                path = zones.root / f["zone"] / str(year) / latest["sha256"] / f["name"]
                if path.is_file() and not path.is_symlink():
                    zf.write(path, f"{a['agency_code']}/{f['name']}")
                    n += 1
    return buf.getvalue(), n


def blanks_zip(catalogue: Catalogue, year: int) -> tuple[bytes, int]:
    import tempfile
    from pathlib import Path

    buf = io.BytesIO()
    agencies = expected(catalogue, year)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, tempfile.TemporaryDirectory() as tmp:
        for a in agencies:
            exp = catalogue.expectation(year, a["code"])
            out = Path(tmp) / workbook_filename(exp, year)
            save_reproducible(build_workbook(exp, year, catalogue), out)
            zf.write(out, out.name)
    return buf.getvalue(), len(agencies)


COLUMNS = [
    ("Mã", 16),
    ("Cơ quan, đơn vị", 44),
    ("Tình trạng", 20),
    ("Số ngày quá hạn", 10),
    ("Lần nộp gần nhất", 18),
    ("Tên tệp", 40),
    ("Kết quả kiểm tra", 20),
    ("Số lỗi", 8),
    ("Địa chỉ thư điện tử", 34),
    ("Thư đã gửi gần nhất", 30),
]


def status_workbook(
    status: dict[str, Any], contacts: dict[str, list[str]], sent: dict[str, list[dict[str, Any]]]
) -> bytes:
    """The status table as .xlsx. Every text cell is typed as a string ('s'), so a name such as
    ``=HYPERLINK(...)`` or ``+84...`` stays text when the workbook is opened."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = f"Tình hình nộp {status['year']}"
    ws.append([c for c, _ in COLUMNS])
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
        ws.cell(1, i).font = Font(bold=True)
        ws.cell(1, i).fill = PatternFill("solid", fgColor="DDE6F0")
    for a in status["agencies"]:
        latest = a.get("latest") or {}
        last_sent = (sent.get(a["agency_code"]) or [{}])[0]
        values = [
            a["agency_code"],
            a["agency_name"],
            STATE_LABELS.get(a["state"], a["state"]),
            a.get("overdue_days") or None,
            latest.get("received_at") or "",
            latest.get("original_name") or "",
            latest.get("status_label") or "",
            len(latest.get("errors") or []) if latest else None,
            ", ".join(contacts.get(a["agency_code"]) or []),
            f"{last_sent['at']}: {last_sent['subject']}" if last_sent else "",
        ]
        ws.append([None] * len(values))
        row = ws.max_row
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never "f": text beginning with = + - @ stays text
            cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 6, 10))
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
