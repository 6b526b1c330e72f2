"""``nscl`` subcommands for the reports (they read the curated tables):

nscl report --year Y [--date YYYY-MM-DD]               a new version of the annual report (no Airflow)
nscl review --from A --to B [--date YYYY-MM-DD]        a new version of the review of A-B, through the
                                                        review DAG on the embedded Airflow (sơ kết when
                                                        B <= 2025, else tổng kết)
nscl review --kind mid-term|final                      the same for 2021-2025 / 2021-2030
nscl review ... --no-airflow [--template T]            write the review directly, without Airflow
nscl check-templates [--dir DIR]                       check the templates reports are filled from
nscl templates-export [--out DIR]                      copy the default templates for staff to edit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_report(args) -> int:
    from nscl.orchestration import pipeline

    try:
        path = pipeline.write_report(args.year, issued=args.date, template=args.template)
    except (FileNotFoundError, ValueError) as exc:
        print(f"Không ghi được báo cáo năm {args.year}: {exc}", file=sys.stderr)
        return 2
    print(f"Báo cáo năm {args.year}: {path}")
    return 0


def cmd_review(args) -> int:
    from nscl.orchestration import pipeline
    from nscl.reporting.reviews import review_kind

    if args.kind is None and args.first is None and args.last is None:
        print("Cần --from/--to (khoảng năm) hoặc --kind mid-term|final.", file=sys.stderr)
        return 2
    try:
        rk = review_kind(args.kind, args.first, args.last)
    except ValueError as exc:
        print(f"Không ghi được báo cáo: {exc}", file=sys.stderr)
        return 2
    name = f"Báo cáo {rk.label} {rk.first}-{rk.last}"
    if args.no_airflow or args.template:
        try:
            path: str | None = pipeline.write_review(
                rk.kind, issued=args.date, template=args.template, first=rk.first, last=rk.last
            )
        except (FileNotFoundError, ValueError) as exc:
            print(f"Không ghi được {name[0].lower()}{name[1:]}: {exc}", file=sys.stderr)
            return 2
    else:
        from nscl.orchestration.airflow_run import run_review

        path = run_review(rk.first, rk.last, rk.kind, args.date)
        if path is None:
            print(f"{name}: lượt chạy không thành công; xem nhật ký ở trên.", file=sys.stderr)
            return 1
    assert path is not None
    print(f"{name}: {path}")
    pdf = Path(path).with_suffix(".pdf")
    if pdf.is_file():
        print(f"Bản PDF: {pdf}")
    return 0


def cmd_check_templates(args) -> int:
    from nscl.reporting.template_check import check_templates

    results = check_templates(Path(args.dir) if args.dir else None)
    bad = 0
    for name, error in results.items():
        if error:
            bad += 1
            print(error, file=sys.stderr)
        else:
            print(f"{name}: hợp lệ")
    return 1 if bad else 0


def cmd_templates_export(args) -> int:
    from nscl.reporting.templates import export_defaults

    for path, copied in export_defaults(Path(args.out) if args.out else None):
        print(f"{path}: {'đã sao chép bản mẫu mặc định' if copied else 'đã có, giữ nguyên'}")
    print("Sửa các tệp này bằng Word; báo cáo sẽ dùng bản của Sở. Kiểm tra: nscl check-templates")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="ghi một phiên bản mới của báo cáo năm (từ số liệu đã tổng hợp)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", help="ngày ký báo cáo YYYY-MM-DD (mặc định: hạn báo cáo 30/11)")
    p.add_argument("--template", help="tệp mẫu .docx khác mẫu mặc định")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser(
        "review",
        help="ghi báo cáo sơ kết (đến năm 2025) hoặc tổng kết (2021-2030) qua DAG báo cáo trên Airflow nhúng",
    )
    p.add_argument("--from", dest="first", type=int, help="từ năm (mặc định 2021)")
    p.add_argument("--to", dest="last", type=int, help="đến năm: ≤ 2025 là sơ kết, sau 2025 là tổng kết")
    p.add_argument(
        "--kind",
        choices=["mid-term", "final"],
        help="mid-term = sơ kết 2021-2025, final = tổng kết 2021-2030",
    )
    p.add_argument("--date", help="ngày ký báo cáo YYYY-MM-DD (mặc định: 15/12 của năm cuối)")
    p.add_argument("--no-airflow", action="store_true", help="ghi trực tiếp, không chạy DAG")
    p.add_argument("--template", help="tệp mẫu .docx khác mẫu mặc định (ghi trực tiếp, không chạy DAG)")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("check-templates", help="kiểm tra các mẫu báo cáo .docx (thẻ, tên dữ liệu)")
    p.add_argument("--dir", help="chỉ kiểm tra thư mục này (mặc định: các mẫu báo cáo đang dùng)")
    p.set_defaults(func=cmd_check_templates)
    p = sub.add_parser(
        "templates-export", help="sao chép các mẫu báo cáo mặc định vào thư mục dữ liệu để Sở sửa"
    )
    p.add_argument("--out", help="thư mục đích (mặc định: <thư mục dữ liệu>/templates/)")
    p.set_defaults(func=cmd_templates_export)


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="nscl")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args()
    sys.exit(ns.func(ns))
