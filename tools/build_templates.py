"""Writes the shipped default report templates (templates/*.docx) with python-docx.

A developers' tool: the pipeline never runs it. Staff never edit the shipped defaults; they
edit their own copies in the data folder (``nscl templates-export`` makes them, and a report
is filled from the staff's copy where one exists: ``nscl.reporting.templates``). Regenerating
the defaults therefore never touches a staff template; ``nscl check-templates`` tells staff
when a new default uses data their copy does not:

    python tools/build_templates.py [--out DIR]      # default: the repository's templates/

Layout follows Decree 30/2020/NĐ-CP (Appendix I): A4 portrait; margins top/bottom 20 mm, left
30 mm, right 20 mm; Times New Roman; two-column header (parent body 12 pt upper case, issuing
body 12 pt bold upper case with a short rule beneath; national name 12 pt bold upper case,
motto 13 pt bold with a rule of its length beneath); "Số: .../BC-SKHCN" 13 pt; place and date
14 pt italic; document type "BÁO CÁO" 14 pt bold and its summary 14 pt bold; body 14 pt
justified, first-line indent 1.27 cm, single spacing, 6 pt between paragraphs; "Nơi nhận:"
12 pt bold italic with recipients 11 pt; signature authority and name 14 pt bold; page number
13 pt centred in the top margin from page 2. Tags: see docs/reports.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from nscl.analysis.tfp import DEFAULT_SENSITIVITY_DEPRECIATIONS
from nscl.labels import STATE_LABELS
from nscl.reporting.appendices import ref
from nscl.reporting.common import PLAN_CORRECTIONS_NOTE

FONT = "Times New Roman"
BODY_PT = 14
HERE = Path(__file__).resolve().parents[1] / "templates"
PLAN = (
    "Kế hoạch số 101/KH-UBND ngày 30/6/2021 của Ủy ban nhân dân tỉnh về thực hiện Chương trình quốc gia "
    "hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng hóa giai đoạn 2021-2030 trên "
    "địa bàn tỉnh Hưng Yên"
)


# ---- low-level helpers -----------------------------------------------------------------------


def _fonts(rpr_owner) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance = Cm(1)
    section.footer_distance = Cm(1)
    for name in ("Normal", "Table Grid", "Header", "Footer"):
        style = doc.styles[name]
        style.font.name = FONT
        _fonts(style.element)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.0
    # Page number: centred in the top margin, not on the first page; "DỰ THẢO" at the right of
    # the same line on every page after the first (page 1 has it boxed under the number).
    section.different_first_page_header_footer = True
    page_header(section, 16.0)
    # Fixed properties: the same inputs give the same document.
    props = doc.core_properties
    props.author = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    props.title = "Mẫu báo cáo Kế hoạch 101/KH-UBND"
    props.created = props.modified = dt.datetime(2021, 6, 30)
    props.last_modified_by = "nscl"
    props.revision = 1
    return doc


def page_header(section, width_cm: float) -> None:
    """The section's page header: one line, the page number centred, the draft mark at the right
    (an empty run once approved: the line and so the pagination stay the same)."""
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_after = Pt(0)
    tabs = OxmlElement("w:tabs")
    # The "Header" style's own stops (python-docx's default: 8.25 and 16.5 cm) are cleared.
    stops = [("clear", 4680), ("clear", 9360)]
    stops += [("center", int(width_cm / 2 * 567)), ("right", int(width_cm * 567))]
    for val, pos in sorted(stops, key=lambda x: x[1]):
        t = OxmlElement("w:tab")
        t.set(qn("w:val"), val)
        t.set(qn("w:pos"), str(pos))
        tabs.append(t)
    ppr = p._p.get_or_add_pPr()
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(tabs)  # w:tabs comes early in w:pPr (before w:spacing and w:jc)
    else:
        ppr.insert(0, tabs)
    run = p.add_run("\t")
    run.font.size = Pt(13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run("\t").font.size = Pt(13)
    mark = p.add_run("{{ draft_mark }}")
    mark.font.size, mark.bold = Pt(11), True


def box(run) -> None:
    """A border around the run's text (a character border: none when the text is empty)."""
    bdr = OxmlElement("w:bdr")
    for k, v in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"), ("w:color", "auto")):
        bdr.set(qn(k), v)
    run._r.get_or_add_rPr().append(bdr)


def para(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    indent: bool = False,
    after: float = 6,
    before: float = 0,
    keep_next: bool = False,
):
    p = container.add_paragraph()
    p.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    pf = p.paragraph_format
    pf.space_after, pf.space_before = Pt(after), Pt(before)
    pf.line_spacing = 1.0
    if indent:
        pf.first_line_indent = Cm(1.27)
    if keep_next:
        pf.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic = bold, italic
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); docxtpl removes it."""
    return para(container, text, after=0, align="left")


def rule(container, left_cm: float, right_cm: float) -> None:
    """A horizontal rule: an empty 2 pt paragraph with a bottom border, as wide as its container
    less the indents (the decree's lines under the issuing body, the motto and the summary)."""
    p = container.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run().font.size = Pt(2)
    pf = p.paragraph_format
    pf.left_indent, pf.right_indent = Cm(left_cm), Cm(right_cm)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def landscape(doc) -> None:
    """From here on, A4 landscape pages (the wide appendix tables), with their own page header
    (the draft mark on every page of the appendices too, which are often circulated alone).

    The paragraph that carries the section break (python-docx adds it after the signature
    table) is 1 pt high, exactly, with no spacing: a normal-height empty paragraph after a
    signature that ends at the foot of a page fell onto a page of its own (a blank page)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    carrier = doc.paragraphs[-1]
    carrier_pf = carrier.paragraph_format
    carrier_pf.space_before = carrier_pf.space_after = Pt(0)
    carrier_pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    carrier_pf.line_spacing = Pt(1)
    ppr = carrier._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")  # the paragraph mark 1 pt too (w:rPr goes before w:sectPr)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    rpr.append(sz)
    ppr.find(qn("w:sectPr")).addprevious(rpr)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(2), Cm(2)
    section.different_first_page_header_footer = False
    section.header.is_linked_to_previous = False
    page_header(section, 25.7)


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(w * 567)))
    for r in table.rows:
        for cell, w in zip(r.cells, widths_cm, strict=True):
            cell.width = Cm(w)


def cell_text(cell, text: str, *, size: float, bold: bool = False, italic: bool = False, align: str = "left"):
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    return p


def data_table(
    doc,
    loop: str,
    columns: list[tuple[str, str, float]],
    *,
    size: float = 11,
    keep: bool = True,
    footer: str | None = None,
):
    """A bordered table: a header row, then one row repeated for each item of ``loop``.
    ``columns``: (header text, Jinja expression of the cell, width in cm). The header row repeats
    on every page and stays with the first row (never a caption and header alone at a page's
    foot); no row splits across pages; ``keep``: the whole table on one page with its caption
    (the short tables of the body; an appendix's long table runs on from its title). ``footer``:
    a note in a last row across the table, which so never stands alone on a page (a paragraph
    after a table does: LibreOffice keeps no table row with the paragraph that follows)."""
    assert size >= 10, "table text is at least 10 pt (issue 12)"
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, start, body, end = table.rows
    for cell, (title, _, _) in zip(head.cells, columns, strict=True):
        cell_text(cell, title, size=size, bold=True, align="center")
    # Repeat the header row on every page.
    trpr = head._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    # A row of a short table is never split across two pages; a row of a long appendix (a task's
    # results, its coordinators) may be taller than a page, and a row that may not split is cut
    # off at the page's foot (LibreOffice printed "UBND xã Khoái Châu" nowhere).
    if keep:
        body._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell_text(start.cells[0], f"{{%tr for r in {loop} %}}", size=size)
    for cell, (_, expr, _) in zip(body.cells, columns, strict=True):
        numeric = not any(
            k in expr
            for k in (
                "name",
                "content",
                "agency",
                "lead",
                "product",
                "result",
                "status",
                "target",
                "source",
                "label",
                "includes",
                "file",
                "locality",
                "support_type",
                "unit",
                "timeliness",
                "state",
                "version",
                "period",
                "coordination",
            )
        )
        cell_text(cell, f"{{{{ {expr} }}}}", size=size, align="center" if numeric else "left")
    cell_text(end.cells[0], "{%tr endfor %}", size=size)
    if footer:
        note = table.add_row()
        merged = note.cells[0].merge(note.cells[-1])
        cell_text(merged, footer, size=size, italic=True)
        note._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    head._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for row in (head, body) if keep else (head,):
        for cell in row.cells:
            for q in cell.paragraphs:
                q.paragraph_format.keep_with_next = True
    set_widths(table, [w for _, _, w in columns])
    para(doc, "", after=0)
    return table


def caption(doc, text: str) -> None:
    para(doc, text, size=13, bold=True, align="center", after=4, before=6, keep_next=True)


def heading(doc, text: str) -> None:
    para(doc, text, bold=True, align="justify", after=6, before=6, indent=True, keep_next=True)


def bullets(doc, loop: str, prefix: str = "- ") -> None:
    tag(doc, f"{{%p for line in {loop} %}}")
    para(doc, f"{prefix}{{{{ line }}}}", indent=True)
    tag(doc, "{%p endfor %}")


def image(doc, name: str, number: int, title: str) -> None:
    """A chart, numbered beneath with its title ("Biểu đồ 1. ..."; charts numbered in one
    sequence), the two kept on one page."""
    tag(doc, f"{{%p if {name} %}}")
    para(doc, f"{{{{ {name} }}}}", align="center", after=0, keep_next=True)
    para(doc, f"Biểu đồ {number}. {title}", size=13, bold=True, align="center", after=6)
    tag(doc, "{%p endif %}")


# ---- the parts every report shares ---------------------------------------------------------------


def header_block(doc) -> None:
    table = doc.add_table(rows=2, cols=2)
    no_borders(table)
    # 17 cm, 0.5 cm into the left margin: the national name (12 pt bold) needs about 8.8 cm and
    # the issuing body about 6.5 cm on one line each.
    set_widths(table, [7.0, 10.0])
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(-283))
    ind.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(ind)
    left, right = table.rows[0].cells
    left.text = right.text = ""
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    p.add_run("{{ parent_body }}").font.size = Pt(12)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    r = p.add_run("{{ issuing_body }}")
    r.bold, r.font.size = True, Pt(12)
    rule(left, 2.2, 2.2)  # about 1/3 of the line above
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    r = p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r.bold, r.font.size = True, Pt(12)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    r = p.add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(13)
    rule(right, 2.0, 2.0)  # as long as the motto
    left, right = table.rows[1].cells
    cell_text(left, "Số:      /{{ symbol }}", size=13, align="center")
    left.paragraphs[0].paragraph_format.space_before = Pt(6)
    # "DỰ THẢO" boxed under the number and symbol until staff approve the content; approved, the
    # run is empty and so is its box, and the paragraph keeps its height: nothing moves.
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(6), Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(18)
    r = p.add_run("{{ draft_mark }}")
    r.bold, r.font.size = True, Pt(13)
    box(r)
    cell_text(right, "{{ date_line }}", size=14, italic=True, align="center")
    right.paragraphs[0].paragraph_format.space_before = Pt(6)
    para(doc, "", after=0)


def title_block(doc, summary: str) -> None:
    para(doc, "BÁO CÁO", bold=True, align="center", after=0, before=12)
    para(doc, summary, bold=True, align="center", after=0)
    rule(doc, 6.0, 6.0)
    # The date the figures run to, and whether the year's figures are estimates (not yet over).
    tag(doc, "{%p if data_period %}")
    para(doc, "({{ data_period }})", italic=True, align="center", size=13, after=0, before=4)
    tag(doc, "{%p endif %}")
    para(doc, "", after=6)


def signature_block(doc, closing: str) -> None:
    para(doc, closing, indent=True)
    # The closing sentence, "Nơi nhận" and the signature stay together on one page: the row
    # never splits, and the sentence keeps with it.
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, [9.2, 6.8])  # "Nơi nhận" lines as long as the national committee's name
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    left.text = right.text = ""
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for text in ("{%p for item in recipients %}", "- {{ item }}", "{%p endfor %}"):
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        q.add_run(text).font.size = Pt(11)
    p = right.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.add_run("{%p for a in signer_authority %}")
    q = right.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    q.paragraph_format.space_after = Pt(0)
    r = q.add_run("{{ a }}")
    r.bold, r.font.size = True, Pt(14)
    right.add_paragraph().add_run("{%p endfor %}")
    for _ in range(4):
        right.add_paragraph().paragraph_format.space_after = Pt(0)
    q = right.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = q.add_run("{{ signer_name }}")
    r.bold, r.font.size = True, Pt(14)


def appendix_title(doc, kind: str, key: str, title: str, new_page: bool = True) -> None:
    """The appendix's title, numbered from ``nscl.reporting.appendices`` (I, II, III ...)."""
    para(doc, ref(kind, key), bold=True, align="center", after=0, keep_next=True)
    if new_page:
        # "Page break before" on the title itself, not a paragraph holding a break: after a table
        # that fills its page, that paragraph would fall on a page of its own (a blank page).
        doc.paragraphs[-1].paragraph_format.page_break_before = True
    para(doc, title, bold=True, align="center", after=0, keep_next=True)
    para(
        doc,
        "(Kèm theo Báo cáo số      /{{ symbol }} {{ date_words }} của {{ issuing_name }})",
        italic=True,
        align="center",
        size=13,
        after=8,
        keep_next=True,
    )


def groups_section(doc) -> None:
    tag(doc, "{%p for g in groups %}")
    heading(doc, "{{ g.numeral }}. {{ g.name }}")
    tag(doc, "{%p for line in g.lines %}")
    para(doc, "- {{ line }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if g.tasks_text %}")
    para(doc, "{{ g.tasks_text }}", indent=True, italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def direction_block(doc) -> None:
    """Section I: the acts of direction of the year (or the period) from the direction register."""
    tag(doc, "{%p if direction_intro %}")
    para(doc, "{{ direction_intro }}", indent=True)
    tag(doc, "{%p endif %}")
    bullets(doc, "direction")


def tfp_block(doc, number: int, chart: int) -> None:
    """The TFP table (Bảng ``number``), its chart (Biểu đồ ``chart``) and the sensitivity table
    (Bảng ``number`` + 1): tables and charts numbered in one sequence each."""
    tag(doc, "{%p if tfp_available %}")
    para(
        doc,
        "Mức đóng góp của vốn, lao động và năng suất các nhân tố tổng hợp vào tốc độ tăng tổng sản phẩm "
        f"trên địa bàn tỉnh (GRDP) tại Bảng {number} và Biểu đồ {chart}.",
        indent=True,
    )
    caption(doc, f"Bảng {number}. Tốc độ tăng GRDP và đóng góp của vốn, lao động, TFP")
    data_table(
        doc,
        "tfp_rows",
        [
            ("Năm, giai đoạn", "r.period", 3.4),
            ("Tăng GRDP (%)", "r.growth", 2.4),
            ("Vốn (điểm %)", "r.capital", 2.4),
            ("Lao động (điểm %)", "r.labour", 2.6),
            ("TFP (điểm %)", "r.tfp", 2.4),
            ("Tỷ trọng TFP (%)", "r.share", 2.8),
        ],
        size=11,
    )
    image(doc, "chart_tfp", chart, "Đóng góp của vốn, lao động và TFP vào tăng trưởng GRDP")
    tag(doc, "{%p if sensitivity_rows %}")
    caption(
        doc,
        f"Bảng {number + 1}. Độ nhạy: tỷ trọng đóng góp của TFP vào tăng trưởng (%) theo hệ số vốn và tỷ lệ khấu hao",
    )
    data_table(
        doc,
        "sensitivity_rows",
        [("Hệ số co giãn của vốn", "r.capital_share", 4.0)]
        + [
            (f"Khấu hao {int(round(d * 100))}%/năm", f"r.d{i}", 2.9)
            for i, d in enumerate(DEFAULT_SENSITIVITY_DEPRECIATIONS, start=1)
        ],
        size=11,
    )
    para(doc, "{{ sensitivity_note }}", indent=True, italic=True, size=13)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    para(doc, "{{ tfp_note }}", indent=True, italic=True, size=13)
    tag(doc, "{%p if sti_text %}")
    para(doc, "{{ sti_text }}", indent=True)
    tag(doc, "{%p endif %}")


def assessment(doc, numbering: tuple[str, str, str], lessons: bool = False) -> None:
    """Sections III-V; a review adds its lessons learnt (bài học kinh nghiệm) to III."""
    a, b, c = numbering
    heading(doc, f"{a}. ĐÁNH GIÁ CHUNG")
    heading(doc, "1. Kết quả đạt được")
    bullets(doc, "achievements")
    heading(doc, "2. Tồn tại, hạn chế và nguyên nhân")
    bullets(doc, "difficulties")
    if lessons:
        heading(doc, "3. Bài học kinh nghiệm")
        bullets(doc, "lessons")
    heading(doc, f"{b}. NHIỆM VỤ TRỌNG TÂM {{{{ next_period|upper }}}}")
    bullets(doc, "next_tasks")
    heading(doc, f"{c}. ĐỀ XUẤT, KIẾN NGHỊ")
    bullets(doc, "proposals")


ENTERPRISE_COLUMNS = [
    ("STT", "r.stt", 1.2),
    ("Tên tổ chức, doanh nghiệp", "r.name", 6.0),
    ("Mã số thuế", "r.tax_code", 2.8),
    ("Địa bàn", "r.locality", 3.2),
    ("Nội dung hỗ trợ", "r.support_type", 4.3),
    ("Kinh phí (triệu đồng)", "r.funding", 2.6),
    ("Cơ quan báo cáo", "r.agency", 5.6),
]
# Landscape pages: 25.7 cm between the margins.
TASK_COLUMNS = [
    ("STT", "r.stt", 1.2),
    ("Nội dung công việc", "r.content", 4.4),
    ("Cơ quan chủ trì", "r.lead", 2.8),
    ("Sản phẩm theo Kế hoạch", "r.product", 2.8),
    ("Kết quả của cơ quan chủ trì", "r.result", 6.0),
    ("Cơ quan phối hợp", "r.coordination", 4.6),
    ("Tình trạng", "r.status", 3.9),
]


# ---- the three documents -------------------------------------------------------------------------


def scope(doc) -> None:
    tag(doc, "{%p if scope_note %}")
    para(doc, "{{ scope_note }}", indent=True, italic=True)
    tag(doc, "{%p endif %}")


def table_note(doc) -> None:
    """Whose figures a table of activity holds, from the merger's year on (empty before)."""
    tag(doc, "{%p if table_scope_note %}")
    para(doc, "Ghi chú: {{ table_scope_note }}", italic=True, size=11, indent=True)
    tag(doc, "{%p endif %}")


def indicator_chart(doc, number: int) -> None:
    """The chart of the indicators against the ten-year targets, drawn for the appendix's
    landscape page, one line a label (in the portrait body, as tall as it was, it left half a page
    empty before it)."""
    tag(doc, "{%p if chart_indicators %}")
    para(doc, "{{ chart_indicators }}", align="center", after=0, keep_next=True)
    para(
        doc,
        f"Biểu đồ {number}. Tiến độ thực hiện các chỉ tiêu so với mục tiêu 2021-2030",
        size=13,
        bold=True,
        align="center",
        after=6,
    )
    tag(doc, "{%p endif %}")


# How a target is judged: the last row of the indicators' table in the appendix, where the
# statuses are read (not in the report's body).
RULE_FOOTER = "Ghi chú: {{ rule_note }}"


def indicator_columns(cumulative: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    return [
        ("STT", "r.stt", 1.1),
        ("Chỉ tiêu", "r.name", 7.0),
        ("Đơn vị tính", "r.unit", 2.2),
    ] + cumulative


def annual() -> Document:
    doc = new_document()
    header_block(doc)
    title_block(doc, f"Kết quả thực hiện {PLAN} năm {{{{ year }}}}")
    para(
        doc,
        f"Thực hiện {PLAN}{{{{ request_text }}}}, {{{{ issuing_name }}}} báo cáo kết quả thực hiện năm {{{{ year }}}} như sau:",
        indent=True,
    )
    heading(doc, "I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN")
    direction_block(doc)
    para(doc, "{{ reporting_text }}", indent=True)
    scope(doc)
    heading(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CỦA KẾ HOẠCH")
    groups_section(doc)
    heading(doc, "6. Tổng hợp các chỉ tiêu so với mục tiêu của Kế hoạch")
    para(
        doc,
        f"Kết quả từng chỉ tiêu năm {{{{ year }}}} và lũy kế so với mục tiêu của Kế hoạch tại {ref('annual', 'indicators')}; tiến độ "
        f"thực hiện so với mục tiêu 10 năm tại Biểu đồ 2 ({ref('annual', 'indicators')}).",
        indent=True,
    )
    heading(doc, "7. Hỗ trợ tổ chức, doanh nghiệp và kinh phí thực hiện")
    para(doc, "{{ enterprises_text }}", indent=True)
    caption(doc, "Bảng 1. Số lượt hỗ trợ tổ chức, doanh nghiệp theo nội dung hỗ trợ")
    data_table(
        doc, "enterprises_by_type", [("Nội dung hỗ trợ", "r.label", 11.0), ("Số lượt", "r.count", 3.0)]
    )
    caption(doc, "Bảng 2. Kinh phí thực hiện Kế hoạch năm {{ year }} theo nguồn (triệu đồng)")
    data_table(
        doc, "budget", [("Nguồn kinh phí", "r.source", 11.0), ("Kinh phí", "r.value", 4.0)]
    )
    table_note(doc)
    heading(doc, "8. Đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế của tỉnh")
    tfp_block(doc, 3, 1)
    assessment(doc, ("III", "IV", "V"))
    signature_block(
        doc, "Trên đây là báo cáo kết quả thực hiện Kế hoạch năm {{ year }} của {{ issuing_name }}./."
    )
    landscape(doc)
    appendix_title(
        doc,
        "annual",
        "indicators",
        "KẾT QUẢ CÁC CHỈ TIÊU NĂM {{ year }} SO VỚI MỤC TIÊU CỦA KẾ HOẠCH",
        new_page=False,
    )
    tag(doc, "{%p if two_cumulatives %}")
    data_table(
        doc,
        "indicators",
        indicator_columns(
            [
                ("{{ year_head }}", "r.year_value", 1.6),
                ("{{ cum_phase_head }}", "r.phase_value", 2.0),
                ("Mục tiêu giai đoạn {{ phase }}", "r.phase_target", 2.6),
                ("Đánh giá giai đoạn {{ phase }}", "r.phase_status", 1.9),
                ("{{ cum_ten_head }}", "r.ten_value", 1.7),
                ("Mục tiêu 2021-2030", "r.ten_target", 2.6),
                ("Đánh giá 2021-2030", "r.ten_status", 1.9),
            ]
        ),
        size=10,
        keep=False,
        footer=RULE_FOOTER,
    )
    tag(doc, "{%p elif first_plan_year %}")
    # The plan's first year: the year's figure is the figure to date (no second, equal column).
    data_table(
        doc,
        "indicators",
        indicator_columns(
            [
                ("{{ year_head }}", "r.year_value", 2.2),
                ("Mục tiêu giai đoạn {{ phase }}", "r.phase_target", 3.9),
                ("Đánh giá giai đoạn {{ phase }}", "r.phase_status", 2.3),
                ("Mục tiêu 2021-2030", "r.ten_target", 3.9),
                ("Đánh giá 2021-2030", "r.ten_status", 2.3),
            ]
        ),
        size=10,
        keep=False,
        footer=RULE_FOOTER,
    )
    tag(doc, "{%p else %}")
    data_table(
        doc,
        "indicators",
        indicator_columns(
            [
                ("{{ year_head }}", "r.year_value", 1.8),
                ("{{ cum_phase_head }}", "r.phase_value", 2.2),
                ("Mục tiêu giai đoạn {{ phase }}", "r.phase_target", 3.3),
                ("Đánh giá giai đoạn {{ phase }}", "r.phase_status", 2.0),
                ("Mục tiêu 2021-2030", "r.ten_target", 3.3),
                ("Đánh giá 2021-2030", "r.ten_status", 2.0),
            ]
        ),
        size=10,
        keep=False,
        footer=RULE_FOOTER,
    )
    tag(doc, "{%p endif %}")
    indicator_chart(doc, 2)
    appendix_title(doc, "annual", "tasks", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ NĂM {{ year }}")
    data_table(doc, "tasks", TASK_COLUMNS, size=10, keep=False)
    para(doc, PLAN_CORRECTIONS_NOTE, italic=True, size=12, indent=True)
    appendix_title(doc, "annual", "enterprises", "DANH SÁCH TỔ CHỨC, DOANH NGHIỆP ĐƯỢC HỖ TRỢ NĂM {{ year }}")
    data_table(doc, "enterprises", ENTERPRISE_COLUMNS, size=10, keep=False)
    table_note(doc)
    appendix_title(doc, "annual", "reporters", "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ NĂM {{ year }}")
    data_table(
        doc,
        "reporters",
        [
            ("STT", "r.stt", 1.2),
            ("Cơ quan, đơn vị", "r.agency", 10.0),
            ("Tình trạng", "r.state", 4.5),
            ("Ngày nhận", "r.received", 3.5),
            ("Báo cáo được sử dụng", "r.version", 6.0),
        ],
        size=10,  # 10 pt: the 32 agencies of the plan's first years on one page
        keep=False,
    )
    return doc


def review(kind: str) -> Document:
    final = kind == "final"
    # The review can cover any range of years (``nscl review --from A --to B``): the range and
    # its wording ("Sơ kết 05 năm", "Tổng kết 10 năm") come from the context.
    span = "{{ phase }}"
    doc = new_document()
    header_block(doc)
    title_block(doc, f"{{{{ review_title }}}} ({span}) thực hiện {PLAN}")
    para(
        doc,
        f"Thực hiện {PLAN}{{{{ request_text }}}}, {{{{ issuing_name }}}} báo cáo {{{{ review_title|lower }}}} thực hiện Kế hoạch "
        f"giai đoạn {span} như sau:",
        indent=True,
    )
    heading(doc, "I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN")
    direction_block(doc)
    para(doc, "{{ reporting_text }}", indent=True)
    tag(doc, "{%p if signed_reports_text %}")
    para(doc, "{{ signed_reports_text }}", indent=True)
    tag(doc, "{%p endif %}")
    scope(doc)
    caption(doc, "Bảng 1. Tình hình gửi báo cáo hằng năm của các cơ quan, đơn vị")
    data_table(
        doc,
        "reporting_by_year",
        [
            ("Năm", "r.year", 2.0),
            ("Phải báo cáo", "r.expected", 2.6),
            # The headings are the one table of state labels (nscl.labels), as on the staff page.
            (STATE_LABELS["on_time"], "r.on_time", 2.4),
            (STATE_LABELS["late"], "r.late", 2.4),
            # A review looks back at closed years: a return sent back and never corrected is not
            # "waiting" years later.
            ("Bị trả lại, chưa gửi lại", "r.rejected", 3.0),
            (STATE_LABELS["missing"], "r.missing", 2.4),
        ],
    )
    heading(doc, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CỦA KẾ HOẠCH")
    groups_section(doc)
    heading(doc, "6. Tổng hợp các chỉ tiêu so với mục tiêu của Kế hoạch")
    para(
        doc,
        f"Kết quả từng chỉ tiêu so với mục tiêu của Kế hoạch tại {ref(kind, 'indicators')}, theo từng năm tại "
        f"{ref(kind, 'indicator_years')}; tiến độ "
        f"so với mục tiêu 10 năm tại Biểu đồ 3 ({ref(kind, 'indicators')}).",
        indent=True,
    )
    heading(doc, "7. Kết quả theo cơ quan, đơn vị (quy về cơ quan hiện nay)")
    para(
        doc,
        "Kết quả của các cơ quan đã hợp nhất, giải thể trong năm 2025 được tính một lần, dưới cơ quan kế thừa "
        "hiện nay; cột “Gồm kết quả của” ghi tên cơ quan như khi báo cáo và các năm tương ứng (Bảng 2).",
        indent=True,
        size=13,
    )
    caption(doc, "Bảng 2. Kết quả theo cơ quan, đơn vị giai đoạn {{ phase }}")
    data_table(
        doc,
        "rollup",
        [
            ("STT", "r.stt", 1.2),
            ("Cơ quan, đơn vị", "r.agency", 3.6),
            ("Gồm kết quả của", "r.includes", 4.2),
            ("Số năm có báo cáo", "r.years", 1.6),
            ("Lượt hỗ trợ tổ chức, doanh nghiệp", "r.enterprises", 1.9),
            ("Lớp tập huấn", "r.classes", 1.6),
            ("Kinh phí (triệu đồng)", "r.budget", 1.9),
        ],
        size=10,
        keep=False,
    )
    heading(doc, "8. Hỗ trợ tổ chức, doanh nghiệp và kinh phí thực hiện")
    para(doc, "{{ enterprises_text }}", indent=True)
    caption(doc, "Bảng 3. Số lượt hỗ trợ tổ chức, doanh nghiệp và kinh phí theo năm, theo nguồn (triệu đồng)")
    data_table(
        doc,
        "budget_by_year",
        [
            ("Năm", "r.year", 2.0),
            ("Lượt hỗ trợ tổ chức, doanh nghiệp", "r.enterprises", 2.0),
            ("Ngân sách trung ương", "r.central", 2.2),
            ("Ngân sách tỉnh", "r.provincial", 2.3),
            ("Đối ứng của tổ chức, doanh nghiệp", "r.enterprise", 2.3),
            ("Nguồn hợp pháp khác", "r.other", 2.2),
            ("Tổng cộng", "r.total", 2.3),
        ],
        size=10,
    )
    table_note(doc)
    para(
        doc,
        "Kinh phí theo nguồn và số lượt hỗ trợ tổ chức, doanh nghiệp từng năm thể hiện tại Biểu đồ 1 dưới đây.",
        indent=True,
    )
    image(doc, "chart_budget", 1, "Kinh phí theo nguồn và số lượt hỗ trợ tổ chức, doanh nghiệp")
    caption(doc, "Bảng 4. Số lượt hỗ trợ tổ chức, doanh nghiệp theo nội dung hỗ trợ")
    data_table(
        doc, "enterprises_by_type", [("Nội dung hỗ trợ", "r.label", 11.0), ("Số lượt", "r.count", 3.0)]
    )
    heading(doc, "9. Đóng góp của năng suất các nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế của tỉnh")
    tfp_block(doc, 5, 2)
    assessment(doc, ("III", "IV", "V"), lessons=True)
    signature_block(
        doc,
        f"Trên đây là báo cáo {{{{ review_title|lower }}}} thực hiện Kế hoạch giai đoạn {span} "
        "của {{ issuing_name }}./.",
    )
    landscape(doc)
    appendix_title(
        doc,
        kind,
        "indicators",
        f"KẾT QUẢ CÁC CHỈ TIÊU GIAI ĐOẠN {span} SO VỚI MỤC TIÊU CỦA KẾ HOẠCH",
        new_page=False,
    )
    if final:
        cols = [
            ("Kết quả 2021-2025", "r.p1_value", 1.6),
            ("Mục tiêu 2021-2025", "r.p1_target", 2.3),
            ("Đánh giá 2021-2025", "r.p1_status", 1.7),
            ("Kết quả 2026-2030", "r.p2_value", 1.6),
            ("Mục tiêu 2026-2030", "r.p2_target", 2.3),
            ("Đánh giá 2026-2030", "r.p2_status", 1.7),
            ("Kết quả 2021-2030", "r.ten_value", 1.6),
            ("Mục tiêu 2021-2030", "r.ten_target", 2.3),
            ("Đánh giá 2021-2030", "r.ten_status", 1.7),
        ]
        columns = [("STT", "r.stt", 1.2), ("Chỉ tiêu", "r.name", 5.2), ("Đơn vị tính", "r.unit", 1.8)] + cols
    else:
        columns = indicator_columns(
            [
                ("Kết quả {{ phase }}", "r.p1_value", 2.0),
                ("Mục tiêu giai đoạn 2021-2025", "r.p1_target", 3.4),
                ("Đánh giá giai đoạn 2021-2025", "r.p1_status", 2.2),
                ("Mục tiêu 2021-2030", "r.ten_target", 3.4),
                ("Đánh giá 2021-2030", "r.ten_status", 2.2),
            ]
        )
    data_table(doc, "indicators", columns, size=10, keep=False, footer=RULE_FOOTER)
    indicator_chart(doc, 3)
    n_years = 10 if final else 5
    appendix_title(doc, kind, "indicator_years", f"KẾT QUẢ CÁC CHỈ TIÊU THEO NĂM, GIAI ĐOẠN {span}")
    year_w = 1.3 if final else 2.0
    name_w = 25.4 - 1.2 - 2.0 - 1.8 - year_w * n_years
    data_table(
        doc,
        "indicator_years",
        [("STT", "r.stt", 1.2), ("Chỉ tiêu", "r.name", name_w), ("Đơn vị tính", "r.unit", 2.0)]
        + [(f"{{{{ years[{i}] }}}}", f"r.y[{i}]", year_w) for i in range(n_years)]
        + [("Tổng", "r.total", 1.8)],
        size=10,
        keep=False,
    )
    para(
        doc,
        "Chỉ tiêu đếm tổ chức, doanh nghiệp được hỗ trợ tính số tổ chức, doanh nghiệp khác nhau (theo mã số "
        "thuế): một tổ chức, doanh nghiệp được hỗ trợ trong nhiều năm được tính một lần ở cột “Tổng”.",
        italic=True,
        size=12,
        indent=True,
    )
    appendix_title(doc, kind, "tasks", f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ GIAI ĐOẠN {span}")
    data_table(doc, "tasks", TASK_COLUMNS, size=10, keep=False)
    para(doc, PLAN_CORRECTIONS_NOTE, italic=True, size=12, indent=True)
    appendix_title(doc, kind, "enterprises", f"DANH SÁCH TỔ CHỨC, DOANH NGHIỆP ĐƯỢC HỖ TRỢ GIAI ĐOẠN {span}")
    cols = [ENTERPRISE_COLUMNS[0], ("Năm", "r.year", 1.3)] + [
        (t, e, w - (0.4 if i in (1, 6) else 0.25 if i == 4 else 0))
        for i, (t, e, w) in enumerate(ENTERPRISE_COLUMNS)
        if i
    ]
    data_table(doc, "enterprises", cols, size=10, keep=False)
    table_note(doc)
    # The files the review was drawn from are staff material: the manifest and the staff page list
    # them (the summary by year is Bảng 1).
    return doc


TEMPLATES = {
    "bao-cao-nam.docx": annual,
    "so-ket-2021-2025.docx": lambda: review("mid-term"),
    "tong-ket-2021-2030.docx": lambda: review("final"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        build().save(out / name)
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
