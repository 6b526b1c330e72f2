"""Agencies' returns as a real office suite writes them: the issued workbook filled with
openpyxl, edited the way people edit it (a column inserted with figures in it, one deleted, two
swapped, a total row, a row inserted into the indicators, a sheet renamed or added, a date or
"1,500" typed into a number cell, a list item typed in lower case, the sheets copied into a new
file), then opened and saved by LibreOffice Calc as .xlsx, .xls and .ods.

What the intake keeps is compared with what was typed, value by value: no file is ever accepted
with a value other than the one typed, and each structural change gets its message.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from nscl.forms import schema as sc
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.validation import validate_file
from nscl.orchestration import pipeline
from nscl.store.receipts import read_receipt
from nscl.store.zones import Zones

YEAR = 2025
AGENCY = "SCT"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ORGS = [
    ("Công ty Cổ phần Dệt may Phố Hiến", "0900123456", "Phường Phố Hiến", "ISO 9001", 120, 35, 80, 0),
    ("Hợp tác xã Nhãn lồng Hưng Yên", "0900765432", "Xã Hồng Nam", "VietGAP/GAP", 0, 40.5, 12, 3),
    (
        "Công ty TNHH Bao bì Minh Châu",
        "0901112223-001",
        "Xã Yên Mỹ",
        "Chứng nhận hợp chuẩn, hợp quy",
        60,
        0,
        25,
        7,
    ),
]
MONEY = ["central", "provincial", "enterprise", "other"]
NARRATIVE = "- Tổ chức 02 lớp tập huấn;\n- Hỗ trợ 03 doanh nghiệp áp dụng ISO 9001."

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice Calc (libreoffice-calc-nogui) not installed"
)


def _col(key: str) -> int:
    return sc.ENTERPRISES.index(key)


def _base(catalogue):
    """The issued workbook of one agency filled as the agency would, with figures of the test's
    own (three organisations, every figure distinct)."""
    exp = catalogue.expectation(YEAR, AGENCY)
    wb = fill_workbook(exp, YEAR, catalogue)
    ws = wb[wbm.SHEET_ENTERPRISES]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + 20):
        for c in range(2, 10):
            ws.cell(row=r, column=c).value = None
    for i, org in enumerate(ORGS):
        r = wbm.FIRST_DATA_ROW + i
        for key, value in zip(["name", "tax_code", "locality", "support_type", *MONEY], org, strict=True):
            ws.cell(row=r, column=_col(key), value=value)
    ind = wb[wbm.SHEET_INDICATORS]
    codes = [i.code for i in exp.indicators]
    ind.cell(
        row=wbm.FIRST_DATA_ROW + codes.index("DN_HOTRO"), column=sc.INDICATORS.index("value"), value=len(ORGS)
    )
    budget = wb[wbm.SHEET_BUDGET]
    for i, (source, _) in enumerate(wbm.BUDGET_SOURCES):
        spent = sum(org[4 + MONEY.index(source)] for org in ORGS)
        budget.cell(row=wbm.FIRST_DATA_ROW + i, column=4, value=spent + 100 + i)
    wb[wbm.SHEET_NARRATIVE].cell(row=wbm.FIRST_DATA_ROW, column=4, value=NARRATIVE)
    return wb


def _typed(wb) -> dict:
    """What the agency typed, read back from the workbook before any edit."""
    ind = wb[wbm.SHEET_INDICATORS]
    indicators = {}
    for r in range(wbm.FIRST_DATA_ROW, ind.max_row + 1):
        code = ind.cell(row=r, column=2).value
        if code:
            value = ind.cell(row=r, column=8).value
            # a yes/no deliverable is stored as the plan counts it (Đã thực hiện = 1)
            indicators[code] = wbm.DELIVERABLE_VALUES.get(value, value)
    budget = {
        wb[wbm.SHEET_BUDGET].cell(row=r, column=3).value: wb[wbm.SHEET_BUDGET].cell(row=r, column=4).value
        for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + 4)
    }
    return {"indicators": indicators, "budget": budget}


def _insert_column(wb):
    ws = wb[wbm.SHEET_ENTERPRISES]
    ws.insert_cols(_col("central"))
    ws.cell(row=sc.HEADER_ROW, column=_col("central"), value="Số lao động")
    for i in range(len(ORGS)):
        ws.cell(row=wbm.FIRST_DATA_ROW + i, column=_col("central"), value=[250, 18, 64][i])


def _delete_column(wb):
    wb[wbm.SHEET_ENTERPRISES].delete_cols(_col("provincial"))


def _swap_columns(wb):
    ws = wb[wbm.SHEET_ENTERPRISES]
    a, b = _col("central"), _col("enterprise")
    for r in range(sc.HEADER_ROW, wbm.FIRST_DATA_ROW + len(ORGS)):
        ws.cell(row=r, column=a).value, ws.cell(row=r, column=b).value = (
            ws.cell(row=r, column=b).value,
            ws.cell(row=r, column=a).value,
        )


def _total_row(wb):
    ws = wb[wbm.SHEET_ENTERPRISES]
    r = wbm.FIRST_DATA_ROW + len(ORGS)
    ws.cell(row=r, column=_col("name"), value="Tổng cộng")
    for key in MONEY:
        ws.cell(row=r, column=_col(key), value=sum(org[4 + MONEY.index(key)] for org in ORGS))


def _insert_indicator_row(wb):
    ws = wb[wbm.SHEET_INDICATORS]
    ws.insert_rows(wbm.FIRST_DATA_ROW + 2)
    ws.cell(row=wbm.FIRST_DATA_ROW + 2, column=3, value="Số hội thảo chuyên đề")
    ws.cell(row=wbm.FIRST_DATA_ROW + 2, column=8, value=2)


def _rename_sheet(wb):
    wb[wbm.SHEET_BUDGET].title = "Kinh phi"


def _extra_sheet(wb):
    wb.create_sheet("Ghi chú thêm")["A1"] = "Số liệu đã được lãnh đạo đơn vị duyệt"


def _date_in_number(wb):
    wb[wbm.SHEET_BUDGET].cell(row=wbm.FIRST_DATA_ROW, column=4, value=dt.datetime(2025, 11, 3))


def _ambiguous(wb):
    wb[wbm.SHEET_BUDGET].cell(row=wbm.FIRST_DATA_ROW + 1, column=4, value="1,500")


def _lower_case(wb):
    wb[wbm.SHEET_TASKS].cell(row=wbm.FIRST_DATA_ROW, column=sc.TASKS.index("status"), value=" hoàn thành ")


def _hidden_row_and_column(wb):
    """Format > Rows > Hide on the second enterprise, Format > Columns > Hide on 'NS tỉnh'."""
    ws = wb[wbm.SHEET_ENTERPRISES]
    ws.row_dimensions[wbm.FIRST_DATA_ROW + 1].hidden = True
    ws.column_dimensions[sc.column_letter(_col("provincial"))].hidden = True


def _copied(wb):
    del wb[wbm.META_SHEET]


EDITS = {
    "nguyen-ban": None,
    "chen-cot": _insert_column,
    "xoa-cot": _delete_column,
    "doi-cho-cot": _swap_columns,
    "dong-tong": _total_row,
    "chen-dong-chi-tieu": _insert_indicator_row,
    "doi-ten-trang": _rename_sheet,
    "them-trang": _extra_sheet,
    "ngay-trong-o-so": _date_in_number,
    "so-mo-ho": _ambiguous,
    "chu-thuong": _lower_case,
    "chep-sang-tep-moi": _copied,
    "an-dong-cot": _hidden_row_and_column,
}
# Each edit is saved by Calc as .xlsx; these also as .xls and .ods.
ALL_FORMATS = {"nguyen-ban", "chen-cot", "dong-tong", "doi-ten-trang", "an-dong-cot"}


def _convert(files: list[Path], fmt: str, out: Path, profile: Path) -> None:
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods"}
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            filters[fmt],
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, catalogue):
    base = tmp_path_factory.mktemp("office")
    typed_dir, saved = base / "typed", base / "saved"
    typed_dir.mkdir()
    typed = None
    for name, edit in EDITS.items():
        wb = _base(catalogue)
        typed = _typed(wb)
        if edit:
            edit(wb)
        wb.save(typed_dir / f"NSCL_{YEAR}_{AGENCY}_{name}.xlsx")
    profile = base / "profile"
    for fmt in ("xlsx", "xls", "ods"):
        files = sorted(typed_dir.glob("*.xlsx"))
        if fmt != "xlsx":
            files = [f for f in files if any(f.stem.endswith(n) for n in ALL_FORMATS)]
        _convert(files, fmt, saved / fmt, profile)
    return saved, typed


def _outcome(corpus, catalogue, name: str, fmt: str = "xlsx"):
    saved, _ = corpus
    path = saved / fmt / f"NSCL_{YEAR}_{AGENCY}_{name}.{fmt}"
    assert path.is_file(), f"LibreOffice did not save {path.name}"
    return validate_file(path, YEAR, catalogue, original_name=path.name)


def _messages(out, severity: str) -> str:
    return "\n".join(i.expected for i in out.issues if i.severity == severity)


def _assert_typed(out, typed) -> None:
    """Every stored value is the one typed."""
    data = out.data
    got = {e["name"]: (e["tax_code"], e["support_type"], *(e[k] for k in MONEY)) for e in data["enterprises"]}
    assert got == {o[0]: (o[1], o[3], *o[4:]) for o in ORGS}
    assert {r["code"]: r["value"] for r in data["indicators"]} == typed["indicators"]
    assert data["budget"] == typed["budget"]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_plain_return_saved_by_calc_keeps_every_typed_value(corpus, catalogue, fmt):
    out = _outcome(corpus, catalogue, "nguyen-ban", fmt)
    assert out.status == "accepted", out.issues
    _assert_typed(out, corpus[1])
    assert out.data["narrative"]["achievements"] == NARRATIVE  # its line breaks kept


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_an_inserted_column_is_named_and_never_shifts_a_figure(corpus, catalogue, fmt):
    out = _outcome(corpus, catalogue, "chen-cot", fmt)
    assert out.status == "accepted"
    _assert_typed(out, corpus[1])
    [warning] = [i for i in out.issues if "có thêm cột" in i.expected]
    assert warning.cell == "F4"
    assert warning.expected.startswith(
        "Trang 'Doanh nghiệp' có thêm cột 'Số lao động' (cột F) không có trong biểu mẫu"
    )


def test_a_deleted_column_refuses_the_file_and_names_the_column(corpus, catalogue):
    out = _outcome(corpus, catalogue, "xoa-cot")
    assert out.status == "rejected"
    assert (
        "Trang 'Doanh nghiệp' thiếu cột 'NS tỉnh (triệu đồng)' (cột G trong biểu mẫu được cấp)"
        in _messages(out, "error")
    )


def test_swapped_columns_are_read_by_their_headers(corpus, catalogue):
    out = _outcome(corpus, catalogue, "doi-cho-cot")
    assert out.status == "accepted", out.issues
    _assert_typed(out, corpus[1])
    assert any("đọc theo tiêu đề" in c for c in out.conversions)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_total_row_is_not_an_organisation(corpus, catalogue, fmt):
    out = _outcome(corpus, catalogue, "dong-tong", fmt)
    assert out.status == "accepted", out.issues
    _assert_typed(out, corpus[1])  # three organisations, not four; no doubled budget
    assert (
        f"Dòng {wbm.FIRST_DATA_ROW + len(ORGS)} ('Tổng cộng') là dòng tổng, không phải tên tổ chức"
        in _messages(out, "warning")
    )


def test_a_row_inserted_among_the_indicators_is_to_be_deleted(corpus, catalogue):
    out = _outcome(corpus, catalogue, "chen-dong-chi-tieu")
    assert out.status == "rejected"
    row = wbm.FIRST_DATA_ROW + 2
    assert (
        f"Dòng {row} của trang 'Chỉ tiêu' là dòng chèn thêm, không có trong biểu mẫu (mỗi chỉ tiêu đã có sẵn một "
        f"dòng): đề nghị xóa dòng {row}" in _messages(out, "error")
    )
    assert "không sửa cột mã" not in _messages(out, "error")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_renamed_sheet_is_read_and_named(corpus, catalogue, fmt):
    out = _outcome(corpus, catalogue, "doi-ten-trang", fmt)
    assert out.status == "accepted", out.issues
    _assert_typed(out, corpus[1])
    assert "Đã đọc trang 'Kinh phi' thay cho trang 'Kinh phí' của biểu mẫu" in _messages(out, "warning")


def test_an_added_sheet_is_mentioned_not_read(corpus, catalogue):
    out = _outcome(corpus, catalogue, "them-trang")
    assert out.status == "accepted"
    _assert_typed(out, corpus[1])
    assert (
        "Trang 'Ghi chú thêm' không có trong biểu mẫu nên không được đọc; nội dung cần báo cáo thêm đề nghị ghi vào trang 'Thuyết minh'."
        in _messages(out, "warning")
    )


def test_a_date_in_a_number_cell_is_called_a_date(corpus, catalogue):
    out = _outcome(corpus, catalogue, "ngay-trong-o-so")
    assert out.status == "rejected"
    [issue] = [i for i in out.issues if i.cell == f"D{wbm.FIRST_DATA_ROW}"]
    assert issue.value == "03/11/2025"
    assert issue.expected.startswith("Ô đang chứa ngày 03/11/2025, không phải số")


def test_1500_typed_as_text_is_asked_never_guessed(corpus, catalogue):
    out = _outcome(corpus, catalogue, "so-mo-ho")
    assert out.status == "rejected"
    [issue] = [i for i in out.issues if i.cell == f"D{wbm.FIRST_DATA_ROW + 1}"]
    assert issue.expected.startswith("Chưa xác định được '1,500' là 1.500 hay 1,5")


def test_a_list_item_in_another_case_is_stored_as_the_list_has_it(corpus, catalogue):
    out = _outcome(corpus, catalogue, "chu-thuong")
    assert out.status == "accepted", out.issues
    assert out.data["tasks"][0]["status"] == "Hoàn thành"


def test_sheets_copied_into_a_new_file_are_credited_and_told_to_use_the_workbook(corpus, catalogue, tmp_path):
    saved, _ = corpus
    zones = Zones(tmp_path / "data")
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    copied = saved / "xlsx" / f"NSCL_{YEAR}_{AGENCY}_chep-sang-tep-moi.xlsx"
    shutil.copyfile(copied, inbox / "bao-cao-so-cong-thuong.xlsx")  # its name says nothing
    [result] = [
        pipeline.process_submission(p, YEAR, zones, catalogue) for p in pipeline.list_inbox(YEAR, zones)
    ]
    receipt = read_receipt(zones, YEAR, result["sha256"])
    assert (receipt["status"], receipt["agency_code"]) == ("rejected", AGENCY)
    assert "chép sang một tệp mới" in receipt["errors"][0]["expected"]
    notice = (zones.root / receipt["reply_file"]).read_text(encoding="utf-8")
    assert f"Kính gửi: {catalogue.agency(AGENCY).name}" in notice
    assert "tô đỏ" not in notice  # no red cells exist in a file that was never read


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_hidden_row_and_column_are_read_and_pointed_out(corpus, catalogue, fmt):
    """Values hidden from whoever checks the file on screen are read, and the agency is asked
    to look at them (.xls: the container's row and column formats are not read yet)."""
    out = _outcome(corpus, catalogue, "an-dong-cot", fmt)
    assert out.status == "accepted", out.issues
    _assert_typed(out, corpus[1])
    warnings = _messages(out, "warning")
    row = wbm.FIRST_DATA_ROW + 1
    assert f"Dòng {row} đang bị ẩn nhưng có số liệu" in warnings
    letter = sc.column_letter(_col("provincial"))
    assert f"(cột {letter}) đang bị ẩn" in warnings
