"""The reports as Word documents, filled from staff-editable docxtpl templates (``templates/``),
each saved with a manifest of its inputs.

- the annual report on implementing the plan in a year (``bao-cao-nam.docx``);
- the mid-term review 2021-2025 (``so-ket-2021-2025.docx``);
- the final review 2021-2030 (``tong-ket-2021-2030.docx``).

Every run writes a new version (``<stem>-v<NNN>.docx``); earlier versions stay. The same inputs
give the same document content. Where LibreOffice is installed, a PDF of the same name
(``<stem>-v<NNN>.pdf``) is written beside each .docx (for the staff page, just after it:
``PDF_LATER``, ``ensure_pdf``); without it (or with ``NSCL_REPORT_PDF=0``)
the .docx alone, and the manifest and the run log say why. The context each template sees is built in
``nscl.reporting.context`` (annual) and ``nscl.reporting.reviews`` (reviews); templates are checked by
``nscl.reporting.template_check`` before they are filled.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from nscl import __version__
from nscl.reporting.docx_layout import keep_ends_together
from nscl.reporting.template_check import check_template
from nscl.reporting.templates import default_dir, staff_dir, template_path
from nscl.settings import LOCAL_TZ
from nscl.store.faults import checkpoint
from nscl.store.fsutil import atomic_write, atomic_write_bytes, atomic_write_json, file_lock
from nscl.store.zones import Zones

IMAGE_KEYS = ("chart_tfp", "chart_indicators", "chart_budget")
IMAGE_WIDTH_MM = 160
# The indicators' chart is placed on the landscape page of the indicators' appendix.
IMAGE_WIDTHS_MM = {"chart_indicators": 240}
PDF_TIMEOUT_S = 180

log = logging.getLogger(__name__)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render(kind: str, context: dict[str, Any], template: Path | None = None):
    """Check the template, then fill it; returns the rendered DocxTemplate (``.save(path)``).
    Charts (PNG bytes in the context) become inline images 16 cm wide."""
    import jinja2
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = template or template_path(kind)
    check_template(template, kind)
    tpl = DocxTemplate(str(template))
    ctx = dict(context)
    for key in IMAGE_KEYS:
        if isinstance(ctx.get(key), bytes | bytearray):
            ctx[key] = InlineImage(tpl, io.BytesIO(ctx[key]), width=Mm(IMAGE_WIDTHS_MM.get(key, IMAGE_WIDTH_MM)))
    ctx = {k: _lines(v) for k, v in ctx.items()}
    tpl.render(ctx, jinja2.Environment(undefined=jinja2.StrictUndefined), autoescape=True)
    keep_ends_together(tpl.docx)
    return tpl


def _lines(value: Any) -> Any:
    """Table cells with several lines (a review's result year by year) as line breaks."""
    from docxtpl import Listing

    if isinstance(value, list):
        return [_lines(v) for v in value]
    if isinstance(value, dict):
        return {k: (Listing(v) if isinstance(v, str) and "\n" in v else v) for k, v in value.items()}
    return value


def next_version(folder: Path, stem: str) -> int:
    # A claimed version is its manifest (written first); a .docx alone is an older layout.
    names = [p.name.split(".", 1)[0] for p in folder.glob(f"{stem}-v*") if not p.name.startswith(".")]
    existing = [int(n.rsplit("-v", 1)[1]) for n in names if n.rsplit("-v", 1)[1].isdigit()]
    return max(existing, default=0) + 1


def save_report(
    doc, zones: Zones, year: int, manifest: dict[str, Any], kind: str = "bao-cao-nam", stem: str | None = None
) -> Path:
    """Save as a new version with its manifest beside it, under ``reports/<year>/``; the version
    number is claimed atomically so two writers never share one. The file stem is
    ``<kind>-<year>`` unless ``stem`` is given (e.g. "so-ket-2021-2025").

    Crash-safe: everything is written under hidden names first; the version is claimed by
    hard-linking the manifest into place (fails if taken), then the PDF, and the .docx comes
    last. Readers list the .docx files, so a kill at any point leaves either no new report or a
    whole one (a claimed version without its .docx is skipped by the next writer)."""
    folder = zones.reports(year)
    folder.mkdir(parents=True, exist_ok=True)
    stem = stem or f"{kind}-{year}"
    hidden = folder / f".{stem}.{os.getpid()}"
    tmp_docx = hidden.with_name(hidden.name + ".tmp.docx")
    tmp_manifest = hidden.with_name(hidden.name + ".tmp.manifest.json")
    atomic_write(tmp_docx, doc.save)
    data = tmp_docx.read_bytes()
    later = PDF_LATER.get() and pdf_enabled() and soffice() is not None
    try:
        pdf_bytes, pdf_note = None, None
        if not later:
            with tempfile.TemporaryDirectory(prefix="nscl-pdf-") as work:
                pdf, pdf_note = convert_to_pdf(tmp_docx, Path(work))
                pdf_bytes = pdf.read_bytes() if pdf is not None else None
        origin = run_origin()
        while True:
            version = next_version(folder, stem)
            path = folder / f"{stem}-v{version:03d}.docx"
            pdf_path = path.with_suffix(".pdf")
            full = {
                **manifest,
                **origin,
                "version": version,
                "document": path.name,
                "document_sha256": sha256_bytes(data),
                "pdf": {"file": pdf_path.name, "sha256": sha256_bytes(pdf_bytes)} if pdf_bytes else None,
                "code_version": __version__,
            }
            if later:  # made by ensure_pdf once the .docx is in place
                full["pdf"] = {"file": pdf_path.name, "made": "after"}
            elif pdf_bytes is None:
                full["pdf_note"] = pdf_note
            atomic_write_json(tmp_manifest, full)
            try:
                os.link(tmp_manifest, path.with_suffix(".manifest.json"))
                break
            except FileExistsError:
                continue
        checkpoint("report.claimed")
        if pdf_bytes is not None:
            atomic_write_bytes(pdf_path, pdf_bytes)
        checkpoint("report.pdf")
        os.link(tmp_docx, path)
    finally:
        tmp_docx.unlink(missing_ok=True)
        tmp_manifest.unlink(missing_ok=True)
    return path


# The staff page answers as soon as the .docx is in place and makes the PDF afterwards
# (``ensure_pdf``): set for its requests; the pipeline's runs make both at once.
PDF_LATER: ContextVar[bool] = ContextVar("nscl_pdf_later", default=False)


def pdf_pending(docx: Path) -> bool:
    """The report's PDF is to be made after its .docx (``PDF_LATER``) and is not there yet."""
    if docx.with_suffix(".pdf").is_file():
        return False
    try:
        manifest = json.loads(docx.with_suffix(".manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("pdf") or {}).get("made") == "after"


def ensure_pdf(docx: Path) -> Path | None:
    """The PDF beside ``docx``, made now if it is not there yet: idempotent (one conversion at a
    time per folder, under a lock; a second caller finds the file) and atomic (written under a
    temporary name, then renamed). None when LibreOffice cannot make it (logged)."""
    pdf_path = docx.with_suffix(".pdf")
    if pdf_path.is_file():
        return pdf_path
    with file_lock(docx.with_name(".pdf.lock")):  # one conversion at a time per folder
        if pdf_path.is_file():
            return pdf_path
        with tempfile.TemporaryDirectory(prefix="nscl-pdf-") as work:
            pdf, note = convert_to_pdf(docx, Path(work))
            if pdf is None:
                log.warning("No PDF for %s: %s", docx.name, note)
                return None
            atomic_write_bytes(pdf_path, pdf.read_bytes())
        return pdf_path


# Who asked for the report when a person did, outside a DAG run: the staff page sets it for the
# request of a signed-in user ("canbo"); the manifest then says "made_by": "page".
MADE_BY_USER: ContextVar[str | None] = ContextVar("nscl_made_by_user", default=None)


def run_origin() -> dict[str, Any]:
    """When and by what the report was made: the Airflow DAG run (the task runner exports
    ``AIRFLOW_CTX_DAG_ID`` and ``AIRFLOW_CTX_DAG_RUN_ID`` to every task), the staff page (with
    the user, ``MADE_BY_USER``), or the command line."""
    import datetime as dt

    dag_id = os.environ.get("AIRFLOW_CTX_DAG_ID") or None
    run_id = os.environ.get("AIRFLOW_CTX_DAG_RUN_ID") or None
    return {
        "created_at": dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds"),
        "dag_id": dag_id,
        "run_id": run_id,
        "made_by": "airflow" if run_id else ("page" if MADE_BY_USER.get() else "cli"),
        **({"made_by_user": MADE_BY_USER.get()} if not run_id and MADE_BY_USER.get() else {}),
    }


def pdf_enabled() -> bool:
    """``NSCL_REPORT_PDF=0`` (or false/no/off) turns the PDF off; on by default."""
    return os.environ.get("NSCL_REPORT_PDF", "1").strip().lower() not in ("0", "false", "no", "off")


def soffice() -> str | None:
    """LibreOffice's command (``soffice`` or ``libreoffice``), or None when not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: Path, work: Path, timeout: float = PDF_TIMEOUT_S) -> tuple[Path | None, str | None]:
    """Convert ``docx`` with LibreOffice (headless) into ``work``; returns (the PDF, None), or
    (None, the reason) when it is off, not installed or failed. Never raises: the report stands
    without its PDF. A private LibreOffice profile under ``work`` lets conversions run at once."""
    if not pdf_enabled():
        return None, "NSCL_REPORT_PDF=0: không tạo PDF (PDF turned off)"
    exe = soffice()
    if exe is None:
        reason = "LibreOffice chưa được cài đặt: chỉ có tệp .docx (LibreOffice not installed)"
        log.warning(reason)
        return None, reason
    src = work / "in" / "bao-cao.docx"
    src.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(docx, src)
    out = work / "out"
    profile = (work / "profile").resolve().as_uri()
    cmd = [
        exe,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(src),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        reason = f"Chuyển sang PDF quá {int(timeout)} giây, bỏ qua (LibreOffice timed out)"
        log.warning(reason)
        return None, reason
    except OSError as exc:
        reason = f"Không chạy được LibreOffice: {exc} (LibreOffice failed to start)"
        log.warning(reason)
        return None, reason
    pdf = out / "bao-cao.pdf"
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or [
            f"mã thoát {proc.returncode}"
        ]
        reason = f"Không chuyển được sang PDF: {detail[0]} (PDF conversion failed)"
        log.warning(reason)
        return None, reason
    return pdf, None


def content_digest(manifest: dict[str, Any]) -> str:
    """A digest of the inputs, parameters and template: equal digests mean equal report content."""
    keys = {
        k: manifest[k]
        for k in ("kind", "first_year", "year", "inputs", "parameters", "template")
        if k in manifest
    }
    return sha256_bytes(json.dumps(keys, sort_keys=True, ensure_ascii=False, default=str).encode())


def template_info(path: Path) -> dict[str, str]:
    """The template a report was filled from: its name, hash and whose copy it was."""

    folder = Path(path).resolve().parent
    origin = (
        "default"
        if folder == default_dir().resolve()
        else "staff"
        if folder == staff_dir().resolve()
        else "other"
    )
    return {"file": path.name, "sha256": sha256_bytes(path.read_bytes()), "origin": origin}
