"""The signer's check: every document generated from the sample data (the annual reports
2021-2025 and the 2021-2025 review) read as the Department's signer reads it, failing on any
defect of issue 12: internal codes, hashes, English or analysts' wording, placeholders, a
request to the Department itself, malformed spans, duplicated column headings, bare zeros in
running text, small table text, a date before the data, source lists, repeated years.

Plus: an enterprise supported by two agencies counts once (by tax code, else by name)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from nscl.analysis.indicators import progress
from nscl.forms.sample import write_sample_data
from nscl.orchestration import pipeline
from nscl.reporting.yeardata import YearData, organisations
from nscl.store.zones import Zones

YEARS = range(2021, 2026)
ENGLISH = {
    "the", "and", "of", "not", "report", "error", "none", "null", "true", "false", "debug", "todo",
    "warning", "sha", "hash", "code", "reliable", "unavailable", "draft", "total", "agency", "file",
    "central", "provincial", "enterprise", "other", "achievements", "difficulties", "proposals",
    "next_year", "on_time", "late", "missing", "rejected", "used",
}  # fmt: skip
ANALYST = ("KHÔNG ĐỦ TIN CẬY ĐỂ CÔNG BỐ", "Không nên đưa", "khoảng tin cậy", "ý nghĩa thống kê", "(-")
PLACEHOLDERS = ("Nguyễn Văn A", "xxx", "{{", "}}", "{%")


@pytest.fixture(scope="module")
def documents(tmp_path_factory, catalogue):
    """The sample data of 2021-2025 through the real stages (no Airflow), then every report."""
    zones = Zones(tmp_path_factory.mktemp("signer") / "data")
    paths = {}
    for y in YEARS:
        write_sample_data(catalogue, y, zones.inbox(y))
        for f in pipeline.list_inbox(y, zones):
            pipeline.process_submission(f, y, zones, catalogue)
        pipeline.consolidate(y, zones, catalogue)
        pipeline.compute_tfp(y, zones)
        paths[f"annual-{y}"] = pipeline.write_report(y, zones, catalogue)
    paths["review"] = pipeline.write_review("mid-term", zones, catalogue)
    return zones, paths


def texts(doc) -> tuple[list[str], list[list[list[str]]]]:
    """Paragraphs (in tables too) and every table's rows of cell texts."""
    paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    return paras, tables


def defects(doc, catalogue, last_received: dt.date | None) -> list[str]:
    paras, tables = texts(doc)
    whole = "\n".join(paras)
    found = []
    codes = set(catalogue.indicators) | set(catalogue.agencies)
    for code in sorted(codes):
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", whole):
            found.append(f"internal code {code}")
    if re.search(r"\b[0-9a-f]{64}\b|\b[0-9a-f]{16}\b", whole):
        found.append("hash")
    words = set(re.findall(r"[A-Za-z_]+", whole))
    english = {w for w in words if w.lower() in ENGLISH}
    if english:
        found.append(f"English words {sorted(english)}")
    found += [f"analyst wording {a!r}" for a in ANALYST if a in whole]
    found += [f"placeholder {p!r}" for p in PLACEHOLDERS if p in whole]
    if re.search(r"Đề nghị Sở Khoa học", whole):
        found.append("a request to the Department itself")
    for m in re.finditer(r"\b(20\d\d)-(20\d\d)\b", whole):
        if m.group(1) == m.group(2):
            found.append(f"span {m.group(0)}")
    if "Nguồn:" in whole:
        found.append("source list")
    if re.search(
        r"(?<![\d,.\-–])(?<![\d,.\-–] )0 (chuyên gia|lớp|đợt|đơn vị|hội nghị|trường|bài viết|tổ chức|quy chuẩn|lượt)",
        whole,
    ):
        found.append("a bare zero in running text")
    if re.search(
        r"(?<![\d,.\-–])(?<![\d,.\-–] )[1-9] (chuyên gia|lớp|đợt|đơn vị|hội nghị|trường|bài viết|quy chuẩn|lượt)\b",
        whole,
    ):
        found.append("a count below 10 without its leading zero")
    for t in tables:
        head = [h for h in t[0] if h.strip()]
        if len(head) != len(set(head)) and len(set(t[0])) > 1:
            found.append(f"duplicated column headings {head}")
    small = 0
    for tbl in doc.element.body.iter(qn("w:tbl")):
        for run in tbl.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()
            sz = run.find(f"{qn('w:rPr')}/{qn('w:sz')}")
            if text and sz is not None and int(sz.get(qn("w:val"))) < 20:  # half-points
                small += 1
    if small:
        found.append(f"{small} pieces of table text under 10 pt")
    dates = re.findall(r"ngày (\d\d) tháng (\d\d?) năm (\d{4})", whole)
    if last_received and dates:
        d, mo, y = dates[0]
        if dt.date(int(y), int(mo), int(d)) < last_received:
            found.append("dated before the last file it uses")
    return found


def years_per_task(doc) -> list[str]:
    """Tasks whose result repeats a year (the review's per-task appendix)."""
    bad = []
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        if "Nội dung công việc" in head:
            col = next(i for i, h in enumerate(head) if h.startswith("Kết quả"))
            for r in t.rows[1:]:
                ys = result_years(r.cells[col].text)
                if len(ys) != len(set(ys)):
                    bad.append(r.cells[0].text)
    return bad


def result_years(cell: str) -> list[int]:
    """The years a result cell speaks for: "Năm 2021: ...", "Các năm 2021, 2022 và 2024: ...",
    "Các năm 2021-2023, 2025: ...", wherever they stand in the cell."""
    out = []
    year = r"20\d\d(?:-20\d\d)?"
    for m in re.finditer(rf"(?:Các năm|Năm) ({year}(?:(?:, | và ){year})*)", cell):
        for a, b in re.findall(r"(20\d\d)(?:-(20\d\d))?", m.group(1)):
            out += list(range(int(a), int(b or a) + 1))
    return out


def test_no_document_has_a_defect_the_signer_would_find(documents, catalogue):
    zones, paths = documents
    import json

    problems = {}
    for name, path in paths.items():
        manifest = json.loads(open(path.replace(".docx", ".manifest.json"), encoding="utf-8").read())
        received = [dt.datetime.fromisoformat(i["received_at"]).date() for i in manifest["inputs"]]
        found = defects(Document(path), catalogue, max(received) if received else None)
        if found:
            problems[name] = found
    assert not problems, problems


def test_the_review_gives_every_year_once_per_task(documents):
    _, paths = documents
    doc = Document(paths["review"])
    assert not years_per_task(doc)
    table = next(t for t in doc.tables if "Nội dung công việc" in [c.text for c in t.rows[0].cells])
    col = next(i for i, c in enumerate(table.rows[0].cells) if c.text.startswith("Kết quả"))
    for r in table.rows[1:]:
        if r.cells[0].text != "I.7":  # I.7 is planned for 2025 and 2030 only
            assert sorted(result_years(r.cells[col].text)) == list(YEARS), r.cells[0].text


def test_no_false_no_report_where_a_successor_reported(documents, catalogue):
    """Tasks led in the plan by agencies abolished in 2025 show their successor's report."""
    _, paths = documents
    doc = Document(paths["annual-2025"])
    table = next(t for t in doc.tables if "Nội dung công việc" in [c.text for c in t.rows[0].cells])
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for code in ("I.2", "III.3", "III.7", "III.8"):
        lead, status = rows[code][2], rows[code][6]
        assert "tiếp nhận từ" in lead, (code, lead)
        assert "Chưa có báo cáo" not in status, (code, status)
    assert "Sở Thông tin và Truyền thông" in rows["III.8"][2] and rows["III.8"][2].startswith("Sở Khoa học")


def test_the_signer_line_is_empty_and_the_manifest_says_what_is_open(documents):
    import json

    _, paths = documents
    manifest = json.loads(
        open(paths["annual-2025"].replace(".docx", ".manifest.json"), encoding="utf-8").read()
    )
    assert any("người ký" in item for item in manifest["open_items"])
    assert any("DỰ THẢO" in item for item in manifest["open_items"])
    assert manifest["diagnostics"]["sti"] is not None  # the diagnostics stay in the manifest
    doc = Document(paths["annual-2025"])
    assert doc.paragraphs[0].text == "DỰ THẢO"


def test_an_organisation_supported_by_two_agencies_counts_once(catalogue):
    frame = pd.DataFrame(
        [
            {"agency_code": "SKHCN", "name": "Công ty TNHH Nhựa Phố Hiến", "tax_code": "0900000001"},
            {"agency_code": "SCT", "name": "Cty TNHH Nhựa Phố Hiến", "tax_code": "0900-000-001"},
            {"agency_code": "SCT", "name": "Hợp tác xã  Gạo nếp", "tax_code": None},
            {"agency_code": "SNNMT", "name": "hợp tác xã gạo nếp.", "tax_code": float("nan")},
            {"agency_code": "SNNMT", "name": "Công ty Cổ phần Thép Việt Hưng", "tax_code": "0900000002"},
        ]
    )
    later = pd.DataFrame(
        [{"agency_code": "SKHCN", "name": "Công ty TNHH Nhựa Phố Hiến", "tax_code": "0900000001"}]
    )
    data = [
        YearData(2024, {}, None, {"enterprises": frame}),
        YearData(2025, {}, None, {"enterprises": later}),
    ]
    orgs = organisations(data)
    assert len(orgs[2024]) == 3  # five supports, three organisations
    values = pd.DataFrame(
        [
            {"year": 2024, "agency_code": "SKHCN", "indicator": "DN_HOTRO", "value": 1.0},
            {"year": 2024, "agency_code": "SCT", "indicator": "DN_HOTRO", "value": 2.0},
            {"year": 2024, "agency_code": "SNNMT", "indicator": "DN_HOTRO", "value": 2.0},
            {"year": 2025, "agency_code": "SKHCN", "indicator": "DN_HOTRO", "value": 1.0},
        ]
    )
    p = next(p for p in progress(catalogue, 2025, values, None, orgs) if p.indicator.code == "DN_HOTRO")
    assert p.year_value == 1
    assert p.phase_value == 3  # the 2025 enterprise was supported in 2024 already
    plain = next(p for p in progress(catalogue, 2025, values) if p.indicator.code == "DN_HOTRO")
    assert plain.phase_value == 6  # support events, for comparison
