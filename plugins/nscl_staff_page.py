"""Airflow plugin: the staff page "Báo cáo NSCL".

One page in the Airflow UI, in Vietnamese, for the Department's staff: the reports to download
(every version with its manifest), who has reported this year and whose file was rejected and
why, an upload form for workbooks that agencies sent by e-mail, and the blank workbooks.

How it plugs into Airflow 3:

- ``fastapi_apps``: a FastAPI app mounted by the API server at ``/nscl``. Airflow mounts plugin
  apps as they are: it adds no authentication of its own (``airflow.api_fastapi.app.init_plugins``
  only calls ``app.mount``). Every route here therefore depends on ``require_read`` or
  ``require_write``, which resolve the user with Airflow's own ``get_user`` dependency (the
  ``Authorization: Bearer`` JWT, else the ``_token`` cookie the login sets) and then ask the
  configured auth manager ``is_authorized_custom_view`` on the resource ``NSCL Reports``.
- ``external_views``: a navigation entry "Báo cáo NSCL" that the Airflow UI renders in an
  iframe (same origin, so the login cookie goes along).
- Permissions (FAB auth manager): ``can_read`` and ``can_edit`` on ``NSCL Reports``, granted to
  the roles ``NSCL Staff`` (both), ``NSCL Viewer`` (read) and ``Admin`` (both). They are
  created when the API server starts and by ``python plugins/nscl_staff_page.py setup-roles``
  (run it once before ``airflow users create --role "NSCL Staff"``).

Uploads go into the inbox exactly as an agency's file would, with a hidden sidecar
``inbox/<year>/.<file name>.upload.json`` recording who uploaded it, and are processed on
arrival (archive, validate, receipt, consolidate) unless ``NSCL_PROCESS_ON_UPLOAD=0``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ASSETS = Path(__file__).resolve().parent / "nscl_staff"
URL_PREFIX = "/nscl"
PAGE_TITLE = "Báo cáo NSCL"

# Permissions the page defines (FAB: resource "NSCL Reports", actions can_read / can_edit).
RESOURCE = "NSCL Reports"
ACTION_READ = "can_read"
ACTION_WRITE = "can_edit"
ROLE_STAFF = "NSCL Staff"
ROLE_VIEWER = "NSCL Viewer"
# What a staff member needs besides the page itself to use the Airflow UI around it.
UI_BASICS = [
    ("can_read", "Website"),
    ("can_read", "Plugins"),
    ("menu_access", "Plugins"),
    ("can_read", "My Profile"),
]

FIRST_YEAR, LAST_YEAR = 2021, 2030
REPORT_SUFFIXES = (".docx", ".pdf", ".manifest.json")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
FEEDBACK_ZONES = ("quarantine", "replies")
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def max_upload_bytes() -> int:
    return int(os.environ.get("NSCL_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))


def process_on_upload() -> bool:
    return os.environ.get("NSCL_PROCESS_ON_UPLOAD", "1").strip().lower() not in {"0", "false", "no", ""}


# ---- Vietnamese labels ----------------------------------------------------------------------

KIND_LABELS = {
    "annual": "Báo cáo năm",
    "midterm": "Báo cáo sơ kết giai đoạn 2021-2025",
    "mid_term": "Báo cáo sơ kết giai đoạn 2021-2025",
    "mid-term": "Báo cáo sơ kết giai đoạn 2021-2025",
    "review_midterm": "Báo cáo sơ kết giai đoạn 2021-2025",
    "final": "Báo cáo tổng kết giai đoạn 2021-2030",
    "review_final": "Báo cáo tổng kết giai đoạn 2021-2030",
}
KIND_ORDER = {"annual": 0}
STATE_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "rejected": "Bị trả lại, chờ sửa",
    "missing": "Chưa nộp",
}
RECEIPT_LABELS = {"accepted": "Được chấp nhận", "rejected": "Bị trả lại"}


def kind_key(kind: str | None) -> str:
    k = (kind or "").strip().lower()
    if k in {"mid_term", "mid-term", "review_midterm", "so_ket", "sơ kết"}:
        return "midterm"
    if k in {"review_final", "tong_ket", "tổng kết"}:
        return "final"
    return k or "annual"


def kind_label(kind: str | None) -> str:
    k = kind_key(kind)
    return KIND_LABELS.get(k, f"Báo cáo ({kind})")


def fmt_time(value: Any) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam's time zone, or a dash."""
    if not value:
        return "—"
    try:
        when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is not None:
        when = when.astimezone(TZ)
    return when.strftime("%d/%m/%Y %H:%M")


def fmt_size(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def current_year() -> int:
    return min(max(dt.datetime.now(TZ).year, FIRST_YEAR), LAST_YEAR)


# ---- reading the data folder ----------------------------------------------------------------


def zones():
    from nscl.store.zones import Zones

    return Zones.default()


def catalogue():
    from nscl.plan.catalogue import default_catalogue

    return default_catalogue()


def _year_dirs(folder: Path) -> set[int]:
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4}


def years_with_data(z) -> list[int]:
    found: set[int] = set()
    for zone in ("reports", "curated", "receipts", "inbox"):
        found |= _year_dirs(z.root / zone)
    return sorted(y for y in found if FIRST_YEAR <= y <= LAST_YEAR)


def default_year(z) -> int:
    years = years_with_data(z)
    return years[-1] if years else current_year()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _run_of(manifest: dict[str, Any]) -> str | None:
    """The Airflow run that wrote the report, as the manifest records it (several shapes)."""
    for key in ("run_id", "dag_run_id"):
        if manifest.get(key):
            dag = manifest.get("dag_id")
            return f"{dag} / {manifest[key]}" if dag else str(manifest[key])
    for key in ("run", "airflow", "dag_run"):
        value = manifest.get(key)
        if isinstance(value, dict):
            run = value.get("run_id") or value.get("dag_run_id")
            if run:
                dag = value.get("dag_id")
                return f"{dag} / {run}" if dag else str(run)
        elif isinstance(value, str) and value:
            return value
    return None


def list_reports(z, year: int) -> list[dict[str, Any]]:
    """Every report version of ``year``, grouped by kind (read from the manifest), newest first."""
    folder = z.reports(year)
    if not folder.is_dir():
        return []
    groups: dict[str, list[dict[str, Any]]] = {}
    for docx in sorted(folder.glob("*.docx")):
        if docx.name.startswith(".") or not docx.is_file():
            continue
        manifest_path = docx.with_suffix(".manifest.json")
        manifest = _read_json(manifest_path) or {}
        pdf = docx.with_suffix(".pdf")
        stat = docx.stat()
        made = manifest.get("generated_at") or manifest.get("created_at") or manifest.get("written_at")
        version = manifest.get("version")
        if not isinstance(version, int):
            tail = docx.stem.rsplit("-v", 1)
            version = int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None
        kind = kind_key(manifest.get("kind"))
        groups.setdefault(kind, []).append(
            {
                "name": docx.name,
                "kind": kind,
                "version": version,
                "made_at": fmt_time(made or dt.datetime.fromtimestamp(stat.st_mtime, TZ)),
                "made_at_sort": str(made or dt.datetime.fromtimestamp(stat.st_mtime, TZ).isoformat()),
                "run": _run_of(manifest),
                "size": fmt_size(stat.st_size),
                "sha256": manifest.get("document_sha256"),
                "inputs": len(manifest.get("inputs") or []),
                "manifest": manifest_path.name if manifest_path.is_file() else None,
                "pdf": pdf.name if pdf.is_file() else None,
            }
        )
    out = []
    for kind, versions in groups.items():
        versions.sort(key=lambda v: (v["version"] or 0, v["made_at_sort"]), reverse=True)
        out.append({"kind": kind, "label": kind_label(kind), "versions": versions})
    out.sort(key=lambda g: (KIND_ORDER.get(g["kind"], 1), g["kind"]))
    return out


def load_receipts(z, year: int) -> list[dict[str, Any]]:
    folder = z.receipts(year)
    if not folder.is_dir():
        return []
    receipts = [r for p in sorted(folder.glob("*.json")) if (r := _read_json(p)) and r.get("sha256")]
    return sorted(receipts, key=lambda r: (str(r.get("received_at")), r["sha256"]))


def upload_record(z, year: int, receipt: dict[str, Any]) -> dict[str, Any] | None:
    """Who uploaded the file through this page: the receipt's own field, else the sidecar."""
    for key in ("uploaded_by", "uploader"):
        if receipt.get(key):
            value = receipt[key]
            return value if isinstance(value, dict) else {"uploader": value}
    name = PurePosixPath(str(receipt.get("inbox_path") or receipt.get("original_name") or "")).name
    if not name:
        return None
    return _read_json(z.inbox(year) / sidecar_name(name))


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
        return 2, "Danh sách lỗi (JSON)"
    return 5, name


def feedback_files(z, year: int, receipt: dict[str, Any]) -> list[dict[str, Any]]:
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


def submission_status(z, cat, year: int) -> dict[str, Any]:
    """Per expected agency: its state, latest submission, feedback and history.

    The states come from ``curated/<year>/summary.json`` (written by consolidation); without it
    they are worked out from the receipts the same way consolidation does.
    """
    from nscl.consolidate.tables import reporting_status, select_submissions

    receipts = load_receipts(z, year)
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for r in receipts:
        by_agency.setdefault(r.get("agency_code") or "?", []).append(r)
    summary = _read_json(z.curated(year) / "summary.json")
    if summary and isinstance(summary.get("status"), list):
        status = summary["status"]
        source = "summary"
    else:
        try:
            expected = cat.expected_reporters(year)
        except ValueError:
            expected = []
        status = reporting_status(expected, by_agency, select_submissions(receipts))
        source = "receipts"
    # A file received after the last consolidation shows up in the history straight away.
    rows = []
    counts = dict.fromkeys(STATE_LABELS, 0)
    for s in status:
        code = s["agency_code"]
        history = []
        for r in reversed(by_agency.get(code, [])):
            history.append(
                {
                    "sha256": r["sha256"],
                    "original_name": r.get("original_name"),
                    "received_at": fmt_time(r.get("received_at")),
                    "status": r.get("status"),
                    "status_label": RECEIPT_LABELS.get(r.get("status"), r.get("status") or "—"),
                    "late": bool(r.get("late")),
                    "errors": r.get("errors") or [],
                    "warnings": r.get("warnings") or [],
                    "feedback": feedback_files(z, year, r),
                    "upload": upload_record(z, year, r),
                }
            )
        state = s.get("state") or "missing"
        counts[state] = counts.get(state, 0) + 1
        rows.append(
            {
                "agency_code": code,
                "agency_name": s.get("agency_name") or code,
                "state": state,
                "state_label": STATE_LABELS.get(state, state),
                "received_at": fmt_time(s.get("received_at")),
                "files": s.get("files", len(history)),
                "latest": history[0] if history else None,
                "history": history,
            }
        )
    unknown = [r for r in receipts if not r.get("agency_code")]
    return {
        "year": year,
        "source": source,
        "agencies": rows,
        "counts": counts,
        "expected": len(rows),
        "unidentified": [
            {
                "sha256": r["sha256"],
                "original_name": r.get("original_name"),
                "received_at": fmt_time(r.get("received_at")),
                "errors": r.get("errors") or [],
                "feedback": feedback_files(z, year, r),
            }
            for r in reversed(unknown)
        ],
    }


def safe_child(base: Path, name: str, suffixes: tuple[str, ...] | None = None) -> Path:
    """``base / name`` if ``name`` is a plain file name of an existing regular file directly in
    ``base`` (after resolving symbolic links); otherwise 404. Nothing outside ``base`` is served."""
    if (
        not name
        or name != PurePosixPath(name).name
        or "\\" in name
        or "\x00" in name
        or name.startswith(".")
        or (suffixes and not name.lower().endswith(suffixes))
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


# ---- uploads --------------------------------------------------------------------------------


def sidecar_name(file_name: str) -> str:
    """The hidden file beside an uploaded inbox file that records who uploaded it."""
    return f".{file_name}.upload.json"


def clean_filename(raw: str | None) -> str:
    """A safe, plain file name from what the browser sent: no folders, no control characters,
    NFC, no leading dot, at most 150 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w .()+,-]", "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:10]
    stem = stem[: 150 - len(ext) - 1].strip(" .")
    if not stem:
        stem = "tep-tai-len"
    return f"{stem}.{ext}" if ext else stem


def unique_path(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while candidate.exists() or (folder / sidecar_name(candidate.name)).exists():
        candidate = folder / (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        n += 1
    return candidate


def store_upload(
    z, year: int, filename: str | None, data: bytes, uploader: str, on_behalf_of: str | None
) -> Path:
    """Write the file into the year's inbox (atomically), the sidecar first."""
    import hashlib

    from nscl.store.fsutil import atomic_write_bytes, atomic_write_json

    inbox = z.inbox(year)
    inbox.mkdir(parents=True, exist_ok=True)
    target = unique_path(inbox, clean_filename(filename))
    atomic_write_json(
        inbox / sidecar_name(target.name),
        {
            "uploader": uploader,
            "uploaded_at": dt.datetime.now(TZ).isoformat(timespec="seconds"),
            "via": "staff-page",
            "original_name": filename,
            "stored_name": target.name,
            "on_behalf_of": on_behalf_of,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    atomic_write_bytes(target, data)
    return target


def process_upload(path: Path, year: int) -> dict[str, Any]:
    """Processed on arrival: the same intake as the DAG (idempotent, keyed by the file's hash),
    then the year's consolidation so the status table shows the new file."""
    from nscl.orchestration import pipeline

    receipt = pipeline.process_submission(str(path), year)
    pipeline.consolidate(year)
    full = _read_json(zones().receipts(year) / f"{receipt['sha256']}.json") or receipt
    return full


# ---- authentication and permissions ----------------------------------------------------------


def _get_user_dependency():
    from airflow.api_fastapi.core_api.security import get_user

    return get_user


def _auth_manager():
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager()


def is_allowed(user, write: bool) -> bool:
    am = _auth_manager()
    method = "PUT" if write else "GET"  # FAB maps GET to can_read and PUT to can_edit
    allowed = bool(am.is_authorized_custom_view(method=method, resource_name=RESOURCE, user=user))
    if allowed and write and type(am).__name__ == "SimpleAuthManager":
        # SimpleAuthManager answers every custom view as a read for any viewer; uploading
        # needs more than the viewer role there.
        allowed = str(getattr(user, "role", "") or "").upper() in {"USER", "OP", "ADMIN"}
    return allowed


def _require(write: bool):
    get_user = _get_user_dependency()

    def dependency(request: Request, user=Depends(get_user)):  # noqa: B008
        if not is_allowed(user, write):
            raise HTTPException(
                403,
                "Tài khoản của bạn chưa được cấp quyền "
                + ("tải tệp lên" if write else "xem trang Báo cáo NSCL")
                + f" (quyền {ACTION_WRITE if write else ACTION_READ} trên '{RESOURCE}').",
            )
        request.state.nscl_user = user
        return user

    return dependency


def setup_roles() -> list[str]:
    """Create the page's permissions and roles in the FAB database (idempotent).

    ``NSCL Staff``: read and upload; ``NSCL Viewer``: read only; ``Admin`` gets both. Both
    custom roles also get what is needed to open the Airflow UI and see the plugin's entry.
    Does nothing with another auth manager.
    """
    from airflow.configuration import conf

    if "FabAuthManager" not in conf.get("core", "auth_manager", fallback=""):
        return []
    from airflow.providers.fab.www.security_appless import ApplessAirflowSecurityManager
    from airflow.utils.session import create_session

    done = []
    with create_session() as session:
        sm = ApplessAirflowSecurityManager(session=session)
        read = sm.create_permission(ACTION_READ, RESOURCE)
        write = sm.create_permission(ACTION_WRITE, RESOURCE)
        basics = [sm.create_permission(a, r) for a, r in UI_BASICS]
        plan = {"Admin": [read, write], ROLE_STAFF: [read, write, *basics], ROLE_VIEWER: [read, *basics]}
        for role_name, perms in plan.items():
            role = sm.find_role(role_name) or sm.add_role(role_name)
            for perm in perms:
                if perm is not None and perm not in role.permissions:
                    sm.add_permission_to_role(role, perm)
            done.append(role_name)
        session.commit()
    return done


# ---- the FastAPI app ------------------------------------------------------------------------


def _jinja():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(ASSETS / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(page_title=PAGE_TITLE, first_year=FIRST_YEAR, last_year=LAST_YEAR)
    return env


def _user_name(user) -> str:
    try:
        return str(user.get_name())
    except Exception:  # noqa: BLE001 - a display name is not worth failing a page for
        return "?"


def create_app() -> FastAPI:
    from contextlib import asynccontextmanager

    env = _jinja()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            roles = await run_in_threadpool(setup_roles)
            if roles:
                log.info("NSCL staff page: permissions on '%s' ensured for %s", RESOURCE, roles)
        except Exception:  # noqa: BLE001 - the page must not stop the API server from starting
            log.exception("NSCL staff page: could not create its permissions")
        yield

    app = FastAPI(title="Báo cáo NSCL", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    read = _require(write=False)
    write = _require(write=True)

    def render(request: Request, template: str, status_code: int = 200, **ctx) -> HTMLResponse:
        user = getattr(request.state, "nscl_user", None)
        ctx.setdefault("can_upload", user is not None and is_allowed(user, True))
        html = env.get_template(template).render(
            user_name=_user_name(user) if user is not None else None,
            state_labels=STATE_LABELS,
            **ctx,
        )
        return HTMLResponse(html, status_code=status_code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        wants_html = "text/html" in request.headers.get("accept", "") and "/api/" not in request.url.path
        if not wants_html:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        login = None
        if exc.status_code == 401:
            try:
                login = _auth_manager().get_url_login()
            except Exception:  # noqa: BLE001
                login = None
        messages = {
            401: "Bạn cần đăng nhập Airflow để xem trang này.",
            403: str(exc.detail),
            404: "Không tìm thấy nội dung yêu cầu.",
            413: str(exc.detail),
        }
        html = env.get_template("error.html").render(
            status=exc.status_code,
            message=messages.get(exc.status_code, str(exc.detail)),
            login_url=login,
            user_name=None,
        )
        return HTMLResponse(html, status_code=exc.status_code, headers=exc.headers)

    def pick_year(year: int | None, fallback: int) -> int:
        if year is None:
            return fallback
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise HTTPException(404, f"Năm {year} nằm ngoài thời kỳ của Kế hoạch (2021-2030)")
        return year

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    @app.get("/reports", response_class=HTMLResponse)
    def reports_page(request: Request, year: int | None = None, _user=Depends(read)):  # noqa: B008
        z = zones()
        years = sorted(set(years_with_data(z)) | {current_year()}, reverse=True)
        chosen = pick_year(year, default_year(z))
        by_year = [(y, list_reports(z, y)) for y in (years if year is None else [chosen])]
        return render(
            request,
            "reports.html",
            tab="reports",
            year=chosen,
            years=years,
            by_year=by_year,
            all_years=year is None,
        )

    @app.get("/submissions", response_class=HTMLResponse)
    def submissions_page(request: Request, year: int | None = None, _user=Depends(read)):  # noqa: B008
        z = zones()
        chosen = pick_year(year, default_year(z))
        years = sorted(set(years_with_data(z)) | {current_year(), chosen}, reverse=True)
        data = submission_status(z, catalogue(), chosen)
        return render(request, "submissions.html", tab="submissions", year=chosen, years=years, data=data)

    def _expected(year: int) -> list[dict[str, str]]:
        try:
            return [
                {"code": e.agency.code, "name": e.agency.name, "tfp": e.tfp_inputs}
                for e in catalogue().expected_reporters(year)
            ]
        except ValueError:
            return []

    @app.get("/upload", response_class=HTMLResponse)
    def upload_page(request: Request, year: int | None = None, _user=Depends(write)):  # noqa: B008
        chosen = pick_year(year, default_year(zones()))
        return render(
            request,
            "upload.html",
            tab="upload",
            year=chosen,
            years=list(range(LAST_YEAR, FIRST_YEAR - 1, -1)),
            agencies=_expected(chosen),
            max_mb=max_upload_bytes() // (1024 * 1024),
            result=None,
        )

    @app.get("/templates", response_class=HTMLResponse)
    def templates_page(request: Request, year: int | None = None, _user=Depends(read)):  # noqa: B008
        chosen = pick_year(year, current_year())
        return render(
            request,
            "templates.html",
            tab="templates",
            year=chosen,
            years=list(range(LAST_YEAR, FIRST_YEAR - 1, -1)),
            agencies=_expected(chosen),
        )

    # -- upload -----------------------------------------------------------------------------

    def _check_origin(request: Request) -> None:
        """A cross-site form post carries no SameSite=Lax login cookie; refuse one anyway when
        the browser says where it comes from and that is not here."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if urlsplit(origin).netloc != host:
                raise HTTPException(403, "Yêu cầu tải lên không xuất phát từ trang này.")

    async def _read_form(request: Request) -> tuple[dict[str, str], str | None, bytes]:
        from starlette.formparsers import MultiPartException, MultiPartParser

        limit = max_upload_bytes()
        too_big = HTTPException(
            413, f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB. Hãy kiểm tra lại tệp của cơ quan."
        )
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit + 64 * 1024:
            raise too_big
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise HTTPException(400, "Yêu cầu phải gửi tệp dưới dạng multipart/form-data.")

        async def limited():
            total = 0
            async for chunk in request.stream():
                total += len(chunk)
                if total > limit + 64 * 1024:
                    raise too_big
                yield chunk

        try:
            form = await MultiPartParser(request.headers, limited(), max_files=1, max_fields=10).parse()
        except MultiPartException as exc:
            raise HTTPException(400, f"Không đọc được biểu mẫu tải lên: {exc.message}") from None
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(400, "Chưa chọn tệp để tải lên.")
        data = await upload.read(limit + 1)
        await upload.close()
        if len(data) > limit:
            raise too_big
        if not data:
            raise HTTPException(400, "Tệp rỗng (0 byte).")
        return fields, upload.filename, data

    async def _handle_upload(request: Request, user) -> tuple[int, Path, dict[str, Any] | None, str | None]:
        _check_origin(request)
        fields, filename, data = await _read_form(request)
        try:
            year = int(fields.get("year", ""))
        except ValueError:
            raise HTTPException(400, "Năm báo cáo không hợp lệ.") from None
        pick_year(year, year)
        agency = (fields.get("agency") or "").strip() or None
        if agency is not None and (
            not CODE_RE.match(agency) or agency not in {a["code"] for a in _expected(year)}
        ):
            raise HTTPException(400, f"Cơ quan '{agency}' không thuộc danh sách phải báo cáo năm {year}.")
        z = zones()
        path = await run_in_threadpool(store_upload, z, year, filename, data, _user_name(user), agency)
        log.info("NSCL staff page: %s uploaded %s for %s", _user_name(user), path, agency or "?")
        receipt, problem = None, None
        if process_on_upload():
            try:
                receipt = await run_in_threadpool(process_upload, path, year)
            except Exception as exc:  # noqa: BLE001 - the file is safe in the inbox; the DAG retries
                log.exception("NSCL staff page: processing %s failed", path)
                problem = f"{type(exc).__name__}: {exc}"
        return year, path, receipt, problem

    @app.post("/upload", response_class=HTMLResponse)
    async def upload_post(request: Request, user=Depends(write)):  # noqa: B008
        year, path, receipt, problem = await _handle_upload(request, user)
        return render(
            request,
            "upload.html",
            tab="upload",
            year=year,
            years=list(range(LAST_YEAR, FIRST_YEAR - 1, -1)),
            agencies=_expected(year),
            agency_names={a["code"]: a["name"] for a in _expected(year)},
            max_mb=max_upload_bytes() // (1024 * 1024),
            result={
                "stored_name": path.name,
                "receipt": receipt,
                "status_label": RECEIPT_LABELS.get((receipt or {}).get("status"), None),
                "problem": problem,
                "processed": process_on_upload(),
            },
        )

    # -- JSON (for scripts and tests) ---------------------------------------------------------

    @app.post("/api/upload")
    async def upload_api(request: Request, user=Depends(write)):  # noqa: B008
        year, path, receipt, problem = await _handle_upload(request, user)
        keys = ("sha256", "status", "agency_code", "late", "errors", "warnings", "original_name")
        return {
            "year": year,
            "stored_name": path.name,
            "inbox_path": str(path.relative_to(zones().root)),
            "receipt": {k: receipt.get(k) for k in keys} if receipt else None,
            "problem": problem,
        }

    @app.get("/api/reports")
    def reports_api(year: int | None = None, _user=Depends(read)):  # noqa: B008
        z = zones()
        years = [pick_year(year, year)] if year is not None else years_with_data(z)
        return {"years": {str(y): list_reports(z, y) for y in years}}

    @app.get("/api/submissions")
    def submissions_api(year: int | None = None, _user=Depends(read)):  # noqa: B008
        z = zones()
        return submission_status(z, catalogue(), pick_year(year, default_year(z)))

    @app.get("/api/me")
    def me(user=Depends(read)):  # noqa: B008
        return {"user": _user_name(user), "can_upload": is_allowed(user, True)}

    # -- downloads ----------------------------------------------------------------------------

    def _attachment(path: Path, media_type: str) -> FileResponse:
        return FileResponse(
            path, media_type=media_type, filename=path.name, content_disposition_type="attachment"
        )

    @app.get("/files/reports/{year}/{name}")
    def report_file(year: int, name: str, _user=Depends(read)):  # noqa: B008
        pick_year(year, year)
        path = safe_child(zones().reports(year), name, REPORT_SUFFIXES)
        if name.endswith(".manifest.json"):
            return FileResponse(path, media_type="application/json; charset=utf-8")
        media = (
            "application/pdf"
            if name.lower().endswith(".pdf")
            else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        return _attachment(path, media)

    @app.get("/files/{zone}/{year}/{sha}/{name}")
    def feedback_file(zone: str, year: int, sha: str, name: str, _user=Depends(read)):  # noqa: B008
        pick_year(year, year)
        if zone not in FEEDBACK_ZONES or not SHA_RE.match(sha):
            raise HTTPException(404, "Không tìm thấy tệp")
        path = safe_child(zones().root / zone / str(year) / sha, name)
        media = {".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8"}.get(
            Path(name).suffix.lower(), "application/octet-stream"
        )
        return _attachment(path, media)

    @app.get("/files/templates/{year}/{code}")
    def template_file(year: int, code: str, _user=Depends(read)):  # noqa: B008
        pick_year(year, year)
        if not CODE_RE.match(code):
            raise HTTPException(404, "Không tìm thấy cơ quan")
        from nscl.forms.workbook import build_workbook, save_reproducible, workbook_filename

        cat = catalogue()
        try:
            exp = cat.expectation(year, code)
        except (KeyError, ValueError):
            raise HTTPException(
                404, f"Cơ quan '{code}' không thuộc danh sách phải báo cáo năm {year}"
            ) from None
        wb = build_workbook(exp, year, cat)
        with tempfile.TemporaryDirectory(prefix="nscl-template-") as tmp:
            out = Path(tmp) / workbook_filename(exp, year)
            save_reproducible(wb, out)
            data = out.read_bytes()
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{workbook_filename(exp, year)}"'},
        )

    return app


class NsclStaffPagePlugin(AirflowPlugin):
    """Registers the staff page's FastAPI app and its entry in the Airflow UI's navigation."""

    name = "nscl_staff_page"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": PAGE_TITLE}]
    external_views = [
        {
            "name": PAGE_TITLE,
            # Relative (no leading slash): the UI resolves it against its own base URL.
            "href": URL_PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "url_route": "bao-cao-nscl",
            "nav_top_level": True,
        }
    ]


if __name__ == "__main__":
    # python plugins/nscl_staff_page.py setup-roles
    if sys.argv[1:] == ["setup-roles"]:
        print("Đã tạo quyền và vai trò:", ", ".join(setup_roles()) or "(không dùng FAB auth manager)")
    else:
        print("Cách dùng: python plugins/nscl_staff_page.py setup-roles", file=sys.stderr)
        sys.exit(2)
