"""``nscl editorial``: the staff's text of a report, for operators without the web page.

nscl editorial --year Y [--kind annual|mid-term|final] show          sections (staff's or draft), what is open
nscl editorial --year Y [--kind K] set SECTION (--file F | --text T) --by NAME
        SECTION: achievements, difficulties, next_tasks, proposals; in a review (mid-term, final)
        also lessons ("Bài học kinh nghiệm"), refused for annual
nscl editorial --year Y [--kind K] date YYYY-MM-DD|none --by NAME     the report's date (none: for the clerk)
nscl editorial --year Y [--kind K] signer --authority "KT. GIÁM ĐỐC" --authority "PHÓ GIÁM ĐỐC" --name N --by NAME
nscl editorial --year Y [--kind K] keep SECTION|--all --by NAME      read and kept as drafted ("đã xem, giữ nguyên bản nháp")
nscl editorial --year Y [--kind K] acknowledge CHECK|--all --reason R --by NAME   a check looked at, let stand
nscl editorial --year Y [--kind K] cutoff YYYY-MM-DD|none --by NAME  the date the figures run to (none: the last file)
nscl editorial --year Y [--kind K] approve --by NAME                 approve the content (no more DỰ THẢO);
                                                                     refused (exit 1) listing what is open
nscl editorial --year Y [--kind K] withdraw --by NAME                withdraw the approval
nscl editorial --year Y [--kind K] reopen --reason R --by NAME       reopen a signed year (supplementary report)
nscl editorial --year Y [--kind K] history                           every saved version: who, when, what

The same state lives in ``<data>/editorial/<year>/<kind>.yaml``, which operators may also edit.
A review (mid-term, final) is filed under its last year. Run the report again to get a new version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def cmd_editorial(args) -> int:
    from nscl.plan.catalogue import default_catalogue
    from nscl.reporting.build import prepare
    from nscl.reporting.narrative import SECTION_TITLES
    from nscl.store import editorial
    from nscl.store.zones import Zones

    zones = Zones.default()
    titles = {**SECTION_TITLES, "lessons": LESSONS}
    try:
        if args.action == "history":
            for v in editorial.history(zones, args.year, args.kind):
                print(f"{v.get('version'):>4}  {v.get('at')}  {v.get('by')}: {v.get('action')}")
            return 0
        if args.action != "show" and args.action != "history" and not args.by:
            print("Cần --by <tên người thực hiện>.", file=sys.stderr)
            return 2
        if args.action in ("set", "keep") and args.section and not _section_ok(args.kind, args.section):
            return 2
        if args.action == "set":
            if not args.section:
                print(f"Cần tên mục: {', '.join(editorial.sections_of(args.kind))}.", file=sys.stderr)
                return 2
            text = Path(args.file).read_text(encoding="utf-8") if args.file else (args.text or "")
            n = editorial.save_section(zones, args.year, args.kind, args.section, text, args.by)
            print(f"Đã lưu mục “{titles[args.section]}” (phiên bản {n}).")
            return 0
        if args.action == "date":
            value = args.section  # the date takes the section's place: "date 2025-12-10"
            day = None if value in (None, "none", "") else dt.date.fromisoformat(value)
            if day is not None:
                from nscl.reporting.build import check_date

                check_date(
                    day, prepare(zones, default_catalogue(), args.year, args.kind).data, default_catalogue()
                )
            n = editorial.set_issued(zones, args.year, args.kind, day, args.by)
            print(
                f"Ngày báo cáo: {day.strftime('%d/%m/%Y') if day else 'để trống cho văn thư'} (phiên bản {n})."
            )
            return 0
        if args.action == "signer":
            sig = editorial.set_signer(
                zones, args.year, args.kind, args.authority or [], args.name or "", args.by
            )
            print("Người ký: " + " / ".join(sig.authority) + f" / {sig.name}.")
            return 0
        if args.action == "cutoff":
            value = args.section
            day = None if value in (None, "none", "") else dt.date.fromisoformat(value)
            editorial.set_cutoff(zones, args.year, args.kind, day, args.by)
            print(
                "Số liệu tính đến ngày "
                + (day.strftime("%d/%m/%Y") if day else "nhận tệp cuối cùng được sử dụng")
                + "."
            )
            return 0
        if args.action == "acknowledge":
            from nscl.reporting import approval

            if not (args.reason or "").strip():
                print("Cần --reason <lý do giữ nguyên>.", file=sys.stderr)
                return 2
            if not args.all and not args.section:
                print("Cần mã kiểm tra, hoặc --all.", file=sys.stderr)
                return 2
            done = approval.acknowledge(
                zones, args.year, args.kind, None if args.all else [args.section], args.reason, args.by
            )
            print("Đã xác nhận: " + (", ".join(done) if done else "không còn kiểm tra nào đang mở") + ".")
            return 0
        if args.action == "reopen":
            n = editorial.reopen(zones, args.year, args.kind, args.reason or "", args.by)
            print(f"Đã mở lại năm {args.year} để lập báo cáo bổ sung (phiên bản {n}).")
            return 0
        p = prepare(zones, default_catalogue(), args.year, args.kind)
        if args.action == "keep":
            if not args.all and not args.section:
                print("Cần tên mục, hoặc --all.", file=sys.stderr)
                return 2
            kept = editorial.keep(
                zones, args.year, args.kind, None if args.all else [args.section], p.draft, args.by
            )
            if args.all:  # in a review, "all" keeps its lessons learnt too, as the page does
                state = editorial.load(zones, args.year, args.kind)
                extra = [
                    k
                    for k in editorial.sections_of(args.kind)
                    if k not in editorial.SECTIONS
                    and not (k in state.sections and state.sections[k].reviewed)
                ]
                if extra:
                    kept += editorial.keep(zones, args.year, args.kind, extra, p.draft, args.by)
            print(
                "Đã xem, giữ nguyên bản nháp: " + "; ".join(titles[k] for k in kept) + "."
                if kept
                else "Không còn mục nào chưa rà soát."
            )
            return 0
        if args.action == "approve":
            from nscl.reporting import approval

            try:
                n = approval.approve(zones, default_catalogue(), args.year, args.kind, args.by)
            except editorial.NotReady as exc:
                print("Chưa phê duyệt được. Còn phải xử lý:", file=sys.stderr)
                for item in exc.items:
                    print(f"  - {item}", file=sys.stderr)
                return 1
            print(f"Đã phê duyệt nội dung (phiên bản {n}); chạy lại báo cáo để có bản không còn chữ DỰ THẢO.")
            return 0
        if args.action == "withdraw":
            n = editorial.withdraw(zones, args.year, args.kind, args.by)
            print(f"Đã hủy phê duyệt (phiên bản {n}).")
            return 0
        state = p.state
        name = {
            "annual": f"Báo cáo năm {args.year}",
            "mid-term": "Báo cáo sơ kết",
            "final": "Báo cáo tổng kết",
        }
        print(
            f"{name[args.kind]} (lưu theo năm {args.year}): "
            + ("đã phê duyệt" if state.approved else "DỰ THẢO")
        )
        if state.approved:
            print(f"  phê duyệt bởi {state.approved_by} lúc {state.approved_at}")
        print(f"  ngày báo cáo: {p.issued.strftime('%d/%m/%Y') if p.issued else 'để trống cho văn thư'}")
        chosen = state.signer
        print("  người ký: " + (" / ".join([*chosen.authority, chosen.name]) if chosen else "chưa chọn"))
        for key in editorial.sections_of(args.kind):
            s = state.sections.get(key)
            source = s.label() if s and s.reviewed else "dự thảo tự động, chưa rà soát"
            print(f"\n[{key}] {titles[key]} — {source}")
            for line in s.text if s and s.text else p.draft.get(key, []):
                print(f"  - {line}")
        print("\nCòn phải làm:" if p.open_items else "\nKhông còn việc phải làm.")
        for item in p.open_items:
            print(f"  - {item}")
        return 0
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"Không thực hiện được: {exc}", file=sys.stderr)
        return 2


LESSONS = "Bài học kinh nghiệm"


def _section_ok(kind: str, section: str) -> bool:
    """A section this kind of report has; else a Vietnamese refusal on stderr."""
    from nscl.store import editorial

    if section in editorial.sections_of(kind):
        return True
    if section in editorial.REVIEW_SECTIONS:
        print(
            f"Mục “{section}” ({LESSONS}) chỉ có trong báo cáo sơ kết, tổng kết "
            "(--kind mid-term hoặc --kind final); báo cáo năm không có mục này.",
            file=sys.stderr,
        )
    else:
        print(f"Mục phải là một trong: {', '.join(editorial.sections_of(kind))}.", file=sys.stderr)
    return False


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("editorial", help="biên tập phần đánh giá của báo cáo, phê duyệt, ngày báo cáo")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=["annual", "mid-term", "final"], default="annual")
    p.add_argument(
        "action",
        choices=[
            "show", "set", "date", "signer", "keep", "acknowledge", "cutoff",
            "approve", "withdraw", "reopen", "history",
        ],
    )  # fmt: skip
    p.add_argument(
        "section",
        nargs="?",
        help="mục (set, keep): achievements, difficulties, next_tasks, proposals, và lessons (bài học "
        "kinh nghiệm, chỉ báo cáo sơ kết, tổng kết); ngày (date, cutoff): "
        "YYYY-MM-DD hoặc none; mã kiểm tra (acknowledge)",
    )
    p.add_argument(
        "--authority",
        action="append",
        help='dòng quyền hạn, chức vụ người ký, theo thứ tự (ví dụ: --authority "KT. GIÁM ĐỐC" '
        '--authority "PHÓ GIÁM ĐỐC")',
    )
    p.add_argument("--name", help="họ và tên người ký")
    p.add_argument(
        "--all", action="store_true", help="mọi mục chưa rà soát (keep), mọi kiểm tra đang mở (acknowledge)"
    )
    p.add_argument("--reason", help="lý do (acknowledge, reopen)")
    p.add_argument("--file", help="tệp văn bản của mục (mỗi dòng một đoạn)")
    p.add_argument("--text", help="văn bản của mục (mỗi dòng một đoạn)")
    p.add_argument("--by", help="tên người thực hiện")
    p.set_defaults(func=cmd_editorial)
