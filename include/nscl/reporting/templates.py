"""Which Word template a report is filled from.

Staff own their templates: the shipped defaults (the repository's ``templates/``, made by the
developers' ``tools/build_templates.py``) are never edited in place. ``nscl templates-export``
copies them into ``<data>/templates/`` for staff to edit in Word; a report is then filled from,
in this order:

1. ``NSCL_TEMPLATES_DIR`` (a deployment's own folder), if it has the file;
2. ``<data>/templates/``, the staff's copies, if it has the file;
3. the shipped default.

No step of the pipeline or of development writes into 1 or 2, except ``templates-export``,
which never overwrites a file that is already there."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from nscl.settings import data_dir

TEMPLATE_FILES = {
    "annual": "bao-cao-nam.docx",
    "mid-term": "so-ket-2021-2025.docx",
    "final": "tong-ket-2021-2030.docx",
}


def default_dir() -> Path:
    """The shipped default templates (the repository's ``templates/`` folder)."""
    return Path(__file__).resolve().parents[3] / "templates"


def staff_dir() -> Path:
    return data_dir() / "templates"


def search_dirs() -> list[tuple[str, Path]]:
    """(origin, folder) in the order a template is looked for."""
    out: list[tuple[str, Path]] = []
    env = os.environ.get("NSCL_TEMPLATES_DIR")
    if env:
        out.append(("NSCL_TEMPLATES_DIR", Path(env)))
    out.append(("staff", staff_dir()))
    out.append(("default", default_dir()))
    return out


@dataclass(frozen=True)
class ResolvedTemplate:
    kind: str
    path: Path
    origin: str  # "NSCL_TEMPLATES_DIR" | "staff" | "default" | "given"


def resolve(kind: str, folder: Path | None = None) -> ResolvedTemplate:
    """The template a report of ``kind`` is filled from (``folder``: look only there)."""
    name = TEMPLATE_FILES[kind]
    if folder is not None:
        return ResolvedTemplate(kind, Path(folder) / name, "given")
    for origin, where in search_dirs():
        if (where / name).is_file():
            return ResolvedTemplate(kind, where / name, origin)
    return ResolvedTemplate(kind, default_dir() / name, "default")


def template_path(kind: str, folder: Path | None = None) -> Path:
    return resolve(kind, folder).path


def export_defaults(target: Path | None = None) -> list[tuple[Path, bool]]:
    """Copy the shipped templates into ``target`` (default ``<data>/templates/``) for staff to
    edit; a file already there is kept as it is. Returns (path, copied) per template."""
    target = Path(target) if target else staff_dir()
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for name in TEMPLATE_FILES.values():
        dest = target / name
        if dest.exists():
            out.append((dest, False))
            continue
        tmp = dest.with_name(f".{name}.tmp")
        shutil.copyfile(default_dir() / name, tmp)
        os.replace(tmp, dest)
        out.append((dest, True))
    return out
