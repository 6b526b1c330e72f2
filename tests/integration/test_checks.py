"""The staff's to-do list (issue 22, items 4 and 5): ``open_checks`` lists the contradictions
between an agency's words and its figures and the money warnings of the consolidation; the
report prints neither contradictory claim alone and its budget total says what it includes.

Data: ``test_report_data.build`` (not the sample) for 2021-2025, then in 2025 the lead agency
SKHCN writes that a study tour was held while no agency counts one, and the Department of
Culture (SVHTTDL) reports 3.000 triệu đồng with no figure above zero and no task described."""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import subprocess
import sys

import pytest
from docx import Document
from nscl.orchestration import pipeline
from nscl.reporting import checks
from nscl.reporting.checks import Check, open_checks
from nscl.store.zones import Zones
from test_report import all_text
from test_report_data import build

YEAR = 2025
TOUR = "Tổ chức đoàn học tập kinh nghiệm tại tỉnh bạn (đoàn kiểm thử)."
MONEY = 3000.0


def _staged(zones: Zones, code: str):
    sha = hashlib.sha256(f"nscl-test:{YEAR}:{code}".encode()).hexdigest()
    path = zones.curated(YEAR) / "staged" / f"{sha}.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def year(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("checks") / "data")
    build(zones, catalogue, range(2021, YEAR + 1))
    path, lead = _staged(zones, "SKHCN")
    lead["tasks"] = [t for t in lead["tasks"] if t["code"] != "V.1"] + [
        {"row": 90, "code": "V.1", "status": "Hoàn thành", "result": TOUR, "difficulties": ""}
    ]
    lead["indicators"] = [i for i in lead["indicators"] if i["code"] != "DOT_HOCTAP"] + [
        {"row": 90, "code": "DOT_HOCTAP", "value": 0.0, "note": ""}
    ]
    path.write_text(json.dumps(lead, ensure_ascii=False), encoding="utf-8")
    for other in (zones.curated(YEAR) / "staged").glob("*.json"):  # no agency counts a tour
        staged = json.loads(other.read_text(encoding="utf-8"))
        if staged.get("kind") == "agency":
            staged["indicators"] = [
                {**i, "value": 0.0} if i["code"] == "DOT_HOCTAP" else i for i in staged["indicators"]
            ]
            other.write_text(json.dumps(staged, ensure_ascii=False), encoding="utf-8")
    path, culture = _staged(zones, "SVHTTDL")
    culture["indicators"] = [{**i, "value": 0.0} for i in culture["indicators"]]
    culture["enterprises"] = []
    culture["tasks"] = [{**t, "result": "", "status": "Chưa thực hiện"} for t in culture["tasks"]]
    culture["budget"] = {"central": 0.0, "provincial": MONEY, "enterprise": 0.0, "other": 0.0}
    path.write_text(json.dumps(culture, ensure_ascii=False), encoding="utf-8")
    pipeline.consolidate(YEAR, zones, catalogue)
    report = pipeline.write_report(YEAR, zones, catalogue)
    return zones, report


def test_the_signature_other_code_relies_on():
    assert [(f.name, f.type) for f in dataclasses.fields(Check)] == [
        ("id", "str"),
        ("kind", "str"),
        ("title", "str"),
        ("detail", "str"),
        ("sources", "tuple[str, ...]"),
    ]
    assert Check.__dataclass_params__.frozen
    sig = inspect.signature(checks.open_checks)
    assert list(sig.parameters) == ["year", "kind"] and sig.parameters["kind"].default == "annual"


def test_open_checks_list_the_contradiction_and_the_money(year, catalogue, monkeypatch):
    zones, _ = year
    monkeypatch.setenv("NSCL_DATA_DIR", str(zones.root))
    found = {c.id: c for c in open_checks(YEAR)}
    tour = found[f"contradiction:{YEAR}:V.1"]
    assert tour.kind == "contradiction" and TOUR in tour.detail and "chưa tổ chức thêm đợt" in tour.detail
    assert len(tour.sources) == 2 and "BaoCao_SKHCN_2025.xlsx" in tour.sources[0]
    money = {i for i in found if i.startswith(f"plausibility:{YEAR}:SVHTTDL:")}
    # 2021-2024 it reported 15 triệu đồng a year: 3.000 is also far from its history.
    assert money == {
        f"plausibility:{YEAR}:SVHTTDL:{k}" for k in ("no_activity", "large_share", "far_from_history")
    }
    assert all(found[i].kind == "plausibility" and "3.000,0 triệu đồng" in found[i].detail for i in money)
    # nscl status --json lists the same.
    out = subprocess.run(
        [sys.executable, "-m", "nscl.cli.main", "status", "--year", str(YEAR), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "NSCL_DATA_DIR": str(zones.root)},
        check=True,
    )
    assert [c["id"] for c in json.loads(out.stdout)["checks"]] == list(found)
    # A review lists the checks of every year it covers.
    assert {c.id for c in open_checks(YEAR, "mid-term")} >= set(found)


def test_the_report_prints_neither_claim_alone_and_says_what_its_total_includes(year, catalogue):
    _, report = year
    text = all_text(Document(report))
    assert TOUR not in text
    assert "Nội dung cơ quan chủ trì báo cáo năm 2025 chưa thống nhất với số liệu chỉ tiêu" in text
    name = catalogue.agency("SVHTTDL").name
    assert f"đang đề nghị đơn vị kiểm tra, xác nhận: 3.000,0 triệu đồng của {name} (năm 2025)" in text
