"""The annual report from its template: the numbers read back equal the inputs, the Decree 30
layout is there (A4, Times New Roman, header, date line, signature), versions and manifest,
and a broken template fails with a message naming the tag, before any document is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from nscl.intake.normalise import parse_number
from nscl.orchestration import pipeline
from nscl.reporting.common import plan_text
from nscl.reporting.context import date_line, load_settings
from nscl.reporting.template_check import TemplateError, check_template, check_templates
from nscl.reporting.templates import template_path
from nscl.store.zones import Zones
from test_report_data import build

YEAR = 2025


@pytest.fixture(scope="module")
def annual(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("annual") / "data")
    expected = build(zones, catalogue, range(2021, YEAR + 1))
    path = pipeline.write_report(YEAR, zones, catalogue)
    return zones, expected, path


def table_by_header(doc, first: str, contains: str | None = None, at: int | None = None):
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        cols = head if at is None else head[at : at + 1]
        if head[0] == first and (contains is None or any(contains in h for h in cols)):
            return t
    raise AssertionError(f"no table with header {first!r}/{contains!r}")


def data_rows(table) -> list:
    """The rows under the header, without the note across the table's last row ("Ghi chú: ...",
    how targets are judged, under the indicators)."""
    return [r for r in table.rows[1:] if not r.cells[0].text.startswith("Ghi chú:")]


def by_indicator(table, catalogue) -> dict[str, list[str]]:
    """A table's rows by indicator code, found from the indicator's name in column 2 (the
    report shows names and an STT column, never codes)."""
    by_name = {ind.name: code for code, ind in catalogue.indicators.items()}
    return {by_name[r.cells[1].text]: [c.text for c in r.cells] for r in data_rows(table)}


def number(text: str) -> float:
    if text == "—":
        return 0.0
    if text == "Đã thực hiện":
        return 1.0
    if text == "Chưa thực hiện":
        return 0.0
    return parse_number(text)


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for r in t.rows:
            for c in r.cells:
                parts.append(c.text)
    return "\n".join(parts)


def test_indicator_table_equals_the_inputs(annual, catalogue):
    _, exp, path = annual
    doc = Document(path)
    table = table_by_header(doc, "STT", "Đánh giá 2021-2030")
    head = [c.text for c in table.rows[0].cells]
    # the last file used arrived before 14 December: the year's figures are estimates
    manifest = json.loads(Path(path).with_suffix(".manifest.json").read_text("utf-8"))
    last = max(i["received_at"] for i in manifest["inputs"])[:10]
    assert last < f"{YEAR}-12-14"
    assert head[3] == f"Ước thực hiện năm {YEAR}" and head[4] == f"Lũy kế đến hết năm {YEAR}"
    d = f"{last[8:10]}/{last[5:7]}/{last[:4]}"
    assert f"(Số liệu tính đến ngày {d}; số liệu năm {YEAR} là số ước thực hiện cả năm.)" in all_text(doc)
    # Rows by indicator name (the report shows no codes); one column of totals to date, as
    # 2021-2025 is both the phase and the ten years to date.
    by_name = {ind.name: code for code, ind in catalogue.indicators.items()}
    rows = {by_name[r.cells[1].text]: [c.text for c in r.cells] for r in data_rows(table)}
    # how targets are judged: the note across the table's last row, where the statuses are read
    assert table.rows[-1].cells[0].text.startswith("Ghi chú: Mục tiêu được coi là đạt")
    assert len(head) == len(set(head))
    assert set(rows) == set(catalogue.indicators)
    checked = 0
    for code, ind in catalogue.indicators.items():
        if ind.computed_by_pipeline:
            assert rows[code][3] == "Đã thực hiện"
            continue
        assert number(rows[code][3]) == pytest.approx(exp.total(catalogue, code, [YEAR])), code
        assert number(rows[code][4]) == pytest.approx(exp.total(catalogue, code, range(2021, YEAR + 1))), code
        target = ind.targets.get("2021-2025")
        # The plan's words (without the product caption around a figure, e.g. "Chuyên gia (6-8 ...)"),
        # as quoted: ranges one way ("06-08"), typos corrected (``plan_text``).
        assert (
            (rows[code][5].lower() in plan_text(target.text).lower()) if target else rows[code][5] == "—"
        ), code
        checked += 1
    assert checked >= 19


def test_enterprises_budget_and_reporters_equal_the_inputs(annual, catalogue):
    _, exp, path = annual
    doc = Document(path)
    ent = table_by_header(doc, "STT", "Mã số thuế")
    n = sum(n for (_, y), n in exp.enterprises.items() if y == YEAR)
    assert len(ent.rows) - 2 == n  # the header, then one row per support, then the total row
    assert ent.rows[-1].cells[1].text == "Tổng cộng"
    assert number(ent.rows[-1].cells[5].text) == pytest.approx(
        sum(number(r.cells[5].text) for r in ent.rows[1:-1])
    )
    budget = table_by_header(doc, "Nguồn kinh phí")
    got = {r.cells[0].text: number(r.cells[1].text) for r in budget.rows[1:]}
    assert got["Tổng cộng"] == pytest.approx(sum(v for (_, y, _s), v in exp.budget.items() if y == YEAR))
    for code, label in (("central", "Ngân sách trung ương"), ("provincial", "Ngân sách tỉnh")):
        assert got[label] == pytest.approx(
            sum(v for (_, y, s), v in exp.budget.items() if y == YEAR and s == code)
        )
    rep = table_by_header(doc, "STT", "Tình trạng", at=2)
    states = {r.cells[1].text: r.cells[2].text for r in rep.rows[1:]}
    want = {catalogue.agency(c).name: s for c, s in exp.states[YEAR].items()}
    assert states == want
    used = {r.cells[1].text for r in rep.rows[1:] if r.cells[4].text != "—"}
    assert used == {catalogue.agency(c).name for c in exp.used[YEAR]}
    assert not any(sha[:16] in all_text(doc) for sha in exp.used[YEAR].values())  # no hashes for the Province


def test_tfp_table_equals_the_engine_result(annual):
    zones, _, path = annual
    tfp = json.loads((zones.curated(YEAR) / "tfp.json").read_text(encoding="utf-8"))
    table = table_by_header(Document(path), "Năm, giai đoạn")
    rows = {r.cells[0].text: r for r in table.rows[1:]}
    for y in tfp["years"]:
        if 2021 <= y["year"] <= YEAR:
            r = rows[str(y["year"])]
            assert number(r.cells[1].text) == pytest.approx(y["growth_output"], abs=0.006)
            assert number(r.cells[4].text) == pytest.approx(y["contribution_tfp_pp"], abs=0.006)


def test_sensitivity_table_equals_the_engine_grid(annual):
    zones, _, path = annual
    tfp = json.loads((zones.curated(YEAR) / "tfp.json").read_text(encoding="utf-8"))
    table = table_by_header(Document(path), "Hệ số co giãn của vốn")
    assert len(table.rows) - 1 == len({g["capital_share"] for g in tfp["sensitivity"]}) >= 3
    headers = [c.text for c in table.rows[0].cells[1:]]
    for g in tfp["sensitivity"]:
        # "0,40 (hệ số đã dùng)": the capital share used, the row the grid is centred on.
        r = next(
            r
            for r in table.rows[1:]
            if number(r.cells[0].text.split(" ")[0]) == pytest.approx(g["capital_share"])
        )
        col = headers.index(f"Khấu hao {round(g['depreciation'] * 100)}%/năm")
        assert number(r.cells[col + 1].text) == pytest.approx(g["share_tfp_pct"], abs=0.06)
    shares = [g["share_tfp_pct"] for g in tfp["sensitivity"]]
    assert max(shares) - min(shares) > 1  # the grid really varies the conclusion


def test_decree_30_layout(annual):
    _, _, path = annual
    doc = Document(path)
    s = doc.sections[0]
    assert abs(s.page_width - Cm(21)) < Cm(0.05) and abs(s.page_height - Cm(29.7)) < Cm(0.05)
    for got, want in ((s.left_margin, 3), (s.right_margin, 2), (s.top_margin, 2), (s.bottom_margin, 2)):
        assert abs(got - Cm(want)) < Cm(0.01)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.font.name}
    assert fonts <= {"Times New Roman"}
    text = all_text(doc)
    settings = load_settings("annual")
    for needle in (
        "UBND TỈNH HƯNG YÊN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SKHCN",
        "Hưng Yên, ngày      tháng      năm 2025",  # left for the clerk
        "Số:      /BC-SKHCN",
        "DỰ THẢO",
        "BÁO CÁO",
        "Nơi nhận:",
        "- Lưu: VT, TĐC.",
        settings["signer"]["authority"][-1],
        "./.",
    ):
        assert needle in text, needle
    for heading in (
        "ĐÁNH GIÁ CHUNG",
        "Tồn tại, hạn chế và nguyên nhân",
        "ĐỀ XUẤT, KIẾN NGHỊ",
        "NHIỆM VỤ TRỌNG TÂM NĂM 2026",
    ):
        assert heading in text, heading
    assert "{{" not in text and "{%" not in text
    with zipfile.ZipFile(path) as z:
        headers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        assert "PAGE" in headers  # page numbers
        assert any(n.startswith("word/media/") for n in z.namelist())  # the charts


def test_narratives_are_merged_without_source_lists(annual, catalogue):
    zones, _, path = annual
    from nscl.reporting.yeardata import load_year

    text = all_text(Document(path))
    assert "(Nguồn: " not in text
    said = set(load_year(zones, YEAR).table("narratives").query("field == 'achievements'")["text"])
    for statement in said:  # every agency's statement, once, lower-cased where a group opens it
        body = statement.rstrip(".")
        assert text.count(body) + text.count(body[0].lower() + body[1:]) == 1, statement


def test_every_run_is_a_new_version_with_manifest(annual):
    zones, exp, first = annual
    second = pipeline.write_report(YEAR, zones)
    assert first.endswith("-v001.docx") and second.endswith("-v002.docx") and Path(first).exists()
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
    m1 = json.loads(Path(first).with_suffix(".manifest.json").read_text(encoding="utf-8"))
    m2 = json.loads(Path(second).with_suffix(".manifest.json").read_text(encoding="utf-8"))
    assert m1["content_digest"] == m2["content_digest"]
    assert m1["template"]["sha256"] == hashlib.sha256(template_path("annual").read_bytes()).hexdigest()
    assert {i["sha256"] for i in m1["inputs"] if i["year"] == YEAR} == set(exp.used[YEAR].values())
    assert {i["year"] for i in m1["inputs"]} == set(range(2021, YEAR + 1))
    assert m1["code_version"] and m1["parameters"]["issued"] is None  # the clerk dates it
    assert m1["document_sha256"] == hashlib.sha256(Path(first).read_bytes()).hexdigest()


def test_date_line_follows_the_decree():
    assert date_line("Hưng Yên", dt.date(2026, 2, 5)) == "Hưng Yên, ngày 05 tháng 02 năm 2026"
    assert date_line("Hưng Yên", dt.date(2025, 6, 30)) == "Hưng Yên, ngày 30 tháng 6 năm 2025"
    assert date_line("Hưng Yên", dt.date(2025, 11, 3)) == "Hưng Yên, ngày 03 tháng 11 năm 2025"
    assert date_line("Hưng Yên", None, 2025) == "Hưng Yên, ngày      tháng      năm 2025"


def test_shipped_templates_are_valid():
    assert check_templates() == {
        "bao-cao-nam.docx": None,
        "so-ket-2021-2025.docx": None,
        "tong-ket-2021-2030.docx": None,
    }


def _edited(tmp_path, old: str, new: str) -> Path:
    """The annual template with one paragraph's text changed, as a staff edit in Word would."""
    src = template_path("annual")
    doc = Document(str(src))
    done = False
    for p in doc.paragraphs:
        if old in p.text and not done:
            text = p.text.replace(old, new)
            for r in p.runs[1:]:
                r.text = ""
            p.runs[0].text = text
            done = True
    assert done, old
    out = tmp_path / "bao-cao-nam.docx"
    doc.save(str(out))
    return out


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("{{ reporting_text }}", "{{ reporting_text }", "reporting_text"),  # unclosed
        ("{{ reporting_text }}", "{{ reporting_text | }}", "reporting_text"),  # bad expression
        ("{{ reporting_text }}", "{{ reportin_text }}", "reportin_text"),  # unknown name
        ("{{ g.name }}", "{{ g.nmae }}", "g.nmae"),  # unknown field of a row
        ("{%p endif %}", "{%p endiff %}", "endiff"),  # broken block
    ],
)
def test_a_broken_template_names_the_tag(tmp_path, old, new, named):
    bad = _edited(tmp_path, old, new)
    with pytest.raises(TemplateError) as err:
        check_template(bad, "annual")
    message = str(err.value)
    assert named in message and "bao-cao-nam.docx" in message and "đoạn" in message


def test_a_broken_template_fails_before_writing(annual, tmp_path):
    zones, _, _ = annual
    bad = _edited(tmp_path, "{{ reporting_text }}", "{{ reportin_text }}")
    before = sorted(zones.reports(YEAR).iterdir())
    with pytest.raises(TemplateError, match="reportin_text"):
        pipeline.write_report(YEAR, zones, template=str(bad))
    assert sorted(zones.reports(YEAR).iterdir()) == before


def test_check_templates_cli(tmp_path, capsys):
    from nscl.cli.main import main

    folder = tmp_path / "tpl"
    shutil.copytree(template_path("annual").parent, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    assert main(["check-templates", "--dir", str(folder)]) == 0
    shutil.copy(_edited(tmp_path, "{{ reporting_text }}", "{{ reportin_text }}"), folder / "bao-cao-nam.docx")
    assert main(["check-templates", "--dir", str(folder)]) == 1
    assert "reportin_text" in capsys.readouterr().err
