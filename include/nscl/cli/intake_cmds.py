"""``nscl intake``, ``nscl status`` and ``nscl remind``: the intake and the reminders without Airflow.

nscl intake --year Y [--all]            process new inbox files (or all), then consolidate
nscl status --year Y [--json]           who has reported, and what became of every received file
nscl remind --year Y [--date D] [--dry-run]   reminders due on D (default today)
"""

from __future__ import annotations

import datetime as dt

from nscl.labels import OUTCOME_LABELS, STATE_LABELS
from nscl.store.fsutil import json_text
from nscl.store.records import FileStatus, YearStatus


def cmd_intake(args) -> int:
    from nscl.intake.process import list_inbox, list_new
    from nscl.orchestration import pipeline
    from nscl.store.zones import Zones

    zones = Zones.default()
    paths = list_inbox(zones, args.year) if args.all else list_new(zones, args.year)
    counts: dict[str, int] = {}
    for path in paths:
        r = pipeline.process_submission(path, args.year)
        key = "duplicate" if r["duplicate"] else r["status"]
        counts[key] = counts.get(key, 0) + 1
        print(
            f"{r['original_name']}: {r['status']} ({r.get('outcome')}){' [trùng lặp]' if r['duplicate'] else ''}"
        )
    summary = pipeline.consolidate(args.year)
    print(
        f"Năm {args.year}: đã xử lý {len(paths)} tệp {counts}; "
        f"{summary['accepted_agencies']}/{summary['expected']} cơ quan đã có báo cáo hợp lệ."
    )
    return 0


STATE_VI = STATE_LABELS
OUTCOME_VI = OUTCOME_LABELS


def _when(iso: str | None) -> str:
    if not iso:
        return "—"
    return f"{dt.datetime.fromisoformat(iso):%d/%m/%Y %H:%M}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines)


def format_status(status: YearStatus) -> str:
    """The status as readable Vietnamese tables (agencies, then received files)."""
    c = status["counts"]
    out = [
        f"TÌNH HÌNH NỘP BÁO CÁO NĂM {status['year']} (Kế hoạch 101/KH-UBND)",
        f"{status['expected']} cơ quan phải báo cáo: {c.get('on_time', 0)} đúng hạn, {c.get('late', 0)} nộp muộn, "
        f"{c.get('rejected', 0)} bị trả lại chờ sửa, {c.get('missing', 0)} chưa nộp.",
        "",
        _table(
            ["Mã", "Cơ quan", "Tình trạng", "Thời điểm nhận", "Số tệp"],
            [
                [
                    a["agency_code"],
                    a["agency_name"],
                    STATE_VI.get(a["state"], a["state"]),
                    _when(a["received_at"]),
                    str(a["files"]),
                ]
                for a in status["agencies"]
            ],
        ),
        "",
        f"CÁC TỆP ĐÃ NHẬN ({len(status['files'])} tệp)",
        _table(
            ["Tệp", "Cơ quan", "Kết quả", "Mã tệp", "Nội dung"],
            [
                [
                    _printable(f["original_name"]),
                    f["agency_code"] or "?",
                    OUTCOME_VI.get(f["outcome"], f["outcome"]),
                    f["sha256"][:12],
                    f["messages"][0] if f["messages"] else "",
                ]
                for f in status["files"]
            ],
        ),
    ]
    out += _to_act_on(status)
    return "\n".join(out)


def files_to_act_on(status: YearStatus) -> list[FileStatus]:
    """Received files that no expected agency's row shows: not identified (not a workbook,
    hostile, a lock file...) or for an agency outside the year's list. Staff decide what to do."""
    expected = {a["agency_code"] for a in status["agencies"]}
    return [
        f
        for f in status["files"]
        if f["outcome"] != "duplicate" and (not f["agency_code"] or f["agency_code"] not in expected)
    ]


def _to_act_on(status: YearStatus) -> list[str]:
    files = files_to_act_on(status)
    out = [
        "",
        f"CÁC TỆP CẦN CÁN BỘ XỬ LÝ ({len(files)} tệp chưa xác định được cơ quan hoặc của cơ quan "
        "không thuộc danh sách phải báo cáo năm này)",
    ]
    if files:
        out.append(
            _table(
                ["Tệp", "Thư mục", "Mã cơ quan", "Mã tệp", "Thời điểm nhận", "Nội dung"],
                [
                    [
                        _printable(f["original_name"]),
                        _printable(f["inbox_path"] or ""),
                        f["agency_code"] or "không xác định",
                        f["sha256"][:12],
                        _when(f["received_at"]),
                        f["messages"][0] if f["messages"] else "",
                    ]
                    for f in files
                ],
            )
        )
    else:
        out.append("Không có.")
    if status.get("damaged"):
        out += ["", f"BIÊN NHẬN KHÔNG ĐỌC ĐƯỢC ({len(status['damaged'])} tệp), cần kiểm tra:"]
        out += [f"  {name}" for name in status["damaged"]]
    return out


def _printable(text: str) -> str:
    """A name as received, with control and bidirectional characters shown as U+XXXX (so a
    terminal never reorders or hides the line)."""
    import unicodedata

    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def cmd_status(args) -> int:
    from nscl.consolidate.status import year_status
    from nscl.plan.catalogue import default_catalogue
    from nscl.store import signed
    from nscl.store.zones import Zones

    zones, catalogue = Zones.default(), default_catalogue()
    status = year_status(args.year, zones, catalogue)
    record = signed.lock(zones, args.year)
    late = signed.received_after(record, list(status["files"]))
    if args.json:
        from dataclasses import asdict

        from nscl.reporting.checks import checks_for
        from nscl.reporting.figures import indicator_figures
        from nscl.reporting.yeardata import load_progress

        keys = ("sha256", "original_name", "agency_code", "received_at", "outcome")
        after = [{k: f.get(k) for k in keys} for f in late]
        out = {**status, **signed.summary(zones, args.year), "after_signing": after}
        # The indicators as the report and the staff page's overview show them (one computation),
        # and what staff must settle before approving the year's report (nscl.reporting.checks).
        prog = load_progress(zones, catalogue, args.year)
        out["indicators"] = indicator_figures(prog) if prog is not None else None
        out["checks"] = (
            [asdict(c) for c in checks_for(zones, catalogue, args.year)] if prog is not None else []
        )
        print(json_text(out, sort_keys=False))
    else:
        print(format_status(status))
        for kind, s in signed.summary(zones, args.year)["signed"].items():
            print(f"\n{signed.KIND_NAMES[kind].capitalize()}: {s['label']}.")
        if record is not None:
            print(f"Năm {args.year} đã khóa; tệp {signed.AFTER_SIGNING}: {len(late)}.")
            for f in late:
                print(f"  - {f['original_name']} ({f['agency_code'] or '?'}, {f['received_at']})")
    return 0


def cmd_remind(args) -> int:
    from nscl.outreach.reminders import send_reminders
    from nscl.plan.catalogue import default_catalogue
    from nscl.store.zones import Zones

    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    summary = send_reminders(args.year, Zones.default(), default_catalogue(), day, dry_run=args.dry_run)
    print(json_text(summary, sort_keys=False))
    return 1 if summary["failed"] else 0


def add_parser(sub) -> None:
    p = sub.add_parser("intake", help="tiếp nhận, kiểm tra các tệp mới trong hộp thư đến")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--all", action="store_true", help="xử lý lại mọi tệp (không chỉ tệp mới)")
    p.set_defaults(func=cmd_intake)
    p = sub.add_parser("status", help="tình hình nộp báo cáo: từng cơ quan và từng tệp đã nhận")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("remind", help="gửi thư nhắc cơ quan chưa báo cáo hoặc bị trả lại")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", help="ngày chạy (YYYY-MM-DD), mặc định hôm nay")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi")
    p.set_defaults(func=cmd_remind)
