"""The intake on workbooks that LibreOffice Calc itself edited through its own API, as a person
does with its menus (``tests/office_suite.py``: unprotect, insert or delete a column, cut and
insert, type, rename, copy to a new document, save as .xlsx, .xls and .ods).

The truth is the edited file read back by its headers (``office_suite.records``), not our
reader: every figure the intake keeps must be the one under that header, or the file is refused
with a message that says what changed.
"""

from __future__ import annotations

import pytest
from nscl.forms import schema as sc
from nscl.intake.validation import validate_file

office_suite = pytest.importorskip("office_suite")

YEAR = 2025
MONEY = [c for c in sc.ENTERPRISES.columns if c.kind == "money"]

pytestmark = pytest.mark.skipif(
    office_suite.unavailable() is not None, reason=str(office_suite.unavailable())
)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return office_suite.filled_source(tmp_path_factory.mktemp("office-src"))


@pytest.fixture(scope="module")
def files(source):
    return office_suite.corpus(source)


def _validate(path, catalogue):
    return validate_file(path, YEAR, catalogue, original_name=path.name)


def _truth(path) -> list[dict]:
    """The organisations as the edited file lists them, by header (total rows left out)."""
    label = sc.ENTERPRISES.column("name").label
    rows = office_suite.records(path, office_suite.ENTERPRISES)
    return [r for r in rows if r.get(label) not in (None, "") and str(r[label]).strip() != "Tổng cộng"]


def _same_figures(out, path) -> None:
    truth = _truth(path)
    got = out.data["enterprises"]
    assert [e["name"] for e in got] == [r[sc.ENTERPRISES.column("name").label] for r in truth]
    for col in MONEY:
        assert [e[col.key] for e in got] == [float(r.get(col.label) or 0) for r in truth], col.label


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
@pytest.mark.parametrize(
    "case", ["as_saved", "insert_column", "swap_columns", "total_row", "rename_sheet", "extra_sheet"]
)
def test_accepted_returns_keep_the_figures_under_their_headers(files, catalogue, case, fmt):
    path = files[case][fmt]
    out = _validate(path, catalogue)
    assert out.status == "accepted", [i.expected for i in out.issues if i.severity == "error"]
    _same_figures(out, path)
    warnings = "\n".join(i.expected for i in out.issues if i.severity == "warning")
    expected = {
        "insert_column": "có thêm cột 'Số lao động' (cột F)",
        "total_row": "là dòng tổng cộng",
        "rename_sheet": "Đã đọc trang 'Kinh phi' thay cho trang 'Kinh phí'",
        "extra_sheet": "Trang 'Ghi chú' không có trong biểu mẫu",
    }.get(case)
    if expected:
        assert expected in warnings


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("delete_column", "thiếu cột 'NS tỉnh (triệu đồng)'"),
        ("insert_row_indicators", "là dòng chèn thêm, không có trong biểu mẫu"),
        ("date_in_number", "Ô đang chứa ngày 03/11/2025"),
        ("text_number", "'1,500' có thể hiểu là 1,5 hoặc 1.500"),
        ("copied_sheets", "chép sang một tệp mới"),
    ],
)
def test_refused_returns_say_what_changed(files, catalogue, case, said, fmt):
    out = _validate(files[case][fmt], catalogue)
    assert out.status == "rejected"
    assert said in "\n".join(i.expected for i in out.issues if i.severity == "error")
    assert out.agency_code == "SKHCN"  # credited to its agency even when refused


@pytest.fixture(scope="module")
def random_files(source, tmp_path_factory):
    n = office_suite.count_enterprises(source)
    cases = office_suite.random_cases(n, 10, seed=21)
    jobs = [office_suite.Job(source, c.name, c.edits, ("xlsx",)) for c in cases]
    return office_suite.run_jobs(jobs, tmp_path_factory.mktemp("office-random"))


def test_random_column_and_row_edits_give_a_message_or_the_typed_figures(random_files, catalogue):
    """Columns inserted (with figures), deleted or moved and rows inserted, by Calc, at random:
    each file is refused with a message or keeps exactly the figures under their headers."""
    accepted = refused = 0
    for name, paths in random_files.items():
        out = _validate(paths["xlsx"], catalogue)
        if out.status == "rejected":
            assert [i for i in out.issues if i.severity == "error" and i.expected], name
            refused += 1
        else:
            _same_figures(out, paths["xlsx"])
            accepted += 1
    assert accepted + refused == 10
