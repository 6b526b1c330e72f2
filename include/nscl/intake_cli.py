"""``nscl intake`` and ``nscl remind``: the intake and the reminders without Airflow.

nscl intake --year Y [--all]            process new inbox files (or all), then consolidate
nscl remind --year Y [--date D] [--dry-run]   reminders due on D (default today)
"""

from __future__ import annotations

import datetime as dt
import json


def cmd_intake(args) -> int:
    from . import pipeline
    from .intake import list_inbox, list_new
    from .settings import Zones

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


def cmd_remind(args) -> int:
    from .catalogue import default_catalogue
    from .reminders import send_reminders
    from .settings import Zones

    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    summary = send_reminders(args.year, Zones.default(), default_catalogue(), day, dry_run=args.dry_run)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if summary["failed"] else 0


def add_parser(sub) -> None:
    p = sub.add_parser("intake", help="tiếp nhận, kiểm tra các tệp mới trong hộp thư đến")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--all", action="store_true", help="xử lý lại mọi tệp (không chỉ tệp mới)")
    p.set_defaults(func=cmd_intake)
    p = sub.add_parser("remind", help="gửi thư nhắc cơ quan chưa báo cáo hoặc bị trả lại")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", help="ngày chạy (YYYY-MM-DD), mặc định hôm nay")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi")
    p.set_defaults(func=cmd_remind)
