"""``nscl signed``: the signed copy of a report (the PDF the leader signed, with the number and
date the clerk gave it), for operators without the web page.

nscl signed add --year Y --file F --number N --date YYYY-MM-DD [--kind K] [--by NAME]
nscl signed show --year Y [--kind K]

``add`` checks that the PDF is the approved version (its text against the approved .docx, the
number, date and signature lines aside), verifies its digital signature when it has one, keeps it
in the raw archive as the version of record, and locks the year (``nscl editorial ... reopen``
reopens it). Exit 1 when refused, with the passages that differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path


def cmd_signed(args) -> int:
    from nscl.reporting import signed_copy
    from nscl.store import signed
    from nscl.store.zones import Zones

    zones = Zones.default()
    if args.action == "show":
        record = signed.current(zones, args.year, args.kind)
        if record is None:
            print(f"Chưa có bản đã ký của {signed.KIND_NAMES[args.kind]} năm {args.year}.")
            return 0
        print(signed.label(record))
        print(
            f"  tệp: {record['original_name']} ({record['sha256']}), tải lên bởi {record['by']} lúc {record['at']}"
        )
        print(f"  {record['text']}")
        print(f"  {record['signature']['summary']}")
        lock = signed.lock(zones, args.year)
        print(f"  năm {args.year}: " + ("đã khóa" if lock else "đang mở (đã mở lại để lập báo cáo bổ sung)"))
        return 0
    if not (args.file and args.number and args.date):
        print("Cần --file, --number và --date.", file=sys.stderr)
        return 2
    try:
        day = dt.date.fromisoformat(args.date)
        data = Path(args.file).read_bytes()
    except (ValueError, OSError) as exc:
        print(f"Không thực hiện được: {exc}", file=sys.stderr)
        return 2
    by = args.by or getpass.getuser()
    try:
        out = signed_copy.add_signed(
            zones, args.year, args.kind, data, args.number, day, by, Path(args.file).name
        )
    except signed_copy.Refused as exc:
        print(f"Không nhận: {exc}", file=sys.stderr)
        for approved, copy in exc.passages:
            print(f"  - bản đã phê duyệt: …{approved}…", file=sys.stderr)
            print(f"    tệp PDF:          …{copy}…", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Không thực hiện được: {exc}", file=sys.stderr)
        return 2
    print(out.label)
    print(f"  {out.text}")
    print(f"  {out.signature}")
    print(f"  Lưu trữ: {out.record['sha256']}; năm {args.year} đã khóa.")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signed", help="bản báo cáo đã ký (PDF có số, ngày): kiểm tra, lưu làm bản chính thức")
    p.add_argument("action", choices=["add", "show"])
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=["annual", "mid-term", "final"], default="annual")
    p.add_argument("--file", help="tệp PDF đã ký")
    p.add_argument("--number", help="số văn bản (ví dụ 123 hoặc 123/BC-SKHCN)")
    p.add_argument("--date", help="ngày văn bản (YYYY-MM-DD)")
    p.add_argument("--by", help="tên người thực hiện (mặc định: tài khoản đang dùng)")
    p.set_defaults(func=cmd_signed)
