"""What the staff page shows, read from the data folder through the pipeline's own pieces:
the one status computation (``nscl.consolidate.status.year_status``), the one receipts loader
(``nscl.store.receipts``), the labels of ``nscl.labels``. Nothing here writes.

Longer than 400 lines because every tab's read-only view is assembled here from the same
loaders, so that no tab reads the data folder its own way."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException

from nscl.consolidate.status import expected_or_none, year_status
from nscl.labels import KIND_LABELS, OUTCOME_LABELS, RECEIPT_LABELS, STATE_LABELS, STATE_ORDER
from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.staff_page import pdfs
from nscl.staff_page.common import (
    FIRST_YEAR,
    LAST_YEAR,
    TZ,
    airflow_ui_base,
    current_year,
    fmt_size,
    fmt_time,
    to_time,
)
from nscl.store import withdrawals
from nscl.store.receipts import load_receipts
from nscl.store.records import Receipt
from nscl.store.zones import Zones

REPORT_SUFFIXES = (".docx", ".pdf", ".manifest.json")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
FEEDBACK_ZONES = ("quarantine", "replies")
KIND_ORDER = {"annual": 0, "mid-term": 1, "final": 2}


def zones() -> Zones:
    return Zones.default()


def catalogue() -> Catalogue:
    return default_catalogue()


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _year_dirs(folder: Path) -> set[int]:
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4}


def years_with_data(z: Zones) -> list[int]:
    found: set[int] = set()
    for zone in ("reports", "curated", "receipts", "inbox"):
        found |= _year_dirs(z.root / zone)
    return sorted(y for y in found if FIRST_YEAR <= y <= LAST_YEAR)


def default_year(z: Zones) -> int:
    years = years_with_data(z)
    return years[-1] if years else current_year()


def year_choices(z: Zones, chosen: int) -> list[int]:
    return sorted(set(years_with_data(z)) | {current_year(), chosen}, reverse=True)


def expected(cat: Catalogue, year: int) -> list[dict[str, Any]]:
    return [
        {"code": e.agency.code, "name": e.agency.name, "tfp": e.tfp_inputs}
        for e in expected_or_none(cat, year)
    ]


# ---- reports ------------------------------------------------------------------------------


def kind_key(kind: str | None) -> str:
    k = (kind or "").strip().lower().replace("_", "-")
    if k in {"midterm", "review-midterm", "so-ket"}:
        return "mid-term"
    if k in {"review-final", "tong-ket"}:
        return "final"
    return k or "annual"


def kind_label(kind: str | None) -> str:
    k = kind_key(kind)
    return KIND_LABELS.get(k, f"Báo cáo ({kind})")


def run_link(dag_id: str | None, run_id: str | None) -> str | None:
    """The Airflow UI's page of a DAG run (``/dags/<dag>/runs/<run>``)."""
    if not dag_id or not run_id:
        return None
    return f"{airflow_ui_base()}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def made_by_words(manifest: dict[str, Any]) -> str | None:
    """How the version was made, as it was recorded (``reporting.render.run_origin``)."""
    if not manifest:
        return None
    if manifest.get("run_id"):
        return "lượt chạy của quy trình tổng hợp"
    if manifest.get("made_by") == "page":
        return f"tạo từ trang Báo cáo NSCL, {manifest.get('made_by_user') or '?'}"
    return "chạy từ dòng lệnh"


def run_label(run_id: str | None) -> str | None:
    """A DAG run in staff's words: "lượt chạy tự động/theo yêu cầu ngày dd/mm/yyyy HH:MM" (Vietnam
    time), from the run id Airflow gives (``scheduled__<ISO time>``, ``manual__<ISO time>``)."""
    if not run_id:
        return None
    kind, _, stamp = run_id.partition("__")
    how = {"scheduled": "tự động", "manual": "theo yêu cầu", "backfill": "chạy bù"}.get(kind, "")
    when = fmt_time(stamp) if stamp and to_time(stamp) is not None else ""
    return " ".join(w for w in ("Lượt chạy", how, f"ngày {when}" if when else "") if w)


RUN_STATES = {
    "queued": ("info", "đang chờ chạy"),
    "running": ("info", "đang chạy"),
    "failed": ("bad", "bị lỗi, chưa xong; người quản trị hệ thống đã được báo và sẽ chạy lại"),
    "success": ("ok", "đã chạy xong"),
}
ANNUAL_DAG = "nscl_annual_report"


def year_run(year: int, dag_id: str = ANNUAL_DAG) -> dict[str, Any] | None:
    """The latest run of the year's consolidation (a run whose ``year`` parameter is ``year``,
    or the scheduled run of that year), in staff's words; None when there is none or the
    Airflow database cannot be read (the page then says nothing of runs)."""
    try:
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with create_session() as session:
            runs = session.scalars(
                select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(50)
            ).all()
            for run in runs:
                conf_year = (run.conf or {}).get("year")
                logical = run.logical_date or run.run_after
                if str(conf_year) == str(year) or (
                    conf_year is None and logical is not None and logical.year == year
                ):
                    state = str(run.state.value if hasattr(run.state, "value") else run.state)
                    tone, words = RUN_STATES.get(state, ("info", state))
                    return {
                        "state": state,
                        "tone": tone,
                        "words": words,
                        "label": run_label(run.run_id),
                        "started": fmt_time(run.start_date) if run.start_date else None,
                        "ended": fmt_time(run.end_date) if run.end_date else None,
                        "url": run_link(dag_id, run.run_id),
                    }
    except Exception:  # noqa: BLE001 - no Airflow database here (a test, the CLI): no run shown
        return None
    return None


def _version_of(docx: Path, manifest: dict[str, Any]) -> int | None:
    version = manifest.get("version")
    if isinstance(version, int):
        return version
    tail = docx.stem.rsplit("-v", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def report_version(docx: Path) -> dict[str, Any]:
    manifest_path = docx.with_suffix(".manifest.json")
    manifest = read_json(manifest_path) or {}
    pdf = docx.with_suffix(".pdf")
    stat = docx.stat()
    made = manifest.get("created_at") or dt.datetime.fromtimestamp(stat.st_mtime, TZ).isoformat()
    dag_id, run_id = manifest.get("dag_id"), manifest.get("run_id")
    return {
        "name": docx.name,
        "kind": kind_key(manifest.get("kind")),
        "version": _version_of(docx, manifest),
        "made_at": fmt_time(made),
        "made_at_sort": str(made),
        "dag_id": dag_id,
        "run": run_id,
        "run_url": run_link(dag_id, run_id),
        "made_by": made_by_words(manifest),
        "run_label": run_label(run_id),
        "size": fmt_size(stat.st_size),
        "sha256": manifest.get("document_sha256"),
        "inputs": len(manifest.get("inputs") or []),
        "manifest": manifest_path.name if manifest_path.is_file() else None,
        "pdf": pdf.name if pdf.is_file() else None,
        "pdf_pending": pdfs.pending(docx),
        # approved content: the document carries no "DỰ THẢO" (the version to send for signing)
        "approved": bool((manifest.get("editorial") or {}).get("approved")),
    }


def list_reports(z: Zones, year: int) -> list[dict[str, Any]]:
    """Every report version of ``year``, grouped by kind (read from the manifest), newest first."""
    folder = z.reports(year)
    if not folder.is_dir():
        return []
    groups: dict[str, list[dict[str, Any]]] = {}
    docx: Path
    for docx in sorted(folder.glob("*.docx")):
        if docx.name.startswith(".") or not docx.is_file() or docx.is_symlink():
            continue
        v = report_version(docx)
        groups.setdefault(v["kind"], []).append(v)
    out: list[dict[str, Any]] = []
    for kind, versions in groups.items():
        versions.sort(key=lambda v: (v["version"] or 0, v["made_at_sort"]), reverse=True)
        out.append({"kind": kind, "label": kind_label(kind), "versions": versions})
    out.sort(key=lambda g: (KIND_ORDER.get(g["kind"], 9), g["kind"]))
    return out


# ---- who sent a file, and what went back --------------------------------------------------


def upload_sidecar_name(file_name: str) -> str:
    """The hidden file beside an uploaded inbox file that records who uploaded it."""
    return f".{file_name}.upload.json"


def mail_sidecar_name(file_name: str) -> str:
    """The hidden file beside an inbox file fetched from the mailbox (sender, subject, date)."""
    return f".{file_name}.mail.json"


def _inbox_file(z: Zones, year: int, receipt: Receipt | dict[str, Any]) -> Path | None:
    """Where the received file lies in the inbox (``inbox_path`` is relative to the data folder
    when it starts with ``inbox/``, else to the year's inbox)."""
    raw = str(receipt.get("inbox_path") or receipt.get("original_name") or "")
    path = PurePosixPath(raw)
    if not path.name or ".." in path.parts or path.is_absolute():
        return None
    if path.parts[0] == "inbox":
        return z.root.joinpath(*path.parts)
    return z.inbox(year).joinpath(*path.parts)


def origin_of(z: Zones, year: int, receipt: Receipt | dict[str, Any]) -> dict[str, Any] | None:
    """How the file came: uploaded on this page (``.upload.json``) or by e-mail
    (``.mail.json``), from the sidecar beside it in the inbox; None for a file dropped there."""
    file = _inbox_file(z, year, receipt)
    if file is None:
        return None
    folder, name = file.parent, file.name
    upload = read_json(folder / upload_sidecar_name(name))
    if upload:
        return {
            "via": "upload",
            "uploader": upload.get("uploader") or "?",
            "when": fmt_time(upload.get("uploaded_at")),
            "note": upload.get("note") or "",
            "on_behalf_of": upload.get("on_behalf_of"),
        }
    mail = read_json(folder / mail_sidecar_name(name))
    if mail:
        email: dict[str, Any] = mail["email"] if isinstance(mail.get("email"), dict) else mail
        view: dict[str, Any] = {"replies": [], "flags": []}
        if mail.get("message_sha256") is not None and mail.get("attachment_index") is not None:
            from nscl.outreach.mail_status import file_mail_view
            from nscl.plan.catalogue import default_catalogue

            view = file_mail_view(
                z,
                str(mail["message_sha256"]),
                int(mail["attachment_index"]),
                dict(receipt),
                default_catalogue(),
            )
        return {
            "via": "email",
            "sender": str(email.get("sender") or email.get("from") or "?"),
            "subject": str(email.get("subject") or ""),
            "when": fmt_time(email.get("date")),
            "replies": [{**r, "sent_at": fmt_time(r.get("sent_at"))} for r in view["replies"]],
            "flags": view["flags"],
        }
    return None


def _feedback_label(name: str, originals: set[str]) -> tuple[int, str]:
    """(sort order, Vietnamese label) of a file sent back to an agency."""
    lower = name.lower()
    if name in originals:
        return 9, "Tệp gốc đã nhận"
    if lower.endswith(".xlsx"):
        return 0, "Tệp phản hồi (Excel)"
    if lower.endswith(".txt"):
        return 1, "Giấy biên nhận"
    if lower.endswith(".json"):
        return 10, "Danh sách lỗi (cho người vận hành)"  # machine-readable: not shown to staff
    return 5, name


def feedback_files(z: Zones, year: int, receipt: Receipt | dict[str, Any]) -> list[dict[str, Any]]:
    """What went back to the agency for one file: from ``quarantine/`` for a rejected file, from
    ``replies/`` for an accepted one (receipt text, feedback workbook with warnings)."""
    sha = str(receipt.get("sha256") or "")
    if not SHA_RE.match(sha):
        return []
    originals = {str(receipt.get(k)) for k in ("original_name", "safe_name") if receipt.get(k)}
    files = []
    for zone in FEEDBACK_ZONES:
        folder = z.root / zone / str(year) / sha
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            if not p.is_file() or p.name.startswith("."):
                continue
            order, label = _feedback_label(p.name, originals)
            files.append(
                {"zone": zone, "name": p.name, "label": label, "primary": order == 0, "order": order}
            )
    return sorted(files, key=lambda f: (f["order"], f["name"]))


def safe_child(base: Path, name: str, suffixes: tuple[str, ...] | None = None) -> Path:
    """``base / name`` if ``name`` is a plain file name of an existing regular file directly in
    ``base`` (no folders, no hidden files, no symbolic links out), else 404."""
    if (
        not name
        or name in {".", ".."}
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or (suffixes is not None and not name.lower().endswith(suffixes))
    ):
        raise HTTPException(404, "Không tìm thấy tệp")
    try:
        root = base.resolve(strict=True)
        target = (base / name).resolve(strict=True)
    except (OSError, RuntimeError):
        raise HTTPException(404, "Không tìm thấy tệp") from None
    if target.parent != root or not target.is_file():
        raise HTTPException(404, "Không tìm thấy tệp")
    return target


# ---- who has reported ---------------------------------------------------------------------


def _history_row(
    z: Zones, year: int, r: Receipt, outcome: str, withdrawn: dict[str, Any] | None = None
) -> dict[str, Any]:
    w = (withdrawn or {}).get(r["sha256"])
    return {
        "withdrawn": (
            {"by": w.get("by") or "?", "at": fmt_time(w.get("at")), "reason": w.get("reason") or ""}
            if w
            else None
        ),
        "sha256": r["sha256"],
        "original_name": r.get("original_name"),
        "received_at": fmt_time(r.get("received_at")),
        "status": r.get("status"),
        "status_label": RECEIPT_LABELS.get(str(r.get("status")), r.get("status") or "—"),
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS.get(outcome, outcome),
        "late": bool(r.get("late")),
        "template_version": r.get("template_version"),
        "errors": r.get("errors") or [],
        "warnings": r.get("warnings") or [],
        "feedback": feedback_files(z, year, r),
        "origin": origin_of(z, year, r),
    }


def overdue_days(state: str, received_at: str | None, deadline: dt.date, today: dt.date) -> int:
    """Days past the deadline: until today for an agency still missing or rejected, until its
    file came for a late one; 0 otherwise."""
    if state in ("missing", "rejected"):
        return max(0, (today - deadline).days)
    if state == "late" and received_at:
        when = dt.datetime.fromisoformat(received_at)
        return max(1, (when.astimezone(TZ).date() - deadline).days)
    return 0


def submission_status(z: Zones, cat: Catalogue, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """Per expected agency: its state (``year_status``, the pipeline's one computation), its
    latest file, what went back and its history; problems first (``STATE_ORDER``), then the
    longest overdue. A withdrawn file is listed, marked, and counts for nothing."""
    status = year_status(year, z, cat)
    today = today or dt.datetime.now(TZ).date()
    deadline = cat.deadline(year)
    gone = {w["sha256"]: dict(w) for w in withdrawals.load(z, year) if not w.get("restored_at")}
    outcomes = {(f["sha256"]): f["outcome"] for f in status["files"] if f["outcome"] != "duplicate"}
    receipts = load_receipts(z, year)
    by_code: dict[str, list[Receipt]] = {}
    for r in receipts:
        by_code.setdefault(r.get("agency_code") or "", []).append(r)
    rank = {s: i for i, s in enumerate(STATE_ORDER)}
    rows: list[dict[str, Any]] = []
    for s in status["agencies"]:
        code = s["agency_code"]
        history = [
            _history_row(z, year, r, outcomes.get(r["sha256"], ""), gone)
            for r in reversed(by_code.get(code, []))
        ]
        current = [h for h in history if not h["withdrawn"]]
        rows.append(
            {
                "agency_code": code,
                "agency_name": s["agency_name"],
                "state": s["state"],
                "state_label": STATE_LABELS.get(s["state"], s["state"]),
                "received_at": fmt_time(s["received_at"]),
                "files": s["files"],
                "overdue_days": overdue_days(s["state"], s["received_at"], deadline, today),
                "latest": current[0] if current else None,
                "history": history,
            }
        )
    rows.sort(key=lambda a: (rank.get(a["state"], 9), -a["overdue_days"], a["agency_code"]))
    expected_codes = {s["agency_code"] for s in status["agencies"]}
    others = [r for r in receipts if (r.get("agency_code") or "") not in expected_codes]
    return {
        "year": year,
        "agencies": rows,
        "counts": status["counts"],
        "expected": status["expected"],
        "deadline": f"{deadline:%d/%m/%Y}",
        "past_deadline": today > deadline,
        "damaged": status["damaged"],
        "unidentified": [
            _history_row(z, year, r, outcomes.get(r["sha256"], ""), gone)
            | {"agency_code": r.get("agency_code")}
            for r in reversed(others)
        ],
    }
