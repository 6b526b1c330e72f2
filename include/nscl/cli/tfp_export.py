"""The analyst's export of ``nscl tfp --xlsx FILE``: inputs, capital stock, yearly and period
results, sensitivity grid and method notes, as an Excel workbook with Vietnamese headings for
the statistics office."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

INPUT_HEADINGS = {
    "territory": "Địa bàn",
    "year": "Năm",
    "grdp": "GRDP theo giá so sánh",
    "investment": "Vốn đầu tư thực hiện theo giá so sánh",
    "employment": "Lao động đang làm việc",
    "capital_stock": "Tài sản vốn (cho sẵn)",
    "io_year": "Năm bảng I/O",
    "labour_share": "Tỷ phần lao động (bL)",
    "trained_labour_share": "Tỷ lệ lao động qua đào tạo (%)",
    "rd_spending": "Chi cho khoa học và công nghệ",
    "rd_share": "Chi nghiên cứu và phát triển/GRDP (%)",
}
RESULT_HEADINGS = [
    ("growth_output", "Tăng GRDP (%)"),
    ("growth_capital", "Tăng vốn K (%)"),
    ("growth_labour", "Tăng lao động (%)"),
    ("capital_share", "Hệ số co giãn của vốn bK"),
    ("contribution_capital_pp", "Đóng góp của vốn (điểm %)"),
    ("contribution_labour_pp", "Đóng góp của lao động (điểm %)"),
    ("contribution_tfp_pp", "Đóng góp của TFP (điểm %)"),
    ("share_capital_pct", "Tỷ trọng vốn (%)"),
    ("share_labour_pct", "Tỷ trọng lao động (%)"),
    ("share_tfp_pct", "Tỷ trọng TFP (%)"),
]
SHARE_SOURCES_VI = {
    "default": "Giá trị mặc định (chưa có bảng I/O)",
    "1 - labour_share (inputs)": "1 − tỷ phần lao động theo từng năm",
    "1 - labour_share (io_table)": "1 − tỷ phần lao động theo bảng I/O",
}
INITIAL_VI = {
    "growth": "theo tốc độ tăng GRDP những năm đầu (Harberger)",
    "capital_output_ratio": "theo hệ số vốn/GRDP",
    "given": "tài sản vốn cho sẵn",
}
SHEETS = ("Đầu vào", "Tài sản vốn", "Kết quả theo năm", "Kết quả giai đoạn", "Độ nhạy", "Phương pháp")


def write_export(
    path: Path | str,
    inputs: pd.DataFrame,
    result: Any,
    result_dict: dict[str, Any],
    grid: list[dict[str, Any]],
) -> Path:
    """Write the workbook atomically; ``result`` is the boundary's TfpResult, ``result_dict`` the
    JSON object (with ``by_territory`` when asked), ``grid`` the sensitivity rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from nscl.plan.territories import territory_name
    from nscl.store.fsutil import atomic_write

    bold = Font(name="Times New Roman", bold=True)
    body = Font(name="Times New Roman")
    fill = PatternFill("solid", fgColor="DDEBF7")
    wb = Workbook()
    wss = [wb.active, *(wb.create_sheet() for _ in SHEETS[1:])]
    for ws, title in zip(wss, SHEETS, strict=True):
        ws.title = title

    def table(ws, title: str, headers: list[str], rows: list[list[Any]]) -> None:
        ws.append([title])
        ws.cell(row=1, column=1).font = Font(name="Times New Roman", bold=True, size=13)
        ws.append(headers)
        for c in range(1, len(headers) + 1):
            cell = ws.cell(row=2, column=c)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[cell.column_letter].width = 16 if c > 1 else 22
        for r in rows:
            ws.append(r)
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                cell.font = body
                if isinstance(cell.value, float):  # levels with one decimal, rates and shares with three
                    cell.number_format = "#,##0.0" if abs(cell.value) >= 1000 else "0.000"
        ws.freeze_panes = "B3"

    frame = inputs.rename(columns={c: str(c).strip().lower() for c in inputs.columns})
    cols = [c for c in INPUT_HEADINGS if c in frame.columns]
    rows = []
    for rec in frame[cols].to_dict("records"):
        if "territory" in rec and rec["territory"] is not None:
            rec["territory"] = territory_name(str(rec["territory"]).strip())
        rows.append([None if pd.isna(v) else v for v in rec.values()])
    table(wss[0], "Số liệu đầu vào (như đã nhận)", [INPUT_HEADINGS[c] for c in cols], rows)

    s = result.series
    boundary = result_dict["parameters"].get("boundary", {}).get("name_vi", "")
    heads = ["Năm", "GRDP", "Vốn đầu tư", "Lao động", "Tài sản vốn K", "Hệ số co giãn của vốn bK"]
    table(
        wss[1],
        "Tài sản vốn (phương pháp kiểm kê thường xuyên)" + (f" - {boundary}" if boundary else ""),
        heads,
        [
            [
                s["year"][i],
                s["grdp"][i],
                (s.get("investment") or [None] * len(s["year"]))[i],
                s["employment"][i],
                s["capital_stock"][i],
                s["capital_share"][i],
            ]
            for i in range(len(s["year"]))
        ],  # fmt: skip
    )

    def result_rows(label: str, d: dict[str, Any], key: str) -> list[list[Any]]:
        out = []
        for r in d.get(key, []):
            first = r["year"] if key == "years" else f"{r['from']}-{r['to']}"
            out.append([label, first, *(r.get(k) for k, _ in RESULT_HEADINGS)])
        return out

    parts = [(boundary or "Địa bàn báo cáo", result_dict)]
    for _code, d in (result_dict.get("by_territory") or {}).items():
        if "error" not in d:
            parts.append((d.get("name_vi", _code), d))
    heads = [h for _, h in RESULT_HEADINGS]
    table(
        wss[2],
        "Kết quả theo năm",
        ["Địa bàn", "Năm", *heads],
        [r for lab, d in parts for r in result_rows(lab, d, "years")],
    )
    table(
        wss[3], "Kết quả theo giai đoạn (tăng trưởng bình quân)", ["Địa bàn", "Giai đoạn", *heads],
        [r for lab, d in parts for r in result_rows(lab, d, "periods")],
    )  # fmt: skip
    if grid:
        deps = sorted({g["depreciation"] for g in grid})
        cell = {(g["capital_share"], g["depreciation"]): g["share_tfp_pct"] for g in grid}
        table(
            wss[4],
            f"Độ nhạy: tỷ trọng đóng góp của TFP (%) giai đoạn {grid[0]['from']}-{grid[0]['to']} theo hệ số co "
            "giãn của vốn (hàng) và tỷ lệ khấu hao (cột)",
            ["bK \\ khấu hao", *(f"{d * 100:g}%/năm" for d in deps)],
            [[a, *(cell[(a, d)] for d in deps)] for a in sorted({g["capital_share"] for g in grid})],
        )
    p = result_dict["parameters"]
    notes = [
        ["Hệ số co giãn của vốn bK (bình quân)", p.get("capital_share")],
        [
            "Nguồn hệ số",
            SHARE_SOURCES_VI.get(p.get("capital_share_source", ""), p.get("capital_share_source")),
        ],
        ["Tỷ lệ khấu hao", p.get("depreciation")],
        ["Vốn ban đầu", INITIAL_VI.get(p.get("initial_capital_method", ""), p.get("initial_capital_method"))],
        ["Cách tính tăng trưởng", "logarit" if p.get("growth") == "log" else "tốc độ tăng (rời rạc)"],
        ["Số năm khởi tạo vốn", p.get("burn_in_years")],
        ["Hệ số co giãn (giải thích)", (p.get("factor_shares") or {}).get("note_vi")],
        ["Địa giới", (p.get("boundary") or {}).get("note_vi")],
        *(["Cảnh báo", w] for w in result.warnings),
    ]
    table(wss[5], "Tham số và phương pháp (xem docs/tfp.md)", ["Mục", "Giá trị"], notes)
    wss[5].column_dimensions["B"].width = 100
    for row in wss[5].iter_rows(min_row=3):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")

    return atomic_write(Path(path), lambda tmp: wb.save(tmp))
