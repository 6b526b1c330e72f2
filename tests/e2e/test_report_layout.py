"""The layout holds whatever the text, page by page in the PDF LibreOffice makes of each generated
document (the annual report 2025 and the 2021-2025 review, draft and approved, with short and
long staff texts): no page that holds nothing but its number and the draft mark; "DỰ THẢO" on
every page of a draft (boxed on page 1, in the header of the others, appendices included) and on
none once approved, with the same pages (taking the mark away moves nothing); appendices I, II,
III ... each starting a page, in order, cited exactly; no caption left alone at the foot of a
page; the data period on page 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nscl.orchestration import pipeline
from nscl.reporting import render as report
from nscl.reporting.appendices import APPENDICES, ref
from nscl.reporting.build import prepare
from nscl.reporting.docx_layout import keep_ends_together
from nscl.store import editorial
from nscl.store.zones import Zones
from test_report_data import build
from test_report_editorial import approve

YEAR = 2025
MARK = "DỰ THẢO"
pytestmark = pytest.mark.skipif(not report.soffice(), reason="LibreOffice not installed")


class Page(str):
    """A page's text, and how many images (charts) it shows."""

    images: int = 0


def pages(docx: str) -> list[Page]:
    from pypdf import PdfReader

    out = []
    for p in PdfReader(Path(docx).with_suffix(".pdf")).pages:
        page = Page(p.extract_text() or "")
        page.images = len(p.images)
        out.append(page)
    return out


def lines(page: str) -> list[str]:
    """The page's text lines without its page number and draft mark (the header)."""
    out = [x.replace(MARK, "").strip() for x in page.splitlines()]
    return [x for x in out if x and not x.isdigit()]


def defects(docs: list[Page], kind: str, draft: bool) -> list[str]:
    found = []
    titles = []
    for n, page in enumerate(docs, start=1):
        body = lines(page)
        if not body:
            found.append(f"page {n} holds nothing but its number")
            continue
        if draft and MARK not in page:
            found.append(f"page {n} without {MARK}")
        if not draft and MARK in page:
            found.append(f"page {n} still says {MARK}")
        if re.match(r"^Bảng \d+[a-z]?\. ", body[-1]):
            found.append(f"page {n} ends with the caption {body[-1][:40]!r}")
        if re.fullmatch(r"Biểu đồ \d+", body[0]) and not getattr(page, "images", 1):
            found.append(f"page {n} starts with the caption {body[0]!r}, its chart on the page before")
        for i, line in enumerate(body):
            m = re.fullmatch(r"Phụ lục ([IVX]+)", line)
            if m:
                titles.append(m.group(1))
                if i != 0:
                    found.append(f"appendix {line} does not start page {n}")
    want = [ref(kind, k).split()[-1] for k in APPENDICES[kind]]
    if titles != want:
        found.append(f"appendices {titles}, expected {want}")
    whole = "\n".join(docs)
    if re.search(r"Phụ lục \d", whole):
        found.append("an appendix cited with an Arabic number")
    if not re.search(rf"tại\s+{ref(kind, 'tasks')}\b", whole):
        found.append("the per-task appendix not cited by its number")
    if re.search(r"tại\s+phụ lục\b", whole):
        found.append("an appendix cited without its number")
    for label in ("Bảng", "Biểu đồ"):  # one sequence each, 1, 2, 3 ... in order
        numbers = [int(n) for n in re.findall(rf"^{label} (\d+)(?:\.|$)", whole, re.M)]
        if numbers != list(range(1, len(numbers) + 1)):
            found.append(f"{label} numbered {numbers}")
    for n, page in enumerate(docs, start=1):
        body = lines(page)
        # the closing sentence takes at least the last paragraph along: never a page holding
        # only the closing and the signature
        if body and body[0].startswith("Trên đây là báo cáo"):
            found.append(f"page {n} starts with the closing sentence")
        # a table's last row never stands alone under its repeated header
        if body and body[0].startswith("STT") and len(body) <= 3 and n == len(docs):
            found.append(f"page {n}: a table's last row alone")
    if "Số liệu tính đến ngày" not in docs[0]:
        found.append("no data period on page 1")
    return found


def words(page: str) -> list[str]:
    return page.replace(MARK, " ").split()


@pytest.fixture(autouse=True)
def with_pdf(monkeypatch):
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")  # the test suite turns the PDF off by default


@pytest.fixture(scope="module")
def zones(tmp_path_factory, catalogue):
    z = Zones(tmp_path_factory.mktemp("layout") / "data")
    build(z, catalogue, range(2021, YEAR + 1))
    return z


def make(zones, catalogue, kind: str) -> str:
    if kind == "annual":
        return pipeline.write_report(YEAR, zones, catalogue)
    return pipeline.write_review(kind, zones, catalogue)


@pytest.mark.parametrize("kind", ["annual", "mid-term"])
def test_draft_and_approved_pages_are_the_same_and_sound(zones, catalogue, kind):
    editorial.set_signer(zones, YEAR, kind, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn Minh", "x y")
    draft = pages(make(zones, catalogue, kind))
    assert not defects(draft, kind, draft=True)
    approve(zones, kind=kind)
    final = pages(make(zones, catalogue, kind))
    assert not defects(final, kind, draft=False)
    assert len(final) == len(draft)
    for n, (a, b) in enumerate(zip(draft, final, strict=True), start=1):
        assert words(a) == words(b), f"page {n} changed when the draft mark was taken away"
    editorial.withdraw(zones, YEAR, kind, "x y")


@pytest.mark.parametrize("extra", [0, 14, 33])
def test_short_and_long_staff_texts_leave_no_empty_page(zones, catalogue, extra):
    """The staff's text of a section from one line to more than a page: the signature, the
    section break before the landscape appendices and the appendices move, no page is empty."""
    draft = prepare(zones, catalogue, YEAR).draft["achievements"]
    text = draft[:1] + [f"Nội dung bổ sung thứ {i + 1} của cán bộ biên tập." for i in range(extra)]
    editorial.save_section(zones, YEAR, "annual", "achievements", text, "Trần Thị B")
    doc = pages(make(zones, catalogue, "annual"))
    assert not defects(doc, "annual", draft=True)


def _table_document(rows: int, path: Path) -> Path:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=rows + 1, cols=3)
    table.style = "Table Grid"
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cell.text = ("STT", "Cơ quan, đơn vị", "Tình trạng")[j] if i == 0 else f"{i} dòng {j}"
    keep_ends_together(doc)
    doc.save(str(path))
    return path


def _rows_per_page(pdf: Path) -> list[int]:
    from pypdf import PdfReader

    return [
        len(re.findall(r"^\d+ dòng 0", p.extract_text() or "", flags=re.M)) for p in PdfReader(pdf).pages
    ]


def test_a_long_table_never_leaves_its_last_row_alone(tmp_path):
    """A table one row longer than a page holds: without the rule its last row would stand alone
    on the next page; with it, the last two rows go over together (the test measures how many
    rows a page holds, then makes the table one row longer)."""
    pdf, why = report.convert_to_pdf(_table_document(80, tmp_path / "a.docx"), tmp_path / "a")
    assert pdf, why
    per_page = _rows_per_page(pdf)[0]
    pdf, why = report.convert_to_pdf(_table_document(per_page + 1, tmp_path / "b.docx"), tmp_path / "b")
    assert pdf, why
    pages = _rows_per_page(pdf)
    assert sum(pages) == per_page + 1
    assert pages[-1] >= 2, pages
