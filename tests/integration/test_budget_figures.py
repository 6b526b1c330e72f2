"""Every budget line and total in the annual report and the mid-term review, against figures
this test computes itself from the inputs (``test_report_data.build`` keeps what each agency
reported, per source and year). Tables are found by their Vietnamese headers, loosely (a word
of the header, any column order), so a new layout keeps the test meaningful."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from docx import Document
from nscl.orchestration import pipeline
from nscl.store.zones import Zones
from test_report_data import build

YEARS = range(2021, 2026)
SOURCES = {  # a word of the column or row label -> the source
    "trung ương": "central",
    "ngân sách tỉnh": "provincial",
    "đối ứng": "enterprise",
    "khác": "other",
}


def vn_number(text: str) -> float:
    """'32.250,0' -> 32250.0 (Vietnamese style), written here, not taken from the code."""
    text = text.strip().replace(".", "").replace(",", ".")
    return float(text)


def _source(label: str) -> str | None:
    low = label.lower()
    return next((s for word, s in SOURCES.items() if word in low), None)


def _tables(doc, *words: str):
    """Tables whose header row has every word (case-insensitive) in some cell."""
    for t in doc.tables:
        head = " | ".join(c.text for c in t.rows[0].cells).lower()
        if all(w in head for w in words):
            yield t


def _rows(table) -> list[list[str]]:
    return [[c.text.strip() for c in r.cells] for r in table.rows]


def _total_paragraph(doc) -> float:
    found = [
        m for p in doc.paragraphs if (m := re.search(r"tổng kinh phí\b.*?\blà ([\d.,]+) triệu đồng", p.text, re.I))
    ]
    [m] = found
    return vn_number(m.group(1))


@pytest.fixture(scope="module")
def documents(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("budget") / "data")
    exp = build(zones, catalogue, YEARS)
    annual = pipeline.write_report(2025, zones, catalogue)
    review = pipeline.write_review(zones=zones, catalogue=catalogue, first=2021, last=2025)
    return exp.budget, Document(annual), Document(review)


def _by(budget, key) -> dict:
    out: dict = defaultdict(float)
    for (code, year, source), value in budget.items():
        out[key(code, year, source)] += value
    return out


def test_annual_report_budget_lines_and_total(documents):
    budget, annual, _ = documents
    per_source = _by(budget, lambda c, y, s: (y, s))
    want = {s: per_source[(2025, s)] for s in SOURCES.values()}
    [table] = list(_tables(annual, "nguồn kinh phí"))
    seen = {}
    for row in _rows(table)[1:]:
        source = _source(row[0])
        if source:
            seen[source] = vn_number(row[-1])
        elif "tổng" in row[0].lower():
            assert vn_number(row[-1]) == pytest.approx(sum(want.values()))
    assert seen == pytest.approx(want)
    assert _total_paragraph(annual) == pytest.approx(sum(want.values()))
    assert sum(want.values()) > 0 and len([v for v in want.values() if v]) >= 2  # the check can fail


def test_review_budget_by_year_and_source_and_totals(documents):
    budget, _, review = documents
    per = _by(budget, lambda c, y, s: (y, s))
    [table] = list(_tables(review, "năm", "trung ương", "tổng"))
    rows = _rows(table)
    head = rows[0]
    columns = {i: _source(h) or ("total" if "tổng" in h.lower() else None) for i, h in enumerate(head)}
    years_seen = set()
    for row in rows[1:]:
        label = row[0]
        if label.isdigit():
            year = int(label)
            years_seen.add(year)
            want = {s: per[(year, s)] for s in SOURCES.values()}
            want["total"] = sum(want.values())
        else:
            assert "tổng" in label.lower(), label
            want = {s: sum(per[(y, s)] for y in YEARS) for s in SOURCES.values()}
            want["total"] = sum(want.values())
        got = {columns[i]: vn_number(v) for i, v in enumerate(row) if columns[i]}
        assert got == pytest.approx(want), label
    assert years_seen == set(YEARS)
    assert _total_paragraph(review) == pytest.approx(sum(budget.values()))


def test_review_budget_per_agency_rolled_up_to_todays_successor(documents, catalogue):
    budget, _, review = documents
    per_agency = _by(budget, lambda c, y, s: catalogue.current_successor(c).name)
    [table] = list(_tables(review, "cơ quan", "kinh phí", "số năm"))
    rows = _rows(table)
    col = next(i for i, h in enumerate(rows[0]) if "kinh phí" in h.lower())
    name_col = next(i for i, h in enumerate(rows[0]) if "cơ quan" in h.lower())
    got, total = {}, None
    for row in rows[1:]:
        if "tổng" in " ".join(row[:2]).lower():
            total = vn_number(row[col])
        else:
            got[row[name_col]] = vn_number(row[col])
    want = {name: v for name, v in per_agency.items()}
    for name in set(got) - set(want):  # an agency that reported no budget at all
        want[name] = 0.0
    assert got == pytest.approx(want)
    assert total == pytest.approx(sum(budget.values()))
