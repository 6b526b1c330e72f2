"""A report from the data folder to a new version on disk: the year data, the staff's text and
approval (``nscl.store.editorial``), the date (left for the clerk unless staff set one, never
earlier than the last file used), the context, the template, and the manifest with what is
still open (sections not reviewed, signer not set, agencies missing) and the analysts'
diagnostics that stay out of the document (the STI share's reliability)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl.plan.catalogue import Catalogue
from nscl.reporting.annual import annual_context, annual_draft
from nscl.reporting.appendices import exact_references
from nscl.reporting.common import load_settings
from nscl.reporting.narrative import SECTION_TITLES
from nscl.reporting.render import content_digest, render, save_report, template_info
from nscl.reporting.reviews import ReviewKind, review_context, review_draft, review_kind
from nscl.reporting.templates import template_path
from nscl.reporting.yeardata import (
    YearData,
    inputs_of,
    last_input,
    load_year,
    year_progress,
)
from nscl.store import editorial, signed
from nscl.store.zones import Zones


@dataclass
class Prepared:
    kind: str
    year: int
    context: dict[str, Any]
    draft: dict[str, list[str]]
    state: editorial.Editorial
    settings: dict[str, Any]
    issued: dt.date | None
    open_items: list[str]
    data: list[YearData]


def check_date(day: dt.date | None, data: list[YearData], catalogue: Catalogue) -> None:
    """Refuse a date earlier than the last file the report uses."""
    last = last_input(data)
    if day is None or last is None:
        return
    at, code = last
    if day < at.date():
        raise ValueError(
            f"ngày báo cáo {day.strftime('%d/%m/%Y')} sớm hơn ngày nhận báo cáo cuối cùng được sử dụng "
            f"({at.strftime('%d/%m/%Y')}, {catalogue.agency(code).name}); chọn ngày từ "
            f"{at.strftime('%d/%m/%Y')} trở đi, hoặc để trống cho văn thư ghi khi đăng ký."
        )


def open_items(state: editorial.Editorial, settings: dict[str, Any], this: YearData | None) -> list[str]:
    """What staff still have to do before the report can be signed."""
    out = []
    pending = [SECTION_TITLES[s] for s in state.unreviewed()]
    if pending:
        out.append(
            "Mục chưa được biên tập hoặc xác nhận “đã xem, giữ nguyên bản nháp”: " + "; ".join(pending) + "."
        )
    if state.signer is None:
        out.append("Chưa chọn người ký (quyền hạn, chức vụ và họ tên người ký).")
    if this is not None and this.summary:
        missing = [
            s["agency_name"] for s in this.summary.get("status", []) if s["state"] in ("missing", "rejected")
        ]
        if missing:
            out.append(f"Cơ quan, đơn vị chưa có báo cáo hợp lệ năm {this.year}: " + ", ".join(missing) + ".")
    if not state.approved:
        out.append("Nội dung chưa được phê duyệt (báo cáo còn ghi DỰ THẢO).")
    return out


def with_signer(
    settings: dict[str, Any], state: editorial.Editorial, zones: Zones | None = None
) -> dict[str, Any]:
    """The settings with the signer chosen for this document (else the shipped authority line
    and a blank name, listed as open): in a draft, the leader's authority lines as "Cài đặt" has
    them now (looked up by name); in an approved document, the lines it was approved with."""
    signer = editorial.current_signer(zones, state) if zones is not None else state.signer
    if signer is None:
        return settings
    return {**settings, "signer": {"authority": list(signer.authority), "name": signer.name}}


def data_until(state: editorial.Editorial, data: list[YearData]) -> dt.date | None:
    """The date the figures run to: the cut-off staff set, else the day the last file used
    arrived (None when the report uses no file)."""
    if state.cutoff:
        return dt.date.fromisoformat(state.cutoff)
    last = last_input(data)
    return last[0].date() if last else None


def _settings(
    settings: dict[str, Any], state: editorial.Editorial, data: list[YearData], zones: Zones | None = None
) -> dict[str, Any]:
    until = data_until(state, data)
    out = {**with_signer(settings, state, zones), "data_until": until.isoformat() if until else None}
    if zones is not None and state.kind != "annual":
        # the signed annual reports a review builds on, listed in it
        out["signed_reports"] = [
            f"Báo cáo số {r['number']} ngày {dt.date.fromisoformat(r['date']).strftime('%d/%m/%Y')} (năm {d.year})"
            for d in data
            if (r := signed.current(zones, d.year, "annual"))
        ]
    return out


def refuse_if_locked(zones: Zones, year: int, kind: str = "annual") -> None:
    """A new version of a signed report is refused, saying why, until staff reopen the year."""
    record = signed.lock(zones, year, kind)
    if record is not None:
        raise ValueError(signed.locked_message(record, year, kind))


def _issued(given: str | None, state: editorial.Editorial) -> dt.date | None:
    text = given or state.issued
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ngày báo cáo '{text}' không đúng dạng YYYY-MM-DD") from None


def prepare_annual(zones: Zones, catalogue: Catalogue, year: int, issued: str | None = None) -> Prepared:
    data = [load_year(zones, y) for y in range(2021, year + 1)]
    if data[-1].summary is None:
        raise FileNotFoundError(f"Chưa có số liệu tổng hợp năm {year} ({zones.curated(year)}/summary.json)")
    prog = year_progress(catalogue, year, data)
    state = editorial.load(zones, year, "annual")
    settings = _settings(
        load_settings("annual", override=editorial.settings_override(zones)), state, data, zones
    )
    day = _issued(issued, state)
    check_date(day, data, catalogue)
    context = exact_references(
        annual_context(catalogue, year, prog, data, settings, day, state.texts(), not state.approved),
        "annual",
    )
    draft = annual_draft(catalogue, year, prog, data, settings)
    todo = open_items(state, settings, data[-1]) + draft.get("withheld", [])
    return Prepared("annual", year, context, draft, state, settings, day, todo, data)


def prepare_review(zones: Zones, catalogue: Catalogue, rk: ReviewKind, issued: str | None = None) -> Prepared:
    data = [load_year(zones, y) for y in rk.years]
    if not any(d.summary for d in data):
        raise FileNotFoundError(f"Chưa có số liệu tổng hợp của năm nào trong {rk.first}-{rk.last}")
    state = editorial.load(zones, rk.last, rk.kind)
    settings = _settings(
        load_settings(rk.kind, override=editorial.settings_override(zones)), state, data, zones
    )
    day = _issued(issued, state)
    check_date(day, data, catalogue)
    context = exact_references(
        review_context(catalogue, rk, data, settings, day, state.texts(), not state.approved), rk.kind
    )
    draft = review_draft(catalogue, rk, data, settings)
    last = next((d for d in reversed(data) if d.summary), None)
    todo = open_items(state, settings, last) + draft.get("withheld", [])
    return Prepared(rk.kind, rk.last, context, draft, state, settings, day, todo, data)


def prepare(zones: Zones, catalogue: Catalogue, year: int, kind: str = "annual") -> Prepared:
    """The report of ``kind`` filed under ``year`` (a review: the one ending that year)."""
    if kind == "annual":
        return prepare_annual(zones, catalogue, year)
    return prepare_review(zones, catalogue, review_kind(kind, 2021, year))


def _diagnostics(data: list[YearData]) -> dict[str, Any]:
    tfp = next((d.tfp for d in reversed(data) if d.tfp), None) or {}
    return {"sti": tfp.get("sti"), "sti_unavailable": tfp.get("sti_unavailable")}


def _manifest(p: Prepared, tpl: Path, extra: dict[str, Any]) -> dict[str, Any]:
    tfp = next((d.tfp for d in reversed(p.data) if d.tfp), None) or {}
    manifest = {
        **extra,
        "inputs": inputs_of(p.data),
        "parameters": {
            "tfp": tfp.get("parameters"),
            "issued": p.issued.isoformat() if p.issued else None,
            "settings": p.settings,
        },
        "template": template_info(tpl),
        "editorial": {
            "approved": p.state.approved,
            "approved_by": p.state.approved_by,
            "approved_at": p.state.approved_at,
            "staff_sections": sorted(p.state.texts()),
        },
        "open_items": p.open_items,
        "signed_reports": p.settings.get("signed_reports") or [],
        "diagnostics": _diagnostics(p.data),
    }
    manifest["content_digest"] = content_digest(manifest)
    return manifest


def write_annual(
    zones: Zones, catalogue: Catalogue, year: int, issued: str | None = None, template: str | None = None
) -> Path:
    refuse_if_locked(zones, year)
    tpl = Path(template) if template else template_path("annual")
    p = prepare_annual(zones, catalogue, year, issued)
    doc = render("annual", p.context, tpl)
    prog = year_progress(catalogue, year, p.data)
    manifest = _manifest(p, tpl, {"kind": "annual", "year": year, "indicators": [q.to_dict() for q in prog]})
    return save_report(doc, zones, year, manifest)


def write_review(
    zones: Zones, catalogue: Catalogue, rk: ReviewKind, issued: str | None = None, template: str | None = None
) -> Path:
    refuse_if_locked(zones, rk.last, rk.kind)
    tpl = Path(template) if template else template_path(rk.kind)
    p = prepare_review(zones, catalogue, rk, issued)
    doc = render(rk.kind, p.context, tpl)
    manifest = _manifest(
        p,
        tpl,
        {
            "kind": rk.kind,
            "year": rk.last,
            "first_year": rk.first,
            "years": [d.year for d in p.data if d.summary],
            "indicators": p.context["indicators"],
        },
    )
    return save_report(doc, zones, rk.last, manifest, stem=rk.stem)
