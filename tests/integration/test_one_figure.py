"""One figure, one value (issue 22, item 1): the staff page's overview, ``nscl status --json``
and the 2025 annual report show every indicator alike, and "Tổ chức, doanh nghiệp được hỗ
trợ" counts distinct organisations, as the test counts them itself from the curated CSVs.

The data (``test_report_data.build``, not the shipped sample) gets, in 2025, an organisation
of 2024 supported again by two other agencies: once with its tax code typed with spaces and
dots, once as the number a spreadsheet makes of it (the leading zero lost), both under a short
name of their own; and once with no tax code, its name in capitals, decomposed Unicode (NFD)
and extra punctuation and spaces. Support events then outnumber organisations
(the defect: the page counted events, the report organisations)."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from nscl.orchestration import pipeline
from nscl.staff_page.overview import overview
from nscl.store.zones import Zones
from test_report import table_by_header
from test_report_data import build

YEAR = 2025
ROOT = Path(__file__).resolve().parents[2]


def _retyped(tax: str) -> list[str]:
    spaced = f"{tax[:4]} {tax[4:7]}.{tax[7:]}"
    return [spaced, tax.lstrip("0")]


def _agency_files(zones: Zones, year: int) -> list[tuple[Path, dict]]:
    out = []
    for path in sorted((zones.curated(year) / "staged").glob("*.json")):
        staged = json.loads(path.read_text(encoding="utf-8"))
        if staged.get("kind") == "agency" and staged.get("enterprises") is not None:
            out.append((path, staged))
    return out


@pytest.fixture(scope="module")
def figures(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("one-figure") / "data")
    build(zones, catalogue, range(2021, YEAR + 1))
    # An organisation supported in 2024, supported again in 2025 by two other agencies.
    (_, earlier), *_ = [(p, s) for p, s in _agency_files(zones, 2024) if s["enterprises"]]
    org = earlier["enterprises"][0]
    assert len(org["tax_code"]) == 10 and org["tax_code"].startswith("0")
    later = [(p, s) for p, s in _agency_files(zones, YEAR) if s["enterprises"]][:2]
    spaced, unpadded = _retyped(org["tax_code"])
    # Each row is linked by one normalisation only: the first two by their tax code alone
    # (their names are written otherwise), the third by its name alone.
    variants = [
        (spaced, "Cty TNHH Thử nghiệm (tên viết tắt 1)"),
        (unpadded, "Cty TNHH Thử nghiệm (tên viết tắt 2)"),
        (None, unicodedata.normalize("NFD", "  " + org["name"].upper().replace(" SỐ ", " SỐ,  "))),
    ]
    for i, (tax, name) in enumerate(variants):
        path, staged = later[i % 2]
        staged["enterprises"].append(
            {**staged["enterprises"][0], "row": 40 + i, "name": name, "tax_code": tax}
        )
        path.write_text(json.dumps(staged, ensure_ascii=False), encoding="utf-8")
    pipeline.consolidate(YEAR, zones, catalogue)
    report = pipeline.write_report(YEAR, zones, catalogue)
    return zones, report, org["tax_code"]


def _curated(zones: Zones, years) -> pd.DataFrame:
    frames = [pd.read_csv(zones.curated(y) / "enterprises.csv", dtype={"tax_code": str}) for y in years]
    return pd.concat(frames, ignore_index=True)


def own_count(zones: Zones, years, added: str) -> tuple[int, int]:
    """(support events, distinct organisations), counted here: the clean ten-digit tax codes
    (every organisation the data builder made has one), and the organisation the rows this test
    added stand for (tax code ``added``) where they are."""
    frame = _curated(zones, years)
    is_clean = frame["tax_code"].fillna("").str.fullmatch(r"0\d{9}")
    clean = set(frame.loc[is_clean, "tax_code"])
    if not is_clean.all():
        clean.add(added)
    return len(frame), len(clean)


def _status_json(zones: Zones) -> dict:
    env = {"NSCL_DATA_DIR": str(zones.root), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "nscl.cli.main", "status", "--year", str(YEAR), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def test_supported_organisations_are_one_count_everywhere(figures, catalogue):
    zones, report, added = figures
    events_year, orgs_year = own_count(zones, [YEAR], added)
    events, orgs = own_count(zones, range(2021, YEAR + 1), added)
    # The three rows added are one organisation in 2025, none new over 2021-2025.
    assert events_year == orgs_year + 2 and events == orgs + 3
    name = catalogue.indicators["DN_HOTRO"].name

    doc = Document(report)
    table = table_by_header(doc, "STT", "Đánh giá 2021-2030")
    row = next([c.text for c in r.cells] for r in table.rows[1:] if r.cells[1].text == name)
    assert (row[3], row[4]) == (str(orgs_year), str(orgs))

    # The body's sentence on support: the same organisations, and the events besides.
    body = "\n".join(p.text for p in doc.paragraphs)
    assert (
        f"Năm {YEAR}, các cơ quan, đơn vị đã thực hiện {events_year:02d} lượt hỗ trợ cho {orgs_year:02d} tổ chức, "
        "doanh nghiệp" in body
    )

    page = next(r for r in overview(zones, catalogue, YEAR)["indicators"] if r["code"] == "DN_HOTRO")
    assert (page["year_value"], page["phase_value"], page["ten_value"]) == (
        str(orgs_year),
        str(orgs),
        str(orgs),
    )

    cli = next(r for r in _status_json(zones)["indicators"] if r["code"] == "DN_HOTRO")
    assert (cli["year_value"], cli["phase_value"]) == (str(orgs_year), str(orgs))
    assert cli["phase_status"] == page["phase_status"] == row[6]


def test_page_status_and_report_agree_on_every_indicator(figures, catalogue):
    zones, report, _ = figures
    doc = Document(report)
    table = table_by_header(doc, "STT", "Đánh giá 2021-2030")
    by_name = {ind.name: code for code, ind in catalogue.indicators.items()}
    printed = {  # without the rule note across the table's last row
        by_name[r.cells[1].text]: [c.text for c in r.cells]
        for r in table.rows[1:]
        if not r.cells[0].text.startswith("Ghi chú:")
    }
    page = {r["code"]: r for r in overview(zones, catalogue, YEAR)["indicators"]}
    cli = {r["code"]: r for r in _status_json(zones)["indicators"]}
    assert set(printed) == set(page) == set(cli) == set(catalogue.indicators)
    for code, cells in printed.items():
        # Columns: STT, name, unit, year, to date, phase target, phase status, ...
        want = (cells[3], cells[4], cells[5], cells[6])
        for view in (page[code], cli[code]):
            got = (view["year_value"], view["phase_value"], view["phase_target"], view["phase_status"])
            assert got == want, code
