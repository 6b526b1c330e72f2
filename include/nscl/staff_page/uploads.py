"""Files staff upload on an agency's behalf: read the form within a size limit, give the file a
safe name, put it in the year's inbox exactly as an agency's file would arrive (with a hidden
sidecar ``inbox/<year>/.<name>.upload.json`` saying who uploaded it), and process it on
arrival (archive, validate, receipt, consolidate) unless ``NSCL_PROCESS_ON_UPLOAD=0``."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import HTTPException, Request

from nscl.orchestration import pipeline
from nscl.staff_page.common import max_upload_bytes, now
from nscl.staff_page.queries import read_json, upload_sidecar_name, zones
from nscl.store.fsutil import atomic_write_bytes, atomic_write_json
from nscl.store.zones import Zones

sidecar_name = upload_sidecar_name


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


def too_big() -> HTTPException:
    limit = max_upload_bytes()
    return HTTPException(
        413, f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB. Hãy kiểm tra lại tệp của cơ quan."
    )


async def read_form(request: Request) -> tuple[dict[str, str], str | None, bytes | None]:
    """The form's text fields and its one file (name, bytes), never more than the limit read."""
    from starlette.formparsers import MultiPartException, MultiPartParser

    limit = max_upload_bytes()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:
        raise too_big()
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        form = await request.form(max_files=0, max_fields=20)
        return {k: v for k, v in form.items() if isinstance(v, str)}, None, None
    if not ctype.startswith("multipart/form-data"):
        raise HTTPException(400, "Yêu cầu phải gửi tệp dưới dạng multipart/form-data.")

    async def limited():
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + 64 * 1024:
                raise too_big()
            yield chunk

    try:
        parsed = await MultiPartParser(request.headers, limited(), max_files=1, max_fields=20).parse()
    except MultiPartException as exc:
        raise HTTPException(400, f"Không đọc được biểu mẫu tải lên: {exc.message}") from None
    fields = {k: v for k, v in parsed.items() if isinstance(v, str)}
    upload = parsed.get("file")
    if upload is None or isinstance(upload, str):
        return fields, None, None
    data = await upload.read(limit + 1)
    await upload.close()
    if len(data) > limit:
        raise too_big()
    return fields, upload.filename, data


def store_upload(
    z: Zones,
    year: int,
    filename: str | None,
    data: bytes,
    uploader: str,
    on_behalf_of: str | None,
    note: str = "",
) -> Path:
    """Write the file into the year's inbox (atomically), the sidecar first."""
    inbox = z.inbox(year)
    inbox.mkdir(parents=True, exist_ok=True)
    target = unique_path(inbox, clean_filename(filename))
    atomic_write_json(
        inbox / sidecar_name(target.name),
        {
            "uploader": uploader,
            "uploaded_at": now().isoformat(timespec="seconds"),
            "via": "staff-page",
            "original_name": filename,
            "stored_name": target.name,
            "on_behalf_of": on_behalf_of,
            "note": note,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    atomic_write_bytes(target, data)
    return target


def process_upload(path: Path, year: int) -> dict[str, Any]:
    """Processed on arrival: the same intake as the DAG (idempotent, keyed by the file's hash),
    then the year's consolidation so the status table shows the new file."""

    receipt = dict(pipeline.process_submission(str(path), year))
    pipeline.consolidate(year)
    full = read_json(zones().receipts(year) / f"{receipt['sha256']}.json") or receipt
    if receipt.get("duplicate_of"):  # the same bytes as a file received before: not counted again
        full = {**full, "duplicate_of": receipt["duplicate_of"]}
    return full
