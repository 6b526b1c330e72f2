"""The annual report as a Word document (python-docx), with a manifest of its inputs.

Every run writes a new version (``bao-cao-nam-<year>-v<NNN>.docx``); earlier versions stay.
The same inputs give the same document content."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from . import __version__
from .catalogue import Catalogue
from .fsutil import atomic_write, atomic_write_json
from .indicators import Progress
from .normalise import format_vn_number
from .settings import Zones

FONT = "Times New Roman"
STATE_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "rejected": "Bị trả lại, chờ sửa",
    "missing": "Chưa gửi",
}
TASK_STATUS_ORDER = ["Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không phát sinh"]


def fmt(value: float | None, decimals: int = 0) -> str:
    """A figure as printed in the report ("—" when nothing was reported)."""
    if value is None:
        return "—"
    if decimals == 0 and float(value).is_integer():
        return format_vn_number(value, 0)
    return format_vn_number(value, decimals)


def fmt_deliverable(value: float | None) -> str:
    if value is None:
        return "—"
    return "Đã thực hiện" if value >= 1 else "Chưa thực hiện"


def _doc():
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)  # Decree 30/2020: left 3-3.5, right 1.5-2
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Heading 1", "Heading 2", "Title"):
        st = doc.styles[name]
        st.font.name = FONT
        st.font.color.rgb = None
        st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Heading 1"].font.size = Pt(13)
    doc.styles["Heading 2"].font.size = Pt(13)
    # Fixed core properties: the same inputs give the same document.
    doc.core_properties.author = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2021, 6, 30)
    doc.core_properties.revision = 1
    return doc


def _para(
    doc, text: str, bold: bool = False, italic: bool = False, center: bool = False, size: int | None = None
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _table(
    doc, headers: list[str], rows: list[list[str]], widths_cm: list[float] | None = None, size: int = 11
):
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(head)
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(value)).font.size = Pt(size)
    if widths_cm:
        for row in table.rows:
            for cell, w in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(w)
    return table


def _header(doc, year: int, issued: dt.date) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = right.text = ""
    lp = left.paragraphs[0]
    lp.add_run("UBND TỈNH HƯNG YÊN\n").font.size = Pt(12)
    r = lp.add_run("SỞ KHOA HỌC VÀ CÔNG NGHỆ\n")
    r.bold, r.font.size = True, Pt(12)
    lp.add_run("Số:       /BC-SKHCN").font.size = Pt(13)
    rp = right.paragraphs[0]
    r = rp.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")
    r.bold, r.font.size = True, Pt(12)
    r = rp.add_run("Độc lập - Tự do - Hạnh phúc\n")
    r.bold, r.font.size = True, Pt(13)
    r = rp.add_run(f"Hưng Yên, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
    r.italic = True
    for p in (lp, rp):
        p.alignment = 1  # centre
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, center=True, size=14)
    _para(
        doc,
        f"Kết quả thực hiện Kế hoạch số 101/KH-UBND ngày 30/6/2021 của UBND tỉnh về thực hiện "
        f"Chương trình quốc gia hỗ trợ tổ chức, doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, "
        f"hàng hóa giai đoạn 2021-2030 trên địa bàn tỉnh Hưng Yên năm {year}",
        bold=True,
        center=True,
    )


def issue_date(year: int) -> dt.date:
    """The report is dated on the reporting deadline of its year (staff change it when signing)."""
    return dt.date(year, 11, 30)


def build_annual_report(
    catalogue: Catalogue,
    year: int,
    progress: list[Progress],
    status: list[dict[str, Any]],
    tables: dict[str, Any],
    tfp: dict[str, Any] | None,
):
    """The annual report document. ``tables`` holds the curated tables of the year."""
    doc = _doc()
    _header(doc, year, issue_date(year))
    expected = len(status)
    counts = Counter(s["state"] for s in status)
    reported = counts["on_time"] + counts["late"]
    phase = catalogue.phase_of(year)

    doc.add_heading("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN VÀ TÌNH HÌNH BÁO CÁO", level=1)
    _para(
        doc,
        f"Năm {year}, có {expected} cơ quan, đơn vị thuộc diện phải báo cáo kết quả thực hiện Kế hoạch; "
        f"{reported} đơn vị đã gửi báo cáo hợp lệ ({counts['on_time']} đúng hạn, {counts['late']} muộn), "
        f"{counts['rejected']} đơn vị có báo cáo bị trả lại chờ sửa, {counts['missing']} đơn vị chưa gửi báo cáo.",
    )

    doc.add_heading(f"II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM {year}", level=1)
    _para(
        doc,
        f"Bảng 1. Kết quả các chỉ tiêu năm {year}, lũy kế giai đoạn {phase.code} và lũy kế 2021-{year} "
        "so với mục tiêu của Kế hoạch",
        italic=True,
        center=True,
    )
    rows = []
    for p in progress:
        ind = p.indicator
        show = fmt_deliverable if ind.is_deliverable else fmt
        rows.append(
            [
                ind.code,
                ind.name,
                ind.unit,
                show(p.year_value),
                show(p.phase_value),
                p.phase_target.text if p.phase_target else "—",
                p.phase_status or "—",
                show(p.ten_year_value),
                p.ten_year_target.text if p.ten_year_target else "—",
                p.ten_year_status or "—",
            ]
        )
    _table(
        doc,
        [
            "Mã",
            "Chỉ tiêu",
            "Đơn vị tính",
            f"Năm {year}",
            f"Lũy kế {phase.first}-{year}",
            f"Mục tiêu {phase.code}",
            "Đánh giá giai đoạn",
            f"Lũy kế 2021-{year}",
            "Mục tiêu 2021-2030",
            "Đánh giá 2021-2030",
        ],
        rows,
        size=9,
    )
    _para(
        doc,
        "Ghi chú: kết quả là tổng số liệu trong các báo cáo hợp lệ (bản mới nhất) của các cơ quan, đơn vị. "
        "Quy tắc đánh giá: 'Đạt' khi lũy kế đạt mức mục tiêu (cận dưới của khoảng; 90% với mục tiêu "
        "'khoảng'); 'Đúng tiến độ' khi lũy kế không thấp hơn mục tiêu nhân tỷ lệ thời gian đã qua của "
        "giai đoạn; ngược lại là 'Chậm tiến độ'; năm cuối giai đoạn chưa đạt là 'Không đạt'.",
        italic=True,
        size=11,
    )

    doc.add_heading("III. TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ", level=1)
    task_frame = tables.get("tasks")
    rows = []
    for task in catalogue.tasks.values():
        if not task.covers(year):
            continue
        statuses = Counter()
        if task_frame is not None and not task_frame.empty:
            statuses = Counter(task_frame[task_frame["task"] == task.code]["status"].dropna())
        summary = "; ".join(f"{s}: {statuses[s]}" for s in TASK_STATUS_ORDER if statuses[s]) or "—"
        rows.append([task.code, task.content, task.lead_text, task.product, summary])
    _table(
        doc,
        ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Sản phẩm", "Tình trạng (số đơn vị báo cáo)"],
        rows,
        size=9,
    )

    doc.add_heading("IV. HỖ TRỢ DOANH NGHIỆP VÀ KINH PHÍ", level=1)
    ent = tables.get("enterprises")
    n_ent = 0 if ent is None else len(ent)
    _para(doc, f"Năm {year}, các cơ quan, đơn vị đã hỗ trợ {fmt(n_ent)} lượt tổ chức, doanh nghiệp.")
    if ent is not None and not ent.empty:
        by_type = ent.groupby("support_type").size().sort_index()
        _table(
            doc,
            ["Nội dung hỗ trợ", "Số tổ chức, doanh nghiệp"],
            [[k, fmt(v)] for k, v in by_type.items()],
            size=11,
        )
    budget = tables.get("budget")
    from .workbook import BUDGET_SOURCES

    totals = {} if budget is None or budget.empty else budget.groupby("source")["value"].sum().to_dict()
    _para(doc, "")
    _para(doc, f"Bảng 2. Kinh phí thực hiện năm {year} theo nguồn (triệu đồng)", italic=True, center=True)
    rows = [[label, fmt(totals.get(code, 0.0), 1)] for code, label in BUDGET_SOURCES]
    rows.append(["Tổng cộng", fmt(sum(totals.get(c, 0.0) for c, _ in BUDGET_SOURCES), 1)])
    _table(doc, ["Nguồn kinh phí", "Kinh phí (triệu đồng)"], rows, size=11)

    doc.add_heading("V. ĐÓNG GÓP CỦA NĂNG SUẤT CÁC NHÂN TỐ TỔNG HỢP (TFP) VÀO TĂNG TRƯỞNG", level=1)
    _tfp_section(doc, tfp)

    doc.add_heading("VI. ĐÁNH GIÁ CHUNG", level=1)
    narratives = tables.get("narratives")
    for field_name, title in (
        ("achievements", "1. Kết quả đạt được"),
        ("difficulties", "2. Tồn tại, hạn chế và nguyên nhân"),
        ("proposals", "3. Đề xuất, kiến nghị"),
        ("next_year", f"4. Nhiệm vụ năm {year + 1}"),
    ):
        doc.add_heading(title, level=2)
        if narratives is None or narratives.empty:
            _para(doc, "Chưa có thuyết minh của các đơn vị.")
            continue
        for _, n in narratives[narratives["field"] == field_name].sort_values("agency_code").iterrows():
            _para(doc, f"- {catalogue.agency(n['agency_code']).name}: {n['text']}")

    doc.add_heading("PHỤ LỤC. TÌNH HÌNH GỬI BÁO CÁO VÀ CÁC BÁO CÁO ĐƯỢC SỬ DỤNG", level=1)
    subs = tables.get("submissions")
    used = (
        {}
        if subs is None or subs.empty
        else {r["agency_code"]: r for _, r in subs[subs["state"] == "used"].iterrows()}
    )
    rows = []
    for i, s in enumerate(status, start=1):
        u = used.get(s["agency_code"])
        received = (
            dt.datetime.fromisoformat(s["received_at"]).strftime("%d/%m/%Y %H:%M")
            if s["received_at"]
            else "—"
        )
        rows.append(
            [
                str(i),
                s["agency_name"],
                STATE_LABELS[s["state"]],
                received,
                f"{u['original_name']} (SHA-256 {u['sha256'][:12]})" if u is not None else "—",
            ]
        )
    _table(
        doc, ["STT", "Cơ quan, đơn vị", "Tình trạng", "Thời điểm nhận", "Báo cáo được sử dụng"], rows, size=9
    )
    _para(doc, "")
    _para(doc, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- UBND tỉnh (để báo cáo);", "- Bộ Khoa học và Công nghệ;", "- Lưu: VT."):
        _para(doc, line, size=11)
    _para(doc, "GIÁM ĐỐC", bold=True, center=True)
    return doc


def _tfp_section(doc, tfp: dict[str, Any] | None) -> None:
    if not tfp or not tfp.get("years"):
        _para(doc, "Chưa có số liệu của cơ quan thống kê để tính đóng góp của TFP năm nay.")
        return
    _para(
        doc,
        "Bảng 3. Tốc độ tăng GRDP và đóng góp của vốn, lao động, TFP (điểm phần trăm; tỷ trọng %)",
        italic=True,
        center=True,
    )
    rows = [
        [
            str(r["year"]),
            fmt(r["growth_output"], 2),
            fmt(r["contribution_capital_pp"], 2),
            fmt(r["contribution_labour_pp"], 2),
            fmt(r["contribution_tfp_pp"], 2),
            fmt(r["share_tfp_pct"], 1),
        ]
        for r in tfp["years"]
        if r["year"] >= 2021
    ]
    for p in tfp.get("periods", []):
        rows.append(
            [
                f"{p['from']}-{p['to']}",
                fmt(p["growth_output"], 2),
                fmt(p["contribution_capital_pp"], 2),
                fmt(p["contribution_labour_pp"], 2),
                fmt(p["contribution_tfp_pp"], 2),
                fmt(p["share_tfp_pct"], 1),
            ]
        )
    _table(
        doc,
        [
            "Năm/giai đoạn",
            "Tăng GRDP (%)",
            "Vốn (điểm %)",
            "Lao động (điểm %)",
            "TFP (điểm %)",
            "Tỷ trọng TFP (%)",
        ],
        rows,
        size=10,
    )
    params = tfp["parameters"]
    _para(
        doc,
        f"Phương pháp hạch toán tăng trưởng (Cobb-Douglas); hệ số co giãn của vốn {fmt(params['capital_share'], 2)}, "
        f"tỷ lệ khấu hao {fmt(params['depreciation'] * 100, 1)}%/năm, vốn ban đầu theo phương pháp "
        f"'{params['initial_capital_method']}'. Chi tiết phương pháp: docs/tfp.md.",
        italic=True,
        size=11,
    )
    sti = tfp.get("sti")
    if sti and sti.get("reliable"):
        _para(
            doc,
            f"Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP (ước lượng): "
            f"{fmt(sti['share_pct'], 1)}%. {sti['caveat_vi']}",
            size=12,
        )
    elif sti:
        # An estimate that fails the reliability rules is not printed as a number (docs/tfp.md §5.1).
        _para(
            doc,
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP: chưa ước lượng "
            f"được với độ tin cậy đủ để công bố. {sti['reliability_note_vi']}",
            size=12,
        )


def next_version(folder: Path, stem: str) -> int:
    existing = [
        int(p.stem.rsplit("-v", 1)[1])
        for p in folder.glob(f"{stem}-v*.docx")
        if p.stem.rsplit("-v", 1)[1].isdigit()
    ]
    return max(existing, default=0) + 1


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save_report(doc, zones: Zones, year: int, manifest: dict[str, Any], kind: str = "bao-cao-nam") -> Path:
    """Save as a new version with its manifest beside it; the version number is claimed
    atomically so two writers never share one."""
    folder = zones.reports(year)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-{year}"
    while True:
        version = next_version(folder, stem)
        path = folder / f"{stem}-v{version:03d}.docx"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # claim the name
            os.close(fd)
            break
        except FileExistsError:
            continue
    atomic_write(path, doc.save)
    data = path.read_bytes()
    manifest = {
        **manifest,
        "version": version,
        "document": path.name,
        "document_sha256": sha256_bytes(data),
        "code_version": __version__,
    }
    atomic_write_json(path.with_suffix(".manifest.json"), manifest)
    return path


def content_digest(manifest: dict[str, Any]) -> str:
    """A digest of the inputs and parameters: equal digests mean equal report content."""
    keys = {k: manifest[k] for k in ("year", "inputs", "parameters") if k in manifest}
    return sha256_bytes(json.dumps(keys, sort_keys=True, ensure_ascii=False, default=str).encode())
