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
from nscl.store import direction
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
        direction.write_sample(zones, y)  # as 'nscl sample-data' does
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
    assert doc.tables[0].rows[1].cells[0].paragraphs[1].text == "DỰ THẢO"  # boxed under the number


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


# ---- issue 24: a report the Department would have written -----------------------------------------

ABBREVIATIONS = ("DN", "HTQLCL", "TCCS", "KHKT", "GRDP", "OCOP")  # each must be spelt out where first used


def body_text(doc) -> str:
    """Paragraphs and table cells, in document order."""
    return "\n".join(texts(doc)[0])


def later_years(text: str, year: int, catalogue) -> list[str]:
    """Years after ``year`` the text names, outside periods ("2021-2030") and outside the plan's
    targets quoted as they stand ("02 hội nghị (năm 2025 và năm 2030)")."""
    from nscl.reporting.common import target_text

    quoted = {target_text(t) for ind in catalogue.indicators.values() for t in ind.targets.values()}
    # inside a sentence's parentheses a target's own parenthesis becomes a comma
    quoted |= {q.replace(" (", ", ").replace(")", "") for q in quoted}
    for target in sorted(quoted, key=len, reverse=True):  # "02 hội nghị (năm 2025 ...)" before "02 hội nghị"
        text = text.replace(target, "")
    text = re.sub(r"20\d\d\s*[-–]\s*20\d\d", "", text)
    return sorted({m for m in re.findall(r"(?<![\d/])(20\d\d)(?![\d])", text) if int(m) > year})


def test_issue24_defect_classes(documents, catalogue):
    _, paths = documents
    problems: dict[str, list[str]] = {}
    for name, path in paths.items():
        doc = Document(path)
        whole = body_text(doc)
        year = 2025 if name == "review" else int(name.split("-")[1])
        found = []
        # time: nothing later than the report's year, and no 1 July 2025 boundary before 2025
        # (an annual report names next year for its tasks, "NHIỆM VỤ TRỌNG TÂM NĂM 2022")
        later = later_years(whole, year if name == "review" else year + 1, catalogue)
        if later:
            found.append(f"later years {later}")
        if year < 2025 and re.search(r"01/7/2025|1/7/2025|\(cũ\)|sắp xếp tổ chức bộ máy", whole):
            found.append("the 2025 restructuring spoken of before it happened")
        # wording
        if whole.count("Đẩy nhanh tiến độ") > 1:
            found.append(f"'Đẩy nhanh tiến độ' {whole.count('Đẩy nhanh tiến độ')} times")
        if year == 2021 and re.search(r"chưa \w+ thêm|chưa có thêm", whole):
            found.append("'thêm' in the plan's first year")
        if re.search(r"\(\w[^()]*\([^()]*\)[^()]*\)", whole):
            found.append("nested parentheses")
        for abbr in ABBREVIATIONS:
            m = re.search(rf"(?<![\w&]){abbr}(?!\w)", whole)
            if m and f"({abbr})" not in whole[: m.end() + 1]:
                found.append(f"abbreviation {abbr} not spelt out first")
        spaced = re.findall(r"(?<![\d/])\d{1,2} [-–] \d{1,2}(?![\d/])", whole)
        single = re.findall(r"(?<![\d/.,])[1-9]-\d{1,2}(?![\d/.,])", whole)
        if spaced or single:
            found.append(f"ranges written another way {sorted(set(spaced + single))}")
        if re.search(r"(?<!“)(ưng dụng|tổ chức tuân)", whole):  # quoted in the note that corrects them
            found.append("the plan's typo copied")
        if "còn lại đều đã gửi báo cáo" in whole:
            found.append("'còn lại' when none remain")
        # staff material stays out; charts are numbered and cited
        if "Thời hạn" in whole or "CÁC BÁO CÁO CỦA CƠ QUAN, ĐƠN VỊ ĐƯỢC SỬ DỤNG" in whole:
            found.append("the list of files received")
        captions = re.findall(r"^Biểu đồ (\d+)\. ", whole, flags=re.M)
        if [int(c) for c in captions] != list(range(1, len(captions) + 1)) or not captions:
            found.append(f"charts numbered {captions}")
        for c in captions:
            if not re.search(rf"tại Biểu đồ {c}|và Biểu đồ {c}", whole):
                found.append(f"Biểu đồ {c} not cited")
        # a status tacked on after a colon ("...: chậm tiến độ."), not a sentence
        tacked = re.findall(
            r": (?:chậm tiến độ|đúng tiến độ|đạt|vượt mục tiêu|không đạt|chưa đến kỳ|đã thực hiện năm \d{4})\.",
            whole,
        )
        if tacked:
            found.append(f"statuses tacked on after a colon {sorted(set(tacked))}")
        # how targets are judged is a note of the indicators' appendix, not of the body
        note = whole.find("Mục tiêu được coi là đạt")
        if note < 0 or note < whole.find("KẾT QUẢ CÁC CHỈ TIÊU"):
            found.append("the rule note missing or in the body")
        # a body renamed in 2025 by the name it had in the report's year
        if year < 2025 and "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia" in whole:
            found.append("the national committee named before it existed")
        if year < 2025 and "Tổng cục Tiêu chuẩn Đo lường Chất lượng" not in whole:
            found.append("the Directorate not among the recipients")
        # the body says "Ủy ban nhân dân tỉnh"; "UBND tỉnh" only in "Nơi nhận" (a table cell)
        paras = [p.text for p in doc.paragraphs]
        if any(re.search(r"(?<![\w/-])UBND(?![\w/-])", t) for t in paras):  # not in "101/KH-UBND"
            found.append("'UBND' in the body")
        if "đúng bằng kết quả nêu tại bảng trên" in whole:
            found.append("the tool checking itself in the TFP note")
        if re.search(r"(?<!chính quyền địa phương )cấp huyện kết thúc hoạt động", whole):
            found.append("'cấp huyện kết thúc hoạt động' (the district level of local government)")
        # the coordinators' column names at most four agencies, never "và N cơ quan, đơn vị khác"
        names = sorted({a.name for a in catalogue.agencies.values()}, key=len, reverse=True)
        for t in doc.tables:
            head = [c.text for c in t.rows[0].cells]
            if "Cơ quan phối hợp" in head:
                col = head.index("Cơ quan phối hợp")
                for r in t.rows[1:]:
                    cell = r.cells[col].text
                    named = 0
                    for n in names:
                        if n in cell:
                            named += 1
                            cell = cell.replace(n, "")
                    if named > 4 or "cơ quan, đơn vị khác" in r.cells[col].text:
                        found.append(f"task {r.cells[0].text}: {named} coordinators named")
        # scope said in the notes of the activity tables (funds, enterprises) from the merger on
        notes = whole.count("Ghi chú: Số liệu do các cơ quan, đơn vị thuộc diện báo cáo gửi")
        if (year >= 2025 and notes < 2) or (year < 2025 and notes):
            found.append(f"{notes} scope notes under the tables")
        # the review looks back: a return sent back years ago is not "waiting"
        if name == "review" and "chờ sửa" in whole:
            found.append("'chờ sửa' for closed years")
        if found:
            problems[name] = found
    assert not problems, problems


def test_issue24_first_year_has_no_second_equal_column(documents):
    """In the plan's first year the figure to date is the year's: one column, not two equal ones."""
    _, paths = documents
    for name, first in (("annual-2021", True), ("annual-2022", False)):
        doc = Document(paths[name])
        table = next(t for t in doc.tables if "Chỉ tiêu" in [c.text for c in t.rows[0].cells])
        head = [c.text for c in table.rows[0].cells]
        cumulative = [h for h in head if h.startswith("Lũy kế")]
        assert (not cumulative) if first else cumulative, head


def test_issue24_the_review_does_not_retype_section_two(documents, catalogue):
    """ "Kết quả đạt được" of the review counts the targets met by group and names only those
    exceeded: an indicator merely met is not listed again with its figures (section II has them)."""
    from nscl.analysis.indicators import progress as progress_of
    from nscl.reporting.yeardata import indicator_values, load_year, tfp_measured

    zones, paths = documents
    review = " ".join(body_text(Document(paths["review"])).split())
    part = review[review.index("1. Kết quả đạt được") : review.index("2. Tồn tại, hạn chế")]
    data = [load_year(zones, y) for y in YEARS]
    p1 = progress_of(catalogue, 2025, indicator_values(data), tfp_measured(data), organisations(data))
    met = [p for p in p1 if p.phase_target is not None and p.phase_status == "Đạt"]
    over = [p for p in p1 if p.phase_target is not None and p.phase_status == "Vượt mục tiêu"]
    assert met
    bare = lambda n: re.sub(r"\s*\([^()]*\)", "", n)[0].lower() + re.sub(r"\s*\([^()]*\)", "", n)[1:]  # noqa: E731
    for p in met:
        assert bare(p.indicator.name) not in part, p.indicator.name
    for p in over:
        assert bare(p.indicator.name) in part, p.indicator.name


def test_issue24_section_one_names_the_register_in_date_order(documents):
    """Section I names every act of the year's register, in date order, before who reported."""
    from nscl.reporting.sections import doc_date

    zones, paths = documents
    for y in YEARS:
        whole = body_text(Document(paths[f"annual-{y}"]))
        section = whole[whole.index("I. CÔNG TÁC CHỈ ĐẠO") : whole.index("II. KẾT QUẢ THỰC HIỆN")]
        # every act of direction; the Ministry's letter asking for the report opens the report
        entries = sorted((e for e in direction.load(zones, y) if e.kind != "request"), key=lambda e: e.date)
        assert entries
        places = [section.index(f"{e.number} ngày {doc_date(e.day)}" if e.number else f"Ngày {doc_date(e.day)}, {e.body}")
                  for e in entries]  # fmt: skip
        assert places == sorted(places)
        assert section.index("thuộc diện báo cáo") > places[-1]
        # the Ministry's letter asking for the report is cited in the opening sentence, not in I
        asks = [e for e in direction.load(zones, y) if e.kind == "request"]
        opening = whole[: whole.index("I. CÔNG TÁC CHỈ ĐẠO")]
        assert asks and all(f"số {e.number} ngày {doc_date(e.day)} của {e.body}" in opening for e in asks)
        assert not any(e.number in section for e in asks)


def test_issue24_the_review_synthesises_and_never_copies_a_year(documents, catalogue):
    from nscl.analysis.indicators import progress as progress_of
    from nscl.reporting.yeardata import indicator_values, load_year, tfp_measured

    zones, paths = documents
    review = body_text(Document(paths["review"]))
    # no narrative sentence of any year's report stands verbatim in the review, except the last
    # year's own next tasks carried into the next phase's (the review drafts them from that year:
    # the Department's commitments, the agencies' next-year tasks)
    part = lambda w, a, b: w[w.index(a) : w.index(b)]  # noqa: E731
    review_tasks = part(review, "IV. NHIỆM VỤ TRỌNG TÂM", "V. ĐỀ XUẤT")
    for y in YEARS:
        annual = part(body_text(Document(paths[f"annual-{y}"])), "III. ĐÁNH GIÁ CHUNG", "Trên đây là")
        carried = part(annual, "IV. NHIỆM VỤ TRỌNG TÂM", "V. ĐỀ XUẤT") if y == YEARS[-1] else ""
        for line in annual.splitlines():
            line = line.strip("- ").strip()
            if len(line) > 60 and not line.startswith(("III.", "IV.", "V.", "1.", "2.", "Đề nghị")):
                if line in carried:
                    assert line not in review.replace(review_tasks, ""), (y, line)
                    continue
                assert line not in review, (y, line)
    assessment = part(review, "III. ĐÁNH GIÁ CHUNG", "Trên đây là")
    for heading in ("Bài học kinh nghiệm", "Nguyên nhân khách quan", "Nguyên nhân chủ quan"):
        assert heading in assessment
    # every ten-year indicator still open is in the next phase's direction, with its figure
    data = [load_year(zones, y) for y in YEARS]
    final = progress_of(catalogue, 2025, indicator_values(data), tfp_measured(data), organisations(data))
    still_open = [p for p in final if p.ten_year_target and p.ten_year_status not in ("Đạt", "Vượt mục tiêu")]
    assert len(still_open) >= 3
    tasks = part(assessment, "IV. NHIỆM VỤ TRỌNG TÂM", "V. ĐỀ XUẤT")
    flat = " ".join(tasks.split())
    for p in still_open:
        name = re.sub(r"\s*\([^()]*\)", "", p.indicator.name)
        name = name[0].lower() + name[1:]
        assert f"{name} (đạt " in flat, name
    behind = [p for p in still_open if p.ten_year_status == "Chậm tiến độ"]
    assert behind and all(f"{re.sub(r'[(].*', '', p.indicator.name[1:]).strip()}" in flat for p in behind)
    # the first phase: achieved count as the figures give it
    p1 = progress_of(catalogue, 2025, indicator_values(data), tfp_measured(data), organisations(data))
    with_target = [p for p in p1 if p.phase_target is not None]
    ok = sum(p.phase_status in ("Đạt", "Vượt mục tiêu") for p in with_target)
    assert f"{ok:02d}/{len(with_target):02d} chỉ tiêu" in " ".join(assessment.split())


def test_issue24_the_2021_returns_speak_of_2021_and_nothing_is_withheld(documents):
    """The sample's 2021 narratives are of their year (the plan issued, COVID-19): no statement is
    withheld for naming a later year or event. That a later sentence goes to staff, not into the
    document, is tests/unit/test_narrative_time.py."""
    import json

    _, paths = documents
    manifest = json.loads(
        open(paths["annual-2021"].replace(".docx", ".manifest.json"), encoding="utf-8").read()
    )
    assert not [item for item in manifest["open_items"] if "không đưa vào báo cáo" in item]
    body = body_text(Document(paths["annual-2021"]))
    assert "sắp xếp tổ chức bộ máy" not in body and "COVID-19" in body


def test_issue24_chart_labels_are_never_cut(documents, catalogue):
    from nscl.analysis.indicators import progress as progress_of
    from nscl.reporting.charts import indicator_labels
    from nscl.reporting.yeardata import indicator_values, load_year, tfp_measured

    zones, _ = documents
    for y in (2021, 2025):
        data = [load_year(zones, x) for x in range(2021, y + 1)]
        labels = indicator_labels(progress_of(catalogue, y, indicator_values(data), tfp_measured(data)))
        assert labels and not [label for label in labels if "…" in label or "..." in label]
