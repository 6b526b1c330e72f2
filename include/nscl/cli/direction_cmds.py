"""``nscl direction``: the register of the year's directing documents and activities, which
section I of the reports names in date order.

nscl direction --year Y list                                   the register, numbered, in date order
nscl direction --year Y add --kind document --number 68/KH-SKHCN --date 2021-08-16 \\
    --body "Sở Khoa học và Công nghệ" --summary "triển khai ..." --by NAME
nscl direction --year Y add --kind meeting --date 2021-09-24 --body "..." --summary "tổ chức hội nghị ..." --by NAME
nscl direction --year Y remove N --by NAME                       remove entry N (as ``list`` numbers it)
nscl direction --year Y history                                every saved version: who, when, what

The register lives in ``<data>/direction/<year>.yaml`` (every version under ``<year>.history/``).
Run the report again to see the change.
"""

from __future__ import annotations

import argparse
import sys


def cmd_direction(args) -> int:
    from nscl.store import direction
    from nscl.store.zones import Zones

    zones = Zones.default()
    try:
        if args.action == "list":
            entries = direction.load(zones, args.year)
            if not entries:
                print(f"Sổ theo dõi năm {args.year} chưa có mục nào.")
            for i, e in enumerate(entries, start=1):
                print(f"{i:>3}. {direction.label(e)}  [{e.by}, {e.at}]")
            return 0
        if args.action == "history":
            for v in direction.history(zones, args.year):
                print(f"{v.get('version'):>4}  {v.get('at')}  {v.get('by')}: {v.get('action')}")
            return 0
        if not args.by:
            print("Cần --by <tên người thực hiện>.", file=sys.stderr)
            return 2
        if args.action == "add":
            entry = direction.Entry(
                kind=args.kind,
                date=args.date or "",
                body=args.body or "",
                summary=args.summary or "",
                number=args.number or "",
            )
            n = direction.add(zones, args.year, entry, args.by)
            print(f"Đã thêm vào sổ theo dõi năm {args.year} (phiên bản {n}).")
            return 0
        if args.index is None:
            print("Cần số thứ tự của mục cần xóa (xem 'list').", file=sys.stderr)
            return 2
        n = direction.remove(zones, args.year, args.index, args.by)
        print(f"Đã xóa mục {args.index} khỏi sổ theo dõi năm {args.year} (phiên bản {n}).")
        return 0
    except (ValueError, OSError) as exc:
        print(f"Không thực hiện được: {exc}", file=sys.stderr)
        return 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    from nscl.store.direction import KINDS

    p = sub.add_parser("direction", help="sổ theo dõi văn bản chỉ đạo, hội nghị, kiểm tra trong năm (mục I)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("action", choices=["list", "add", "remove", "history"])
    p.add_argument("index", nargs="?", type=int, help="số thứ tự của mục (remove)")
    p.add_argument(
        "--kind",
        choices=list(KINDS),
        default="document",
        help="; ".join(f"{k}: {v}" for k, v in KINDS.items()),
    )
    p.add_argument("--number", help="số, ký hiệu văn bản, ví dụ 68/KH-SKHCN")
    p.add_argument("--date", help="ngày ban hành hoặc ngày tổ chức, YYYY-MM-DD")
    p.add_argument("--body", help="cơ quan ban hành hoặc tổ chức")
    p.add_argument(
        "--summary", help="trích yếu văn bản (như sau số, ngày); nội dung hoạt động (bắt đầu bằng động từ)"
    )
    p.add_argument("--by", help="tên người thực hiện")
    p.set_defaults(func=cmd_direction)
