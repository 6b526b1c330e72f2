"""``nscl tfp`` with territories: the JSON contract, ``--by-territory`` and the ``--xlsx`` export."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest
from nscl.analysis.tfp import compute_tfp
from nscl.cli import tfp_cmds as tfp_cli
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
MERGER = ROOT / "docs" / "tfp_merger_example.csv"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="nscl")
    tfp_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["tfp", *argv])
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_keeps_its_contract_and_adds_territories(capsys):
    code, out, _ = run(["--inputs", str(MERGER), "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert set(d) == {"parameters", "years", "periods", "territories"}
    assert d["territories"] == ["hung_yen_cu", "thai_binh_cu"]
    assert [r["year"] for r in d["years"]] == [2021, 2022, 2023, 2024, 2025]
    frame = pd.read_csv(MERGER)
    a, b = (
        frame[frame.territory == t].drop(columns="territory").set_index("year")
        for t in ("hung_yen_cu", "thai_binh_cu")
    )
    y = (a["grdp"] + b["grdp"]).to_numpy()
    assert d["years"][0]["growth_output"] == pytest.approx((y[6] / y[5] - 1) * 100, abs=1e-5)


def test_by_territory_has_the_same_structure_per_territory(capsys):
    code, out, _ = run(["--inputs", str(MERGER), "--json", "--by-territory"], capsys)
    assert code == 0
    d = json.loads(out)
    assert set(d["by_territory"]) == {"hung_yen_cu", "thai_binh_cu"}
    frame = pd.read_csv(MERGER)
    for t, sub in d["by_territory"].items():
        assert {"parameters", "years", "periods"} <= set(sub)
        own = compute_tfp(frame[frame.territory == t].drop(columns="territory")).to_dict(ndigits=6)
        assert sub["years"] == own["years"] and sub["periods"] == own["periods"]


def test_by_territory_needs_a_territory_column(capsys):
    code, _, err = run(["--inputs", str(ROOT / "docs" / "tfp_example.csv"), "--by-territory"], capsys)
    assert code == 2 and "cột territory" in err


def test_mixed_boundaries_exit_2_with_the_reason(capsys, tmp_path):
    frame = pd.read_csv(MERGER)
    a = frame[frame.territory == "hung_yen_cu"].drop(columns="territory").reset_index(drop=True)
    b = frame[frame.territory == "thai_binh_cu"].drop(columns="territory").reset_index(drop=True)
    mixed = a.copy()
    for c in ("grdp", "investment", "employment"):
        mixed.loc[10, c] = a.loc[10, c] + b.loc[10, c]  # 2025: the merged province
    path = tmp_path / "mixed.csv"
    mixed.to_csv(path, index=False)
    code, _, err = run(["--inputs", str(path)], capsys)
    assert code == 2 and "năm 2025 so với năm 2024" in err and "hai địa giới hành chính" in err


def test_xlsx_export_has_vietnamese_headings_and_the_figures(capsys, tmp_path):
    path = tmp_path / "tfp.xlsx"
    code, out, _ = run(["--inputs", str(MERGER), "--json", "--by-territory", "--xlsx", str(path)], capsys)
    assert code == 0
    d = json.loads(out)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Đầu vào",
        "Tài sản vốn",
        "Kết quả theo năm",
        "Kết quả giai đoạn",
        "Độ nhạy",
        "Phương pháp",
    ]
    assert wb["Đầu vào"].max_row - 2 == len(pd.read_csv(MERGER))
    assert wb["Đầu vào"]["A3"].value == "Hưng Yên (cũ)"
    years = wb["Kết quả theo năm"]
    heads = [c.value for c in years[2]]
    assert heads[:2] == ["Địa bàn", "Năm"] and "Đóng góp của TFP (điểm %)" in heads
    col = heads.index("Đóng góp của TFP (điểm %)")
    rows = [r for r in years.iter_rows(min_row=3, values_only=True) if r[0] == "Hưng Yên (sau hợp nhất)"]
    assert [r[1] for r in rows] == [2021, 2022, 2023, 2024, 2025]
    for r, y in zip(rows, d["years"], strict=True):
        assert r[col] == pytest.approx(y["contribution_tfp_pp"], abs=1e-5)
    assert any(r[0] == "Thái Bình (cũ)" for r in years.iter_rows(min_row=3, values_only=True))
    k = {r[0]: r[4] for r in wb["Tài sản vốn"].iter_rows(min_row=3, values_only=True)}
    assert k[2025] == pytest.approx(d["years"][-1]["capital_stock"], rel=1e-9)
    grid = wb["Độ nhạy"]
    assert grid.max_row - 2 == 5 and grid.max_column - 1 == 4
    notes = " ".join(str(r[1]) for r in wb["Phương pháp"].iter_rows(min_row=3, values_only=True))
    assert "mặc định" in notes and "sau hợp nhất" in notes
