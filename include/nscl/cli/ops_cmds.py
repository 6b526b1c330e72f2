"""Operators' commands: rebuild past years from the raw archive.

nscl backfill --from 2021 --to 2025 [--restore-only] [--engine airflow|stages]

For each year, in order: put every archived submission of that year back into the inbox (from
``archive/<sha[:2]>/<sha>``, named and dated as its receipt ``receipts/<year>/<sha>.json``
says), then run the annual DAG for the year, which rewrites the curated tables and writes a new
report version. Works when the inbox was emptied: the archive and the receipts are the source.
Idempotent: a file already in the inbox with the same bytes is left alone; re-running the
command writes one more report version per year and nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from nscl.store.fsutil import atomic_write_bytes
from nscl.store.receipts import load_receipts
from nscl.store.zones import Zones

FIRST_YEAR, LAST_YEAR = 2021, 2030


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inbox_target(inbox: Path, inbox_path: str | None, name: str) -> Path:
    """Where a receipt says the file was received, inside the year's inbox (the receipt's
    ``inbox_path`` is relative to it; older receipts had it relative to the data folder)."""
    rel = Path(inbox_path or name)
    if rel.parts[:1] == ("inbox",) and len(rel.parts) > 2:
        rel = Path(*rel.parts[2:])
    target = inbox / rel
    if rel.is_absolute() or ".." in rel.parts or not target.resolve().is_relative_to(inbox.resolve()):
        return inbox / name
    return target


def restore_inbox(zones: Zones, year: int) -> dict[str, int]:
    """Put the year's archived submissions back into its inbox; returns counts.

    Each file goes back where it was received (the receipt's ``inbox_path``), with its received
    time as modification time (so lateness is judged as before). If that place holds other
    bytes, it goes beside them as ``<name>__<sha[:12]>.<ext>``.
    """
    counts = {"restored": 0, "present": 0, "missing": 0}
    inbox = zones.inbox(year)
    for receipt in load_receipts(zones, year):
        sha = receipt["sha256"]
        source = zones.archive / sha[:2] / sha
        if not source.exists():
            counts["missing"] += 1
            print(f"  thiếu bản lưu trữ {sha} ({receipt.get('original_name')})", file=sys.stderr)
            continue
        name = Path(receipt.get("original_name") or sha).name
        target = _inbox_target(inbox, receipt.get("inbox_path"), name)
        if target.exists() and _sha256(target) == sha:
            counts["present"] += 1
            continue
        if target.exists():  # other bytes in its place: keep both, beside it
            target = target.with_name(f"{target.stem}__{sha[:12]}{target.suffix}")
            if target.exists() and _sha256(target) == sha:
                counts["present"] += 1
                continue
        atomic_write_bytes(target, source.read_bytes())
        received = dt.datetime.fromisoformat(receipt["received_at"]).timestamp()
        os.utime(target, (received, received))
        counts["restored"] += 1
    return counts


def run_stages(year: int) -> str | None:
    """The annual run's stages in this process, without Airflow (same functions as the DAG)."""
    from nscl.orchestration import pipeline

    for path in pipeline.list_inbox(year):
        pipeline.process_submission(path, year)
    pipeline.consolidate(year)
    pipeline.compute_tfp(year)
    return pipeline.write_report(year)


def run_airflow(year: int) -> str | None:
    from nscl.orchestration.airflow_run import run_annual

    return run_annual(year)


def backfill(
    years: list[int],
    zones: Zones | None = None,
    runner: Callable[[int], str | None] | None = run_airflow,
) -> dict[int, str | None]:
    """Restore and re-run each year in ascending order (later years read earlier ones' tables).
    With ``runner=None`` only the inboxes are restored."""
    zones = zones or Zones.default()
    reports: dict[int, str | None] = {}
    for year in sorted(years):
        counts = restore_inbox(zones, year)
        print(
            f"Năm {year}: khôi phục {counts['restored']} tệp vào hộp thư đến, "
            f"{counts['present']} tệp đã có sẵn"
            + (f", {counts['missing']} tệp thiếu bản lưu trữ" if counts["missing"] else "")
        )
        if runner is None:
            continue
        if not any(zones.inbox(year).rglob("*")):
            print(f"Năm {year}: không có hồ sơ nào đã lưu trữ; bỏ qua.", file=sys.stderr)
            reports[year] = None
            continue
        reports[year] = runner(year)
        if reports[year] is None:
            print(f"Năm {year}: lượt chạy không thành công; dừng.", file=sys.stderr)
            break
        print(f"Năm {year}: báo cáo đã ghi tại {reports[year]}")
    return reports


def cmd_backfill(args) -> int:
    if not (FIRST_YEAR <= args.year_from <= args.year_to <= LAST_YEAR):
        print(f"khoảng năm phải nằm trong {FIRST_YEAR}-{LAST_YEAR}", file=sys.stderr)
        return 2
    years = list(range(args.year_from, args.year_to + 1))
    runner = None if args.restore_only else (run_stages if args.engine == "stages" else run_airflow)
    reports = backfill(years, runner=runner)
    if args.restore_only:
        return 0
    return 0 if all(reports.get(y) for y in years if y in reports) and len(reports) == len(years) else 1


def add_parser(sub) -> None:
    p = sub.add_parser(
        "backfill",
        help="dựng lại các năm đã qua từ kho lưu trữ (khôi phục hộp thư đến rồi chạy DAG báo cáo năm)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="year_from", type=int, required=True, help="năm đầu, ví dụ 2021")
    p.add_argument("--to", dest="year_to", type=int, required=True, help="năm cuối, ví dụ 2025")
    p.add_argument(
        "--restore-only",
        action="store_true",
        help="chỉ khôi phục hộp thư đến (rồi chạy bằng 'airflow backfill create' trên hệ thống triển khai)",
    )
    p.add_argument(
        "--engine",
        choices=("airflow", "stages"),
        default="airflow",
        help="airflow: DAG chạy bởi Airflow nhúng (mặc định); stages: các bước trực tiếp, không cần Airflow",
    )
    p.set_defaults(func=cmd_backfill)
