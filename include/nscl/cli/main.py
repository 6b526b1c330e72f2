"""The ``nscl`` command for operators and analysts.

nscl catalogue [--year Y] [--json]       summary of the plan as data
nscl templates --year Y --out DIR        blank workbooks, one per expected agency
nscl sample-data --year Y[-Y2] [--out DIR]  filled sample workbooks into the inbox (and the sample direction register)
nscl direction --year Y list|add|remove|history  the register of directing documents and activities (section I)
nscl run --year Y[-Y2]                   the annual DAG on the embedded Airflow
nscl demo [--year Y]                     sample data for 2021..Y, then run each year
nscl tfp --inputs FILE.csv [...]         the TFP engine on a CSV (no Airflow)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nscl.cli import direction_cmds as direction_cli
from nscl.cli import editorial_cmds as editorial_cli
from nscl.cli import intake_cmds as intake_cli
from nscl.cli import mail_cmds as mail_cli
from nscl.cli import ops_cmds as ops_cli
from nscl.cli import report_cmds as report_cli
from nscl.cli import signed_cmds as signed_cli
from nscl.cli import tfp_cmds as tfp_cli
from nscl.cli import ui_cmds as ui_cli
from nscl.plan.catalogue import CatalogueError, default_catalogue
from nscl.store.fsutil import json_text
from nscl.store.zones import Zones


def _years(text: str) -> list[int]:
    try:
        if "-" in text:
            a, b = (int(p) for p in text.split("-"))
        else:
            a = b = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm phải có dạng YYYY hoặc YYYY-YYYY: {text!r}") from None
    if not (2021 <= a <= b <= 2030):
        raise argparse.ArgumentTypeError(f"năm phải nằm trong 2021-2030: {text!r}")
    return list(range(a, b + 1))


def cmd_catalogue(args) -> int:
    cat = default_catalogue()
    summary = cat.summary(args.year)
    if args.year:
        summary["expected"] = [
            {
                "code": e.agency.code,
                "name": e.agency.name,
                "tasks": [t.code for t in e.tasks],
                "indicators": len(e.indicators),
                "tfp_inputs": e.tfp_inputs,
            }
            for e in cat.expected_reporters(args.year)
        ]
    if args.json:
        print(json_text(summary, sort_keys=False))
        return 0
    print("Danh mục Kế hoạch 101/KH-UBND")
    print(f"  Nhiệm vụ: {summary['tasks']} (trong {summary['task_groups']} nhóm)")
    print(
        f"  Chỉ tiêu: {summary['indicators']} ({summary['indicators_reported']} do đơn vị báo cáo), "
        f"{summary['targets']} mục tiêu theo giai đoạn"
    )
    print(f"  Cơ quan trong danh mục: {summary['agencies']}")
    if args.year:
        print(
            f"  Năm {args.year}: {summary['agencies_active']} cơ quan còn hoạt động trong năm, "
            f"{summary['expected_reporters']} phải báo cáo:"
        )
        for e in summary["expected"]:
            what = (
                "số liệu TFP"
                if e["tfp_inputs"]
                else f"{len(e['tasks'])} nhiệm vụ, {e['indicators']} chỉ tiêu"
            )
            print(f"    {e['code']:<18} {e['name']} ({what})")
    return 0


def cmd_templates(args) -> int:
    from nscl.forms.workbook import write_templates

    paths = write_templates(default_catalogue(), args.year, Path(args.out))
    print(f"Đã tạo {len(paths)} biểu mẫu năm {args.year} trong {Path(args.out).resolve()}")
    return 0


def cmd_sample_data(args) -> int:
    from nscl.forms.sample import write_sample_data

    cat = default_catalogue()
    zones = Zones.default()
    for year in args.year:
        out = (
            Path(args.out) / str(year)
            if args.out and len(args.year) > 1
            else Path(args.out or zones.inbox(year))
        )
        files = write_sample_data(cat, year, out)
        print(f"Năm {year}: {len(files)} tệp mẫu trong {out.resolve()}")
        if not args.out:  # the sample register of section I, unless staff keep their own
            from nscl.store import direction

            if direction.write_sample(zones, year):
                print(f"Năm {year}: sổ theo dõi công tác chỉ đạo mẫu trong {direction.path(zones, year)}")
    return 0


def cmd_run(args) -> int:
    from nscl.orchestration.airflow_run import run_annual

    for year in args.year:
        if not Zones.default().inbox(year).exists():
            print(
                f"Hộp thư đến năm {year} trống: {Zones.default().inbox(year)}. "
                f"Chạy 'nscl sample-data --year {year}' để có dữ liệu mẫu.",
                file=sys.stderr,
            )
            return 2
        report = run_annual(year)
        if report is None:
            print(f"Năm {year}: lượt chạy không thành công; xem nhật ký ở trên.", file=sys.stderr)
            return 1
        print(f"Năm {year}: báo cáo đã ghi tại {report}")
    return 0


def cmd_demo(args) -> int:
    args.out = None
    args.year = list(range(2021, args.year + 1))
    cmd_sample_data(args)
    return cmd_run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nscl", description="Báo cáo thực hiện Kế hoạch 101/KH-UBND (NSCL)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("catalogue", help="tóm tắt danh mục nhiệm vụ, chỉ tiêu, cơ quan")
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalogue)
    p = sub.add_parser("templates", help="tạo biểu mẫu trống cho từng cơ quan")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_templates)
    p = sub.add_parser("sample-data", help="tạo bộ báo cáo mẫu (không phải số liệu thật)")
    p.add_argument("--year", type=_years, required=True)
    p.add_argument("--out")
    p.set_defaults(func=cmd_sample_data)
    p = sub.add_parser("run", help="chạy DAG báo cáo năm trên Airflow nhúng (SQLite)")
    p.add_argument("--year", type=_years, required=True)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("demo", help="dữ liệu mẫu 2021..năm rồi chạy từng năm")
    p.add_argument("--year", type=int, default=2025)
    p.set_defaults(func=cmd_demo)
    tfp_cli.add_parser(sub)
    report_cli.add_parser(sub)
    editorial_cli.add_parser(sub)
    direction_cli.add_parser(sub)
    signed_cli.add_parser(sub)
    intake_cli.add_parser(sub)
    ops_cli.add_parser(sub)
    ui_cli.add_parser(sub)
    mail_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CatalogueError as exc:
        print(f"Danh mục lỗi: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
