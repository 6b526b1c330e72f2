"""``nscl`` subcommands for the reports (no Airflow needed; they read the curated tables):

nscl report --year Y [--date YYYY-MM-DD]               a new version of the annual report
nscl review --kind mid-term|final [--date YYYY-MM-DD]  a new version of the 2021-2025 / 2021-2030 review
nscl check-templates [--dir DIR]                       check the .docx report templates (tags, names)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_report(args) -> int:
    from . import pipeline

    try:
        path = pipeline.write_report(args.year, issued=args.date, template=args.template)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Không ghi được báo cáo năm {args.year}: {exc}", file=sys.stderr)
        return 2
    print(f"Báo cáo năm {args.year}: {path}")
    return 0


def cmd_review(args) -> int:
    from . import pipeline

    try:
        path = pipeline.write_review(args.kind, issued=args.date, template=args.template)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Không ghi được báo cáo {args.kind}: {exc}", file=sys.stderr)
        return 2
    print(f"Báo cáo {'sơ kết' if args.kind == 'mid-term' else 'tổng kết'}: {path}")
    return 0


def cmd_check_templates(args) -> int:
    from .template_check import check_templates

    results = check_templates(Path(args.dir) if args.dir else None)
    bad = 0
    for name, error in results.items():
        if error:
            bad += 1
            print(error, file=sys.stderr)
        else:
            print(f"{name}: hợp lệ")
    return 1 if bad else 0


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="ghi một phiên bản mới của báo cáo năm (từ số liệu đã tổng hợp)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", help="ngày ký báo cáo YYYY-MM-DD (mặc định: hạn báo cáo 30/11)")
    p.add_argument("--template", help="tệp mẫu .docx khác mẫu mặc định")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser(
        "review", help="ghi báo cáo sơ kết 2021-2025 (mid-term) hoặc tổng kết 2021-2030 (final)"
    )
    p.add_argument("--kind", choices=["mid-term", "final"], required=True)
    p.add_argument("--date", help="ngày ký báo cáo YYYY-MM-DD (mặc định: 15/12 của năm cuối)")
    p.add_argument("--template", help="tệp mẫu .docx khác mẫu mặc định")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("check-templates", help="kiểm tra các mẫu báo cáo .docx (thẻ, tên dữ liệu)")
    p.add_argument("--dir", help="thư mục mẫu (mặc định: templates/)")
    p.set_defaults(func=cmd_check_templates)


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="nscl")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args()
    sys.exit(ns.func(ns))
