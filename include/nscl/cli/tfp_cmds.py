"""``nscl tfp``: the TFP engine for analysts, without Airflow.

    nscl tfp --inputs FILE.csv [--capital-share A] [--depreciation D] [--json]
             [--by-territory] [--boundary CODE] [--xlsx FILE.xlsx]

The CSV has the columns year,grdp,investment,employment and optionally capital_stock,
labour_share (yearly, or with io_year: per input-output table) and territory (one series per
territory, summed into the reported boundary; docs/tfp.md, section 8). With capital_stock,
investment may be left out. ``python -m nscl.cli.tfp_cmds`` runs the same command standalone.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from nscl.analysis.territories import compute_by_territory
from nscl.analysis.tfp import (
    DEFAULT_SENSITIVITY_DEPRECIATIONS,
    DEFAULT_SENSITIVITY_SHARES,
    GROWTH_KINDS,
    INITIAL_CAPITAL_METHODS,
    PERIOD_METHODS,
    TfpInputError,
    TfpParameters,
    compute_tfp,
    sensitivity,
)

_DEFAULTS = TfpParameters()


def _period(text: str) -> tuple[int, int]:
    try:
        a, b = text.split("-")
        return int(a), int(b)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"giai đoạn phải có dạng NĂM-NĂM, ví dụ 2021-2025: {text!r}"
        ) from exc


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--inputs", required=True, metavar="FILE.csv", help="year,grdp,investment,employment[,...]"
    )
    parser.add_argument(
        "--capital-share", type=float, default=_DEFAULTS.capital_share, help="bK (default 0.4)"
    )
    parser.add_argument("--depreciation", type=float, default=_DEFAULTS.depreciation, help="d (default 0.05)")
    parser.add_argument("--initial-capital-method", choices=INITIAL_CAPITAL_METHODS, default="growth")
    parser.add_argument("--capital-output-ratio", type=float, default=_DEFAULTS.capital_output_ratio)
    parser.add_argument("--growth", choices=GROWTH_KINDS, default=_DEFAULTS.growth)
    parser.add_argument("--burn-in", type=int, default=_DEFAULTS.burn_in_years, dest="burn_in_years")
    parser.add_argument("--period-method", choices=PERIOD_METHODS, default=_DEFAULTS.period_method)
    parser.add_argument(
        "--period", type=_period, action="append", metavar="A-B", help="period to report (repeatable)"
    )
    parser.add_argument("--sensitivity", action="store_true", help="also print the capital share x d grid")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--by-territory", action="store_true", help="also report each territory alone (inputs with territory)"
    )
    parser.add_argument(
        "--boundary", metavar="CODE", help="territory to report (default: the merged province)"
    )
    parser.add_argument(
        "--xlsx",
        metavar="FILE.xlsx",
        help="write the analyst's workbook (inputs, capital, results, sensitivity)",
    )
    parser.set_defaults(func=run)
    return parser


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``tfp`` on an argparse subparsers object (``func=run``)."""
    parser = subparsers.add_parser(
        "tfp",
        help="đóng góp của TFP vào tăng trưởng GRDP (hạch toán tăng trưởng)",
        description="Tính đóng góp của vốn, lao động và TFP vào tăng trưởng GRDP theo phương pháp hạch toán "
        "tăng trưởng của Tổng cục Thống kê (xem docs/tfp.md).",
    )
    return configure(parser)


def _fmt(v: Any, nd: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return str(v)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


YEAR_HEADERS = ["Năm", "Vốn K", "Tăng Y %", "Tăng K %", "Tăng L %", "Vốn đ.%", "LĐ đ.%", "TFP đ.%", "TFP %"]
PERIOD_HEADERS = [
    "Giai đoạn",
    "Tăng Y %",
    "Tăng K %",
    "Tăng L %",
    "Vốn đ.%",
    "LĐ đ.%",
    "TFP đ.%",
    "Vốn %",
    "LĐ %",
    "TFP %",
]


def render_text(result_dict: dict[str, Any], grid: list[dict[str, Any]] | None = None) -> str:
    p = result_dict["parameters"]
    lines = [
        "Đóng góp của TFP vào tăng trưởng GRDP (đ.% = điểm phần trăm; % = tỷ trọng trong tăng trưởng)",
        f"Tham số: bK={p['capital_share']}, khấu hao={p['depreciation']}, "
        f"vốn ban đầu={p['initial_capital_method']}, tăng trưởng={p['growth']}",
        *([p["boundary"]["note_vi"]] if p.get("boundary") else []),
        *([p["factor_shares"]["note_vi"]] if p.get("factor_shares") else []),
        "",
        _table(
            YEAR_HEADERS,
            [
                [
                    str(r["year"]),
                    _fmt(r["capital_stock"], 0),
                    *(_fmt(r[k]) for k in ("growth_output", "growth_capital", "growth_labour")),
                    *(
                        _fmt(r[k])
                        for k in ("contribution_capital_pp", "contribution_labour_pp", "contribution_tfp_pp")
                    ),
                    _fmt(r["share_tfp_pct"], 1),
                ]
                for r in result_dict["years"]
            ],
        ),
    ]
    if result_dict["periods"]:
        lines += [
            "",
            _table(
                PERIOD_HEADERS,
                [
                    [
                        f"{r['from']}-{r['to']}",
                        *(_fmt(r[k]) for k in ("growth_output", "growth_capital", "growth_labour")),
                        *(
                            _fmt(r[k])
                            for k in (
                                "contribution_capital_pp",
                                "contribution_labour_pp",
                                "contribution_tfp_pp",
                            )
                        ),
                        *(_fmt(r[k], 1) for k in ("share_capital_pct", "share_labour_pct", "share_tfp_pct")),
                    ]
                    for r in result_dict["periods"]
                ],
            ),
        ]
    if grid:
        deps = sorted({g["depreciation"] for g in grid})
        shares = sorted({g["capital_share"] for g in grid})
        cell = {(g["capital_share"], g["depreciation"]): g["share_tfp_pct"] for g in grid}
        lines += [
            "",
            f"Độ nhạy: tỷ trọng đóng góp của TFP (%) giai đoạn {grid[0]['from']}-{grid[0]['to']} "
            "theo bK (hàng) và tỷ lệ khấu hao (cột)",
            _table(
                ["bK \\ d", *(f"{d:.2f}" for d in deps)],
                [[f"{a:.2f}", *(_fmt(cell[(a, d)], 1) for d in deps)] for a in shares],
            ),
        ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        inputs = pd.read_csv(args.inputs)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        print(f"Lỗi: không đọc được tệp {args.inputs}: {exc}", file=sys.stderr)
        return 2
    try:
        params = TfpParameters(
            capital_share=args.capital_share,
            depreciation=args.depreciation,
            initial_capital_method=args.initial_capital_method,
            growth=args.growth,
            burn_in_years=args.burn_in_years,
            capital_output_ratio=args.capital_output_ratio,
            period_method=args.period_method,
        )
        result = compute_tfp(inputs, params, periods=args.period, boundary=args.boundary)
        grid = None
        if args.sensitivity or args.xlsx:
            span = args.period[0] if args.period else None
            grid = sensitivity(
                inputs,
                DEFAULT_SENSITIVITY_SHARES,
                DEFAULT_SENSITIVITY_DEPRECIATIONS,
                period=span,
                params=params,
                boundary=args.boundary,
            )
    except TfpInputError as exc:
        print(f"Lỗi số liệu đầu vào: {exc}", file=sys.stderr)
        return 2
    for w in result.warnings:
        print(f"Cảnh báo: {w}", file=sys.stderr)
    out = result.to_dict(ndigits=6)
    if args.by_territory:
        if result.territories is None:
            print("Lỗi: --by-territory cần cột territory trong tệp số liệu", file=sys.stderr)
            return 2
        # The merged province's own rows are already in the boundary's result.
        skip = tuple({result.parameters["boundary"]["code"]} - set(result.territories))
        out["by_territory"] = compute_by_territory(inputs, params, periods=args.period, ndigits=6, skip=skip)
    if args.xlsx:
        from nscl.cli.tfp_export import write_export

        try:
            write_export(args.xlsx, inputs, result, out, grid or [])
        except OSError as exc:
            print(f"Lỗi: không ghi được tệp {args.xlsx}: {exc}", file=sys.stderr)
            return 2
        print(f"Đã ghi bảng tính: {args.xlsx}", file=sys.stderr)
    if args.json:
        if grid is not None and args.sensitivity:
            out["sensitivity"] = grid
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(render_text(out, grid if args.sensitivity else None))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="nscl tfp", description=__doc__))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
