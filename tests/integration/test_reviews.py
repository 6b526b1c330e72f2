"""The mid-term (2021-2025) and final (2021-2030) reviews: sums across years equal the inputs,
ceased agencies are counted once under their successors and still named, the layout is there,
and (where LibreOffice is installed) the mid-term review converts to an A4 PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from nscl.orchestration import pipeline
from nscl.reporting.common import plan_text
from nscl.store.zones import Zones
from test_report import all_text, by_indicator, number, table_by_header
from test_report_data import build


@pytest.fixture(scope="module")
def reviews(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("reviews") / "data")
    expected = build(zones, catalogue, range(2021, 2031))
    paths = {k: pipeline.write_review(k, zones, catalogue) for k in ("mid-term", "final")}
    return zones, expected, paths


def test_files_and_manifests(reviews):
    _, exp, paths = reviews
    assert paths["mid-term"].endswith("reports/2025/so-ket-2021-2025-v001.docx")
    assert paths["final"].endswith("reports/2030/tong-ket-2021-2030-v001.docx")
    for kind, years in (("mid-term", range(2021, 2026)), ("final", range(2021, 2031))):
        m = json.loads(Path(paths[kind]).with_suffix(".manifest.json").read_text(encoding="utf-8"))
        assert m["kind"] == kind and m["years"] == list(years)
        assert {i["sha256"] for i in m["inputs"]} == {s for y in years for s in exp.used[y].values()}
        assert m["template"]["sha256"] and m["content_digest"]


def test_mid_term_indicators_equal_the_inputs(reviews, catalogue):
    _, exp, paths = reviews
    doc = Document(paths["mid-term"])
    rows = by_indicator(table_by_header(doc, "STT", "Đánh giá giai đoạn 2021-2025"), catalogue)
    years = table_by_header(doc, "STT", "Tổng")
    assert [c.text for c in years.rows[0].cells][3:8] == [str(y) for y in range(2021, 2026)]
    by_year = by_indicator(years, catalogue)
    for code, ind in catalogue.indicators.items():
        if ind.computed_by_pipeline:
            continue
        want = exp.total(catalogue, code, range(2021, 2026))
        assert number(rows[code][3]) == pytest.approx(want), code
        assert number(by_year[code][8]) == pytest.approx(want), code
        for i, y in enumerate(range(2021, 2026), start=3):
            assert number(by_year[code][i]) == pytest.approx(exp.total(catalogue, code, [y])), (code, y)
        t = ind.targets.get("2021-2025")
        assert (rows[code][4].lower() in plan_text(t.text).lower()) if t else rows[code][4] == "—", code
        if t is not None:  # 2025 is the phase's last year: achieved or missed, never "on track"
            assert rows[code][5] in ("Đạt", "Vượt mục tiêu", "Không đạt"), code


def test_final_indicators_equal_the_inputs(reviews, catalogue):
    _, exp, paths = reviews
    doc = Document(paths["final"])
    phases = by_indicator(table_by_header(doc, "STT", "Đánh giá 2026-2030"), catalogue)
    for code, ind in catalogue.indicators.items():
        if ind.computed_by_pipeline:
            assert phases[code][9] == "Đã thực hiện"
            continue
        assert number(phases[code][3]) == pytest.approx(exp.total(catalogue, code, range(2021, 2026))), code
        assert number(phases[code][6]) == pytest.approx(exp.total(catalogue, code, range(2026, 2031))), code
        assert number(phases[code][9]) == pytest.approx(exp.total(catalogue, code, range(2021, 2031))), code
        t = ind.targets.get("2021-2030")
        assert (phases[code][10].lower() in plan_text(t.text).lower()) if t else phases[code][10] == "—", code


def test_ceased_agencies_count_once_under_successors_and_keep_their_names(reviews, catalogue):
    _, exp, paths = reviews
    doc = Document(paths["final"])
    table = table_by_header(doc, "STT", "Gồm kết quả của")
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    # Sở Thông tin và Truyền thông (2021 - 28/2/2025) is rolled up into Sở Khoa học và Công nghệ.
    skhcn = rows["Sở Khoa học và Công nghệ"]
    assert "Sở Thông tin và Truyền thông (2021-2024)" in skhcn[2]
    lineage = {"SKHCN", "STTTT"}
    assert number(skhcn[4]) == sum(n for (c, _), n in exp.enterprises.items() if c in lineage)
    assert "Sở Thông tin và Truyền thông" not in rows  # no row of its own: counted once
    total = rows["Tổng cộng"]
    assert number(total[4]) == sum(exp.enterprises.values())
    assert sum(number(r[4]) for name, r in rows.items() if name != "Tổng cộng") == number(total[4])
    assert number(total[6]) == pytest.approx(sum(exp.budget.values()))
    # The files the review used are staff material (issue 24): not in the document, in its
    # manifest, each under the agency that sent it at the time.
    assert not [t for t in doc.tables if "Thời hạn" in [c.text for c in t.rows[0].cells]]
    import json

    manifest = json.loads(open(paths["final"].replace(".docx", ".manifest.json"), encoding="utf-8").read())
    assert "STTTT" in {i["agency_code"] for i in manifest["inputs"] if i["year"] == 2022}
    assert len(manifest["inputs"]) == sum(len(v) for v in exp.used.values())


def test_budget_by_year_equals_the_inputs(reviews):
    _, exp, paths = reviews
    table = table_by_header(Document(paths["mid-term"]), "Năm", "Ngân sách tỉnh")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for y in range(2021, 2026):
        assert number(rows[str(y)][1]) == sum(n for (_, yy), n in exp.enterprises.items() if yy == y)
        want = sum(v for (_, yy, s), v in exp.budget.items() if yy == y and s == "provincial")
        assert number(rows[str(y)][3]) == pytest.approx(want)


def test_review_layout(reviews):
    _, _, paths = reviews
    for kind, date, title in (
        ("mid-term", "Hưng Yên, ngày      tháng      năm 2025", "Sơ kết 05 năm"),
        ("final", "Hưng Yên, ngày      tháng      năm 2030", "Tổng kết 10 năm"),
    ):
        doc = Document(paths[kind])
        text = all_text(doc)
        for needle in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "/BC-SKHCN",
            date,
            title,
            "Nơi nhận:",
            "GIÁM ĐỐC",
        ):
            assert needle in text, (kind, needle)
        assert "{{" not in text and "{%" not in text
        assert doc.styles["Normal"].font.name == "Times New Roman"


def test_the_review_says_which_years_are_missing(tmp_path, catalogue):
    zones = Zones(tmp_path / "data")
    build(zones, catalogue, [2024, 2025])
    text = all_text(Document(pipeline.write_review("mid-term", zones, catalogue)))
    assert "Chưa có số liệu tổng hợp của năm: 2021, 2022, 2023." in text


@pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice (Debian: libreoffice-writer-nogui) not installed"
)
def test_mid_term_review_converts_to_an_a4_pdf(reviews, tmp_path):
    """For the eye: the PDF is left in the test's temporary folder (path printed)."""
    _, _, paths = reviews
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), paths["mid-term"]],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / (Path(paths["mid-term"]).stem + ".pdf")
    print(f"\nPDF: {pdf}")
    assert pdf.exists() and pdf.stat().st_size > 50_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info
        assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 10
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        text = " ".join(text.split())  # lines wrap differently with the fonts installed
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Sơ kết 05 năm" in text
