"""The reports as Word documents, filled from staff-editable docxtpl templates (``templates/``),
each saved with a manifest of its inputs.

- the annual report on implementing the plan in a year (``bao-cao-nam.docx``);
- the mid-term review 2021-2025 (``so-ket-2021-2025.docx``);
- the final review 2021-2030 (``tong-ket-2021-2030.docx``).

Every run writes a new version (``<stem>-v<NNN>.docx``); earlier versions stay. The same inputs
give the same document content. The context each template sees is built in
``nscl.report_context`` (annual) and ``nscl.reviews`` (reviews); templates are checked by
``nscl.template_check`` before they are filled.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .fsutil import atomic_write, atomic_write_json
from .report_context import STATE_LABELS, TASK_STATUS_ORDER, fmt, fmt_deliverable  # noqa: F401 (re-exported)
from .settings import Zones

TEMPLATE_FILES = {
    "annual": "bao-cao-nam.docx",
    "mid-term": "so-ket-2021-2025.docx",
    "final": "tong-ket-2021-2030.docx",
}
IMAGE_KEYS = ("chart_tfp", "chart_indicators", "chart_budget")
IMAGE_WIDTH_MM = 160


def template_dir() -> Path:
    """``NSCL_TEMPLATES_DIR``, else the repository's ``templates/`` folder."""
    env = os.environ.get("NSCL_TEMPLATES_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "templates"


def template_path(kind: str, folder: Path | None = None) -> Path:
    return (folder or template_dir()) / TEMPLATE_FILES[kind]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render(kind: str, context: dict[str, Any], template: Path | None = None):
    """Check the template, then fill it; returns the rendered DocxTemplate (``.save(path)``).
    Charts (PNG bytes in the context) become inline images 16 cm wide."""
    import jinja2
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from .template_check import check_template

    template = template or template_path(kind)
    check_template(template, kind)
    tpl = DocxTemplate(str(template))
    ctx = dict(context)
    for key in IMAGE_KEYS:
        if isinstance(ctx.get(key), bytes | bytearray):
            ctx[key] = InlineImage(tpl, io.BytesIO(ctx[key]), width=Mm(IMAGE_WIDTH_MM))
    tpl.render(ctx, jinja2.Environment(undefined=jinja2.StrictUndefined), autoescape=True)
    return tpl


def next_version(folder: Path, stem: str) -> int:
    existing = [
        int(p.stem.rsplit("-v", 1)[1])
        for p in folder.glob(f"{stem}-v*.docx")
        if p.stem.rsplit("-v", 1)[1].isdigit()
    ]
    return max(existing, default=0) + 1


def save_report(
    doc, zones: Zones, year: int, manifest: dict[str, Any], kind: str = "bao-cao-nam", stem: str | None = None
) -> Path:
    """Save as a new version with its manifest beside it, under ``reports/<year>/``; the version
    number is claimed atomically so two writers never share one. The file stem is
    ``<kind>-<year>`` unless ``stem`` is given (e.g. "so-ket-2021-2025")."""
    folder = zones.reports(year)
    folder.mkdir(parents=True, exist_ok=True)
    stem = stem or f"{kind}-{year}"
    # Write the whole document under a hidden name first, then claim the version by hard-linking
    # it into place (fails if taken): no reader ever finds an empty or half-written report.
    tmp = folder / f".{stem}.{os.getpid()}.tmp.docx"
    atomic_write(tmp, doc.save)
    data = tmp.read_bytes()
    try:
        while True:
            version = next_version(folder, stem)
            path = folder / f"{stem}-v{version:03d}.docx"
            try:
                os.link(tmp, path)
                break
            except FileExistsError:
                continue
    finally:
        tmp.unlink(missing_ok=True)
    manifest = {
        **manifest,
        "version": version,
        "document": path.name,
        "document_sha256": sha256_bytes(data),
        "code_version": __version__,
    }
    atomic_write_json(path.with_suffix(".manifest.json"), manifest)
    return path


def content_digest(manifest: dict[str, Any]) -> str:
    """A digest of the inputs, parameters and template: equal digests mean equal report content."""
    keys = {k: manifest[k] for k in ("kind", "year", "inputs", "parameters", "template") if k in manifest}
    return sha256_bytes(json.dumps(keys, sort_keys=True, ensure_ascii=False, default=str).encode())


def template_info(path: Path) -> dict[str, str]:
    return {"file": path.name, "sha256": sha256_bytes(path.read_bytes())}
