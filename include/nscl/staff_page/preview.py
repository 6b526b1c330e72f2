"""Before a staff upload counts: what the file is (agency, year, template version, the
problems the intake will find), whether it duplicates a file already received or supersedes
the one in use. The file waits in ``staff_uploads/pending/<token>/`` until staff confirm
(then it goes into the inbox like any agency's file) or cancel (then it was never received).

The checks are the intake's own (``nscl.intake.validation.validate_file``, which runs the
hostile-file checks before anything opens the workbook)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from nscl.consolidate.status import year_status
from nscl.intake.validation import validate_file, workbook_year
from nscl.labels import STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.staff_page.common import FIRST_YEAR, LAST_YEAR, fmt_time, now
from nscl.staff_page.queries import origin_of
from nscl.staff_page.uploads import clean_filename
from nscl.store import withdrawals
from nscl.store.fsutil import atomic_write_bytes, atomic_write_json
from nscl.store.receipts import read_receipt
from nscl.store.zones import Zones

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def pending_root(zones: Zones) -> Path:
    return zones.root / "staff_uploads" / "pending"


def stage(
    zones: Zones, year: int, filename: str | None, data: bytes, by: str, agency: str | None, note: str
) -> str:
    """Keep the file aside (not in the inbox) until staff confirm; returns its token."""
    token = secrets.token_hex(16)
    folder = pending_root(zones) / token
    name = clean_filename(filename)
    atomic_write_bytes(folder / name, data)
    atomic_write_json(
        folder / "upload.json",
        {
            "year": year,
            "name": name,
            "original_name": filename,
            "by": by,
            "agency": agency,
            "note": note,
            "at": now().isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        },
    )
    return token


def load_pending(zones: Zones, token: str) -> tuple[dict[str, Any], Path]:
    if not TOKEN_RE.match(token or ""):
        raise HTTPException(404, "Không tìm thấy tệp đang chờ xác nhận (có thể đã được xác nhận hoặc hủy).")
    folder = pending_root(zones) / token
    try:
        meta = json.loads((folder / "upload.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise HTTPException(
            404, "Không tìm thấy tệp đang chờ xác nhận (có thể đã được xác nhận hoặc hủy)."
        ) from None
    return meta, folder / meta["name"]


def discard(zones: Zones, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        shutil.rmtree(pending_root(zones) / token, ignore_errors=True)


def _duplicate(zones: Zones, year: int, sha: str) -> dict[str, Any] | None:
    """The receipt of the same bytes already received (this year first, then any year)."""
    for y in [year, *[y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y != year]]:
        r = read_receipt(zones, y, sha)
        if r is not None:
            return {
                "year": y,
                "original_name": r.get("original_name"),
                "received_at": fmt_time(r.get("received_at")),
                "status": r.get("status"),
                "withdrawn": sha in withdrawals.withdrawn(zones, y),
                "origin": origin_of(zones, y, r),
            }
    return None


def preview(zones: Zones, catalogue: Catalogue, meta: dict[str, Any], path: Path) -> dict[str, Any]:

    year = int(meta["year"])
    outcome = validate_file(path, year, catalogue, original_name=meta["name"])
    issues = [i.to_dict() for i in outcome.issues]
    errors = [i for i in issues if i.get("severity") == "error"]
    wb_year = workbook_year(path, meta["name"]) if outcome.readable or outcome.agency_code else None
    code = outcome.agency_code
    name = catalogue.agencies[code].name if code and code in catalogue.agencies else None
    status = year_status(year, zones, catalogue)
    current = next((a for a in status["agencies"] if a["agency_code"] == code), None)
    notes: list[dict[str, str]] = []
    duplicate = _duplicate(zones, year, meta["sha256"])
    if duplicate and not duplicate["withdrawn"]:
        notes.append(
            {
                "tone": "bad",
                "key": "duplicate",
                "text": (
                    f"Tệp này trùng hoàn toàn (cùng nội dung) với tệp “{duplicate['original_name']}” đã nhận lúc "
                    f"{duplicate['received_at']} (năm {duplicate['year']}). Không cần tải lên lại: tệp trùng không được tính thêm lần nào."
                ),
            }
        )
    if wb_year is not None and wb_year != year:
        notes.append(
            {
                "tone": "bad",
                "key": "wrong_year",
                "text": (
                    f"Biểu mẫu là của năm {wb_year}, không phải năm {year} đang chọn. Nếu tiếp nhận, tệp sẽ bị trả lại; "
                    f"hãy chọn đúng năm {wb_year} hoặc đề nghị cơ quan dùng biểu mẫu năm {year}."
                ),
            }
        )
    if meta.get("agency") and code and meta["agency"] != code:
        notes.append(
            {
                "tone": "bad",
                "key": "other_agency",
                "text": (
                    f"Tệp là của {name or code} ({code}), không phải của cơ quan đã chọn ({meta['agency']})."
                ),
            }
        )
    if current is None and code:
        notes.append(
            {
                "tone": "bad",
                "key": "not_expected",
                "text": f"Cơ quan {code} không thuộc danh sách phải báo cáo năm {year}.",
            }
        )
    if current and current["sha256"] and outcome.status == "accepted" and not duplicate:
        notes.append(
            {
                "tone": "info",
                "key": "supersedes",
                "text": (
                    f"Tệp này sẽ thay thế bản đang dùng của {current['agency_name']} (phiên bản {current['version']}, nhận lúc "
                    f"{fmt_time(current['received_at'])}); bản cũ vẫn được lưu."
                ),
            }
        )
        deadline = catalogue.deadline(year)
        if current["state"] == "on_time" and now().date() > deadline:
            # The state follows the file in use: a replacement received now is a late file.
            notes.append(
                {
                    "tone": "bad",
                    "key": "becomes_late",
                    "text": (
                        f"Hạn nộp ({deadline:%d/%m/%Y}) đã qua: nếu tiếp nhận tệp thay thế này, {current['agency_name']} sẽ chuyển "
                        f"từ “{STATE_LABELS['on_time']}” sang “{STATE_LABELS['late']}” (tính theo ngày nhận tệp mới). "
                        "Nếu bản đang dùng vẫn đúng, hãy hủy."
                    ),
                }
            )
    elif current and current["sha256"] and outcome.status != "accepted" and not duplicate:
        notes.append(
            {
                "tone": "info",
                "key": "keeps",
                "text": (
                    f"Tệp có lỗi nên sẽ bị trả lại; bản hợp lệ đang dùng của {current['agency_name']} vẫn được giữ."
                ),
            }
        )
    if (
        current
        and current["state"] in ("missing", "rejected")
        and outcome.status == "accepted"
        and not duplicate
        and now().date() > catalogue.deadline(year)
    ):
        # Nothing valid in use yet and the deadline passed: this file makes the agency late.
        notes.append(
            {
                "tone": "info",
                "key": "will_be_late",
                "text": (
                    f"Hạn nộp ({catalogue.deadline(year):%d/%m/%Y}) đã qua: nếu tiếp nhận, {current['agency_name']} "
                    f"chuyển từ “{STATE_LABELS[current['state']]}” sang “{STATE_LABELS['late']}” (tính theo ngày "
                    "tiếp nhận tệp). Tệp nộp muộn vẫn được tính vào báo cáo."
                ),
            }
        )
    return {
        "token": meta.get("token"),
        "year": year,
        "name": meta["name"],
        "size": meta["size"],
        "sha256": meta["sha256"],
        "note": meta.get("note") or "",
        "agency_code": code,
        "agency_name": name,
        "workbook_year": wb_year,
        "template_version": outcome.template_version,
        "status": outcome.status,
        # Nothing is received until staff confirm: the intake's "Đã tiếp nhận" is not said here.
        "message": outcome.message
        if outcome.status != "accepted"
        else (
            "Không có lỗi"
            + (f", có {len(issues) - len(errors)} lưu ý cần kiểm tra" if len(issues) > len(errors) else "")
            + ". Tệp chưa được tiếp nhận: chỉ được tính khi bạn bấm “Xác nhận tiếp nhận”."
        ),
        "errors": errors,
        "warnings": [i for i in issues if i.get("severity") == "warning"],
        "current_state": STATE_LABELS.get(current["state"]) if current else None,
        "duplicate": duplicate if duplicate and not duplicate["withdrawn"] else None,
        "notes": notes,
    }
