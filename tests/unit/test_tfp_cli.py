"""The ``nscl tfp`` command (nscl.cli.tfp_cmds), via argparse and via ``python -m``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from nscl.analysis.tfp import compute_tfp
from nscl.cli import tfp_cmds as tfp_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "tfp_example.csv"
DATA = ROOT / "tests" / "unit" / "data" / "tfp"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nscl")
    sub = parser.add_subparsers(dest="command")
    tfp_cli.add_parser(sub)
    return parser.parse_args(["tfp", *argv])


def test_json_output_shape(capsys):
    args = parse(["--inputs", str(EXAMPLE), "--json"])
    assert args.func is tfp_cli.run
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"parameters", "years", "periods"}
    p = out["parameters"]
    assert p["capital_share"] == 0.4 and p["depreciation"] == 0.05
    assert p["initial_capital_method"] == "growth" and p["growth"] == "discrete"
    year = out["years"][0]
    for key in (
        "year",
        "capital_stock",
        "growth_output",
        "growth_capital",
        "growth_labour",
        "contribution_capital_pp",
        "contribution_labour_pp",
        "contribution_tfp_pp",
        "share_tfp_pct",
    ):
        assert key in year
    period = out["periods"][0]
    assert period["from"] == 2021 and period["to"] == 2025
    engine = compute_tfp(pd.read_csv(EXAMPLE)).period(2021, 2025)
    assert period["share_tfp_pct"] == pytest.approx(engine["share_tfp_pct"], abs=1e-5)


def test_options_are_passed_to_the_engine(capsys):
    args = parse(["--inputs", str(EXAMPLE), "--capital-share", "0.5", "--depreciation", "0.08", "--json"])
    assert tfp_cli.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["parameters"]["capital_share"] == 0.5
    assert out["parameters"]["depreciation"] == 0.08


def test_given_capital_stock_skips_perpetual_inventory(capsys):
    args = parse(["--inputs", str(DATA / "given_capital.csv"), "--json"])
    assert tfp_cli.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["parameters"]["initial_capital_method"] == "given"
    assert out["years"][0]["capital_stock"] == 220.0
    assert out["years"][0]["share_tfp_pct"] == pytest.approx(48.0)


def test_readable_table_with_sensitivity(capsys):
    args = parse(["--inputs", str(EXAMPLE), "--sensitivity", "--period", "2021-2025"])
    assert tfp_cli.run(args) == 0
    out = capsys.readouterr().out
    assert "Năm" in out and "2021-2025" in out and "Độ nhạy" in out


def test_bad_input_exits_2_with_vietnamese_message(capsys):
    args = parse(["--inputs", str(DATA / "bad_negative.csv")])
    assert tfp_cli.run(args) == 2
    assert "Năm 2023: GRDP phải là số dương" in capsys.readouterr().err


def test_missing_file_exits_2(capsys, tmp_path):
    args = parse(["--inputs", str(tmp_path / "nope.csv")])
    assert tfp_cli.run(args) == 2
    assert "không đọc được" in capsys.readouterr().err


def test_python_dash_m():
    proc = subprocess.run(
        [sys.executable, "-m", "nscl.cli.tfp_cmds", "--inputs", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["periods"][0]["from"] == 2021
