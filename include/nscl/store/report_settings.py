"""The report settings staff keep on the page: the recipients ("Nơi nhận") of each kind of report,
written into the data folder's ``report_settings.yaml`` (the override file that
``nscl.reporting.common.load_settings`` reads over the shipped defaults), under
``kinds: <kind>: recipients``, so the next generated report prints them.

``set_recipients`` rewrites the file atomically under a lock, keeping every other key an operator
put there (the comments of a hand-edited file are not kept: the file says so in its header), and
records the change in ``settings-history/`` (``nscl.store.contacts.record_change``: what, key,
before, after, who, when)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml

from nscl.store.contacts import record_change
from nscl.store.fsutil import atomic_write_text, file_lock
from nscl.store.zones import Zones

KINDS = ("annual", "mid-term", "final")
MAX_LINES = 30
MAX_LINE = 300
HEADER = (
    "# Thiết lập báo cáo của Sở (ghi đè thiết lập mặc định). Nơi nhận của từng loại báo cáo sửa trên\n"
    "# trang Báo cáo NSCL, thẻ “Cài đặt” (mỗi lần sửa được ghi lại trong settings-history/).\n"
)


def path(zones: Zones) -> Path:
    """The override file ``load_settings`` reads (the same as ``editorial.settings_override``)."""
    return zones.root / "report_settings.yaml"


def parse_recipients(text: str) -> list[str]:
    """One recipient per line, as printed under "Nơi nhận:"; blank lines dropped. ValueError in
    Vietnamese when there is none or too many, or a line is too long."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line.lstrip("-–• ").strip() for line in lines]
    out = [line for line in lines if line]
    if not out:
        raise ValueError("cần ít nhất một nơi nhận (ví dụ: “UBND tỉnh (để báo cáo);” và “Lưu: VT, TĐC.”)")
    if len(out) > MAX_LINES:
        raise ValueError(f"tối đa {MAX_LINES} dòng nơi nhận")
    for line in out:
        if len(line) > MAX_LINE:
            raise ValueError(f"dòng “{line[:60]}…” dài quá {MAX_LINE} ký tự")
    return out


def read(zones: Zones) -> dict[str, Any]:
    p = path(zones)
    if not p.is_file():
        return {}
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{p.name}: không đọc được thiết lập báo cáo: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{p.name}: thiết lập báo cáo không đúng dạng")
    return raw


def own_recipients(zones: Zones, kind: str) -> list[str] | None:
    """The recipients staff set for ``kind`` (None: the shipped default is used)."""
    value = ((read(zones).get("kinds") or {}).get(kind) or {}).get("recipients")
    return [str(x) for x in value] if value else None


def _locked(zones: Zones) -> contextlib.AbstractContextManager[None]:
    return file_lock(zones.root / ".report_settings.lock")


def set_recipients(
    zones: Zones, kind: str, recipients: list[str], by: str, before: list[str]
) -> dict[str, Any] | None:
    """Set the recipients of ``kind``; ``before`` is what the reports printed until now (the
    caller knows the shipped default). The change recorded, or None when nothing changed."""
    if kind not in KINDS:
        raise ValueError(f"loại báo cáo '{kind}' không có")
    if not by.strip():
        raise ValueError("cần tên người thực hiện")
    with _locked(zones):
        raw = read(zones)
        if recipients == before:
            return None
        kinds = dict(raw.get("kinds") or {})
        kinds[kind] = {**(kinds.get(kind) or {}), "recipients": list(recipients)}
        raw = {**raw, "kinds": kinds}
        body = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=10_000)
        atomic_write_text(path(zones), HEADER + body)
        return record_change(zones, "recipients", kind, list(before), list(recipients), by)
