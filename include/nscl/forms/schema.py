"""The agencies' workbook, declared once: every sheet's title (and the titles of older template
versions), its header row, each column's header text, kind, unit, allowed values, whether it is
typed by the agency and whether it is required, and whether rows may be added.

The template writer (``nscl.forms.workbook``), the reader (``nscl.forms.header``: columns found
by their header text, never by position), the validator and the feedback
(``nscl.intake.validation``) all take the columns from here. A column's position is only the
order of ``Sheet.columns``: the letter a column has in the issued template is derived
(``Sheet.letter``), and the letter it has in a returned file comes from that file's header.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

HEADER_ROW = 4  # rows 1-3: title and notes
FIRST_DATA_ROW = HEADER_ROW + 1
HEADER_SEARCH_ROWS = 10  # rows inserted above the header still find it

# Drop-down lists: written one item per cell on the hidden sheet ``_lists`` and referenced by a
# defined name (an inline "a,b,c" list is split at every comma by Excel and Calc, and capped at
# 255 characters).
META_SHEET = "_meta"  # hidden: agency, year and template version of the issued workbook
LISTS_SHEET = "_lists"
FEEDBACK_SHEET = "Tổng hợp lỗi"  # the summary sheet of the feedback workbook sent back
TASK_STATUSES = ("Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không phát sinh")
DELIVERABLE_VALUES = {"Đã thực hiện": 1, "Chưa thực hiện": 0}
SUPPORT_TYPES = (
    "ISO 9001",
    "ISO 14001",
    "ISO 22000/HACCP",
    "ISO/IEC 17025",
    "VietGAP/GAP",
    "Hữu cơ",
    "Tiêu chuẩn cơ sở (TCCS)",
    "Chứng nhận hợp chuẩn, hợp quy",
    "Truy xuất nguồn gốc",
    "5S/Kaizen/Lean và công cụ cải tiến khác",
    "Năng suất xanh",
    "Khác",
)
# Items of older template versions (or as a drop-down split them) that mean a current item.
LIST_ALIASES: dict[str, dict[str, str]] = {
    "support_types": {
        "ISO 22000": "ISO 22000/HACCP",
        "HACCP": "ISO 22000/HACCP",
        "VietGAP": "VietGAP/GAP",
        "GAP": "VietGAP/GAP",
        "TCCS": "Tiêu chuẩn cơ sở (TCCS)",
        "Tiêu chuẩn cơ sở": "Tiêu chuẩn cơ sở (TCCS)",
        "Chứng nhận hợp chuẩn hợp quy": "Chứng nhận hợp chuẩn, hợp quy",
        "Hợp chuẩn, hợp quy": "Chứng nhận hợp chuẩn, hợp quy",
        "5S/Kaizen/Lean": "5S/Kaizen/Lean và công cụ cải tiến khác",
    },
    "task_statuses": {"Đã hoàn thành": "Hoàn thành", "Đang triển khai": "Đang thực hiện"},
    "deliverable": {"Có": "Đã thực hiện", "Không": "Chưa thực hiện", "Chưa": "Chưa thực hiện"},
}
LISTS: dict[str, tuple[str, ...]] = {
    "task_statuses": TASK_STATUSES,
    "deliverable": tuple(DELIVERABLE_VALUES),
    "support_types": SUPPORT_TYPES,
}

NARRATIVE_FIELDS = (
    ("achievements", "Kết quả nổi bật đạt được"),
    ("difficulties", "Tồn tại, hạn chế, khó khăn và nguyên nhân"),
    ("proposals", "Đề xuất, kiến nghị"),
    ("next_year", "Nhiệm vụ trọng tâm năm tới"),
)


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``label`` is the header as issued; it may name ``{year}``,
    ``{phase}`` or ``{ten}`` (the report year and the targets' phases), which a returned file
    may carry for any year. ``short`` is how messages name it (defaults to the label)."""

    key: str
    label: str
    kind: str = (
        "fixed"  # fixed | code | text | longtext | number | whole | money | percent | choice | tax_code
    )
    input: bool = False
    required: bool = False
    width: int = 14
    hidden: bool = False
    choices: str | None = None  # a key of LISTS
    unit: str = ""
    old_labels: tuple[str, ...] = ()
    short: str = ""

    @property
    def message_label(self) -> str:
        return self.short or self.label

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "whole", "money", "percent")


@dataclass(frozen=True)
class Sheet:
    """One table of the workbook. ``row_key`` is the column whose value makes a row exist; when
    it is a ``code`` column the rows are the template's own (matched by code, never by
    position) and agencies may not add rows; ``open_rows`` tables take as many rows as the
    agency needs. ``first_col`` is the template column of the first declared column (a second
    table on the same sheet starts further right)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    row_key: str
    old_titles: tuple[str, ...] = ()
    open_rows: bool = False
    first_col: int = 1
    max_rows: int | None = None
    total_row_words: tuple[str, ...] = ()
    _by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def index(self, key: str) -> int:
        """The 1-based column of ``key`` in the issued template."""
        for i, c in enumerate(self.columns):
            if c.key == key:
                return self.first_col + i
        raise KeyError(key)

    def letter(self, key: str) -> str:
        return column_letter(self.index(key))

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def code_keyed(self) -> bool:
        return self.column(self.row_key).kind == "code"


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _money(key: str, label: str, old: tuple[str, ...]) -> Column:
    return Column(key, label, "money", input=True, width=14, unit="triệu đồng", old_labels=old)


INDICATORS = Sheet(
    "indicators",
    "Chỉ tiêu",
    (
        Column("stt", "STT", width=5),
        Column("code", "Mã chỉ tiêu", "code", width=16, hidden=True),
        Column("name", "Tên chỉ tiêu", width=46),
        Column("unit", "Đơn vị tính", width=14),
        Column("task", "Mã nhiệm vụ", width=9, old_labels=("Nhiệm vụ",)),
        Column("phase_target", "Mục tiêu {phase}", width=26),
        Column("ten_target", "Mục tiêu {ten}", width=24),
        Column(
            "value", "Kết quả năm {year}", "number", input=True, required=True, width=14, short="Kết quả năm"
        ),
        Column("note", "Ghi chú", "text", input=True, width=22),
    ),
    row_key="code",
    old_titles=("Chi tieu", "Chỉ tiêu năm"),
)
TASKS = Sheet(
    "tasks",
    "Nhiệm vụ",
    (
        Column("stt", "STT", width=5),
        Column("code", "Mã nhiệm vụ", "code", width=11),
        Column("content", "Nội dung công việc", width=44),
        Column("role", "Vai trò", width=11),
        Column("product", "Sản phẩm theo Kế hoạch", width=24),
        Column(
            "status", "Tình trạng", "choice", input=True, required=True, width=18, choices="task_statuses"
        ),
        Column("result", "Kết quả cụ thể", "longtext", input=True, width=34),
        Column("difficulties", "Khó khăn, vướng mắc", "longtext", input=True, width=28),
    ),
    row_key="code",
    old_titles=("Nhiem vu",),
)
ENTERPRISES = Sheet(
    "enterprises",
    "Doanh nghiệp",
    (
        Column("stt", "STT", width=5),
        Column("name", "Tên tổ chức, doanh nghiệp", "text", input=True, required=True, width=40),
        Column(
            "tax_code", "Mã số thuế", "tax_code", input=True, required=True, width=16, old_labels=("MST",)
        ),
        Column("locality", "Địa bàn (xã, phường)", "text", input=True, width=22, old_labels=("Địa bàn",)),
        Column(
            "support_type",
            "Nội dung hỗ trợ",
            "choice",
            input=True,
            required=True,
            width=30,
            choices="support_types",
        ),
        _money("central", "NS trung ương (triệu đồng)", ("Ngân sách trung ương (triệu đồng)", "NS TW")),
        _money("provincial", "NS tỉnh (triệu đồng)", ("Ngân sách tỉnh (triệu đồng)",)),
        _money(
            "enterprise",
            "Vốn đối ứng của tổ chức, doanh nghiệp (triệu đồng)",
            ("DN đối ứng (triệu đồng)", "Đối ứng của doanh nghiệp (triệu đồng)"),
        ),
        _money("other", "Nguồn khác (triệu đồng)", ("Nguồn hợp pháp khác (triệu đồng)",)),
    ),
    row_key="name",
    old_titles=("Doanh nghiep", "DN", "DN hỗ trợ"),
    open_rows=True,
    total_row_words=("tổng cộng", "tổng số", "tổng", "cộng"),
)
BUDGET = Sheet(
    "budget",
    "Kinh phí",
    (
        Column("stt", "STT", width=5),
        Column("label", "Nguồn kinh phí", width=40),
        Column("code", "Mã nguồn", "code", width=12, hidden=True),
        Column(
            "value",
            "Kinh phí đã sử dụng năm {year} (triệu đồng)",
            "money",
            input=True,
            width=24,
            unit="triệu đồng",
            short="Kinh phí đã sử dụng (triệu đồng)",
        ),
    ),
    row_key="code",
    old_titles=("Kinh phi",),
)
NARRATIVE = Sheet(
    "narrative",
    "Thuyết minh",
    (
        Column("stt", "STT", width=5),
        Column("label", "Nội dung", width=34),
        Column("code", "Mã", "code", width=12, hidden=True),
        Column("value", "Thuyết minh", "longtext", input=True, width=100),
    ),
    row_key="code",
    old_titles=("Thuyet minh",),
)
TFP = Sheet(
    "tfp",
    "Số liệu TFP",
    (
        Column("year", "Năm", width=8),
        Column("territory", "Địa bàn", width=22),
        Column("grdp", "GRDP theo giá so sánh 2010 (tỷ đồng)", "number", input=True, required=True, width=22),
        Column(
            "investment",
            "Vốn đầu tư thực hiện theo giá so sánh 2010 (tỷ đồng)",
            "number",
            input=True,
            required=True,
            width=26,
        ),
        Column(
            "employment",
            "Lao động đang làm việc (nghìn người)",
            "number",
            input=True,
            required=True,
            width=20,
        ),
        Column(
            "trained_labour_share",
            "Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ (%)",
            "percent",
            input=True,
            width=24,
        ),
        Column("rd_spending", "Chi cho khoa học và công nghệ (tỷ đồng)", "number", input=True, width=20),
    ),
    row_key="year",
    old_titles=("So lieu TFP", "TFP"),
)
TFP_IO = Sheet(
    "tfp_io",
    "Số liệu TFP",
    (
        Column("io_territory", "Địa bàn của bảng I/O", "text", input=True, width=22),
        Column("io_year", "Năm lập bảng I/O", "whole", input=True, width=12),
        Column(
            "labour_share_pct",
            "Tỷ phần thu nhập của người lao động trong GRDP theo bảng I/O (%)",
            "percent",
            input=True,
            width=26,
        ),
        Column("io_note", "Nguồn, ghi chú", "text", input=True, width=30),
    ),
    row_key="io_year",
    first_col=10,  # column J, right of the yearly data
    max_rows=8,
    open_rows=True,
)

AGENCY_SHEETS = (INDICATORS, TASKS, ENTERPRISES, BUDGET, NARRATIVE)
TFP_SHEETS = (TFP, TFP_IO)
ALL_SHEETS = AGENCY_SHEETS + TFP_SHEETS


def header_context(year: int, phase: str = "", ten: str = "") -> dict[str, str]:
    return {"year": str(year), "phase": phase, "ten": ten}


def fold(text: Any) -> str:
    """A header or list item as compared: NFC, every kind of space and line break collapsed,
    trimmed, case-folded."""
    if text is None:
        return ""
    return _fold(str(text))


@functools.lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    s = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip().casefold()


def ascii_fold(text: Any) -> str:
    """``fold`` without diacritics (and đ as d): for names typed without Vietnamese letters."""
    s = unicodedata.normalize("NFD", fold(text)).replace("đ", "d")
    return "".join(ch for ch in s if unicodedata.category(ch) != "Mn")


@functools.lru_cache(maxsize=1024)
def label_pattern(label: str) -> re.Pattern[str]:
    """A header label with its placeholders as patterns ({year}: four digits; a phase: any)."""
    parts = re.split(r"(\{year\}|\{phase\}|\{ten\})", fold(label))
    regex = "".join(
        r"\d{4}" if p == "{year}" else r".+" if p in ("{phase}", "{ten}") else re.escape(p) for p in parts
    )
    return re.compile(f"^{regex}$")


def canonical_item(list_key: str, value: Any) -> str | None:
    """The list's own item for ``value`` compared by ``fold`` (case, spaces, Unicode form), or
    an older version's item mapped to today's; None when it is not an item."""
    wanted = fold(value)
    for item in LISTS[list_key]:
        if fold(item) == wanted:
            return item
    for old, item in LIST_ALIASES.get(list_key, {}).items():
        if fold(old) == wanted:
            return item
    return None
