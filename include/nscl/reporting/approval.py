"""Approval of a report's content, gated and honest: what blocks it (no signer, a section nobody
edited or kept, a check of the figures nobody settled), what does not block it but is shown in
the confirmation (agencies still missing or to correct), and what becomes final. The staff page,
``nscl editorial ... approve`` and the report DAG's approval step all call ``readiness`` and
``approve`` here, so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from nscl.plan.catalogue import Catalogue
from nscl.reporting.build import Prepared, prepare
from nscl.reporting.checks import Check, open_checks
from nscl.reporting.narrative import SECTION_TITLES
from nscl.store import editorial
from nscl.store.zones import Zones


@dataclass
class Readiness:
    blocking: list[str]  # Vietnamese, one line per open item
    checks: list[Check]  # open checks nobody acknowledged
    acknowledged: list[tuple[str, editorial.Acknowledgement]]
    notes: list[str]  # shown, not blocking (agencies missing or to correct)
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # key, title, who/how
    signer: editorial.Signer | None = None

    @property
    def ready(self) -> bool:
        return not self.blocking


def readiness(p: Prepared) -> Readiness:
    state = p.state
    checks = [c for c in open_checks(p.year, p.kind) if c.id not in state.acknowledged]
    blocking = []
    if state.signer is None:
        blocking.append("Chưa chọn người ký (quyền hạn, chức vụ và họ tên người ký).")
    pending = state.unreviewed()
    if pending:
        blocking.append(
            "Mục chưa được biên tập hoặc xác nhận “đã xem, giữ nguyên bản nháp”: "
            + "; ".join(SECTION_TITLES[k] for k in pending)
            + "."
        )
    for c in checks:
        blocking.append(f"Kiểm tra chưa xử lý [{c.id}]: {c.title}. {c.detail}".strip())
    notes = [x for x in p.open_items if x.startswith("Cơ quan, đơn vị chưa có báo cáo hợp lệ")]
    sections = []
    for key in editorial.SECTIONS:
        s = state.sections.get(key)
        sections.append((key, SECTION_TITLES[key], s.label() if s and s.reviewed else "Chưa rà soát"))
    return Readiness(blocking, checks, sorted(state.acknowledged.items()), notes, sections, state.signer)


def approve(zones: Zones, catalogue: Catalogue, year: int, kind: str, by: str) -> int:
    """Approve, or raise ``editorial.NotReady`` listing every blocking item."""
    r = readiness(prepare(zones, catalogue, year, kind))
    if r.blocking:
        raise editorial.NotReady(r.blocking)
    return editorial.approve(zones, year, kind, by)


def acknowledge(
    zones: Zones, year: int, kind: str, which: list[str] | None, reason: str, by: str
) -> list[str]:
    """Acknowledge open checks by id (``which`` None: all open ones) with a reason."""
    open_ = {c.id: c for c in open_checks(year, kind)}
    if which is None:
        chosen = open_
    else:
        unknown = [w for w in which if w not in open_]
        if unknown:
            raise ValueError(
                "không có kiểm tra đang mở mã "
                + ", ".join(unknown)
                + (f"; các mã đang mở: {', '.join(open_)}" if open_ else "; không còn kiểm tra nào đang mở")
            )
        chosen = {w: open_[w] for w in which}
    return editorial.acknowledge(zones, year, kind, {k: c.title for k, c in chosen.items()}, reason, by)
