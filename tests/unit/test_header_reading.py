"""The enterprise list read by its headers, whatever an agency does to its columns and rows.

A property test: any sequence of columns inserted (with a header of their own and figures in
them), deleted, moved or given a duplicate header, and total rows added, either reads each
organisation's figures exactly as typed, by header, or says what changed. Never a value from a
column whose header is another's. The typed figures are the test's own, not the sample's.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nscl.forms import schema as sc
from nscl.forms import workbook as wbm

SPEC = sc.ENTERPRISES
LABELS = [c.label for c in SPEC.columns]
N_ORGS = 4


def _typed(i: int) -> dict[str, object]:
    """What the agency typed for organisation ``i``: every money figure distinct, so a figure
    read from a neighbouring column is never equal by chance."""
    return {
        "stt": i + 1,
        "name": f"Công ty TNHH Số {i + 1}",
        "tax_code": f"01012345{i:02d}",
        "locality": "Phường Phố Hiến",
        "support_type": sc.SUPPORT_TYPES[i],
        "central": 1000 + i,
        "provincial": 2000 + i,
        "enterprise": 3000 + i,
        "other": 4000 + i,
    }


class _Template(bytes):
    def __repr__(self) -> str:  # hypothesis prints its arguments: not 60 kB of zip
        return "<blank 2025 workbook of SCT>"


@pytest.fixture(scope="module")
def template(catalogue):
    wb = wbm.build_workbook(catalogue.expectation(2025, "SCT"), 2025, catalogue)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _Template(buffer.getvalue())


edits = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(0, 12), st.sampled_from(["Số lao động", "Ghi chú", ""])),
        st.tuples(st.just("delete"), st.integers(0, 12), st.just("")),
        st.tuples(st.just("swap"), st.integers(0, 12), st.integers(0, 12).map(str)),
        st.tuples(st.just("duplicate"), st.integers(0, 12), st.just("")),
    ),
    max_size=4,
)


def _apply(columns: list[tuple[str, list]], edit) -> None:
    kind, at, arg = edit
    if kind == "insert":
        at = at % (len(columns) + 1)
        columns.insert(at, (arg, [7 * (r + 1) for r in range(N_ORGS)] + [None]))
    elif not columns:
        return
    elif kind == "delete":
        columns.pop(at % len(columns))
    elif kind == "swap":
        a, b = at % len(columns), int(arg) % len(columns)
        columns[a], columns[b] = columns[b], columns[a]
    elif kind == "duplicate":
        header, _ = columns[at % len(columns)]
        if header:
            columns.append((header, [5] * N_ORGS + [None]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits, total_row=st.booleans())
def test_columns_are_read_by_header_or_the_change_is_said(template, tmp_path, edits, total_row):
    from openpyxl import load_workbook

    rows = [_typed(i) for i in range(N_ORGS)]
    columns: list[tuple[str, list]] = []
    for col in SPEC.columns:
        values = [r[col.key] for r in rows]
        if total_row:  # a "Tổng cộng" row under the list, its figures the sums
            values.append("Tổng cộng" if col.key == "name" else sum(values) if col.kind == "money" else None)
        else:
            values.append(None)
        columns.append((col.label, values))
    for edit in edits:
        _apply(columns, edit)

    wb = load_workbook(io.BytesIO(template))
    ws = wb[SPEC.title]
    ws.delete_cols(1, 20)
    for c, (header, values) in enumerate(columns, start=1):
        ws.cell(row=sc.HEADER_ROW, column=c, value=header or None)
        for r, v in enumerate(values):
            ws.cell(row=sc.FIRST_DATA_ROW + r, column=c, value=v)
    path = tmp_path / "x.xlsx"
    wb.save(path)
    sub = wbm.read_workbook(path)
    notes = [n for n in sub.notes if n.sheet == SPEC.title]

    headers = [h for h, _ in columns]
    errors = [n for n in notes if n.severity == "error"]
    for col in SPEC.columns:
        count = headers.count(col.label)
        if count != 1 and (col.input or col.key == SPEC.row_key):
            # deleted or doubled: said, and the file is refused (nothing is read wrong)
            assert any(col.label in n.message for n in errors), (col.key, headers, [n.message for n in notes])
    if not errors:
        # accepted: every organisation, and nothing else, with exactly what was typed
        assert len(sub.enterprises) == N_ORGS, (headers, [n.message for n in notes])
        for col in SPEC.columns:
            if headers.count(col.label) == 1:
                # what the one column under that header holds (a doubled column whose original was
                # then deleted holds the copy's values)
                typed = next(v for h, v in columns if h == col.label)[:N_ORGS]
                assert [e[col.key] for e in sub.enterprises] == typed, (col.key, headers)
    extra = [(h, v) for h, v in columns if h not in LABELS and any(x not in (None, "") for x in v)]
    for h, _ in extra:
        assert any("có thêm cột" in n.message and (not h or h in n.message) for n in notes), (h, headers)


def test_a_moved_column_is_read_by_name_and_recorded(template, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    ws = wb[SPEC.title]
    for c, col in enumerate(SPEC.columns, start=1):
        ws.cell(row=sc.FIRST_DATA_ROW, column=c, value=_typed(0)[col.key])
    ws.move_range("F4:F5", cols=5)  # NS trung ương moved right of the table
    path = tmp_path / "x.xlsx"
    wb.save(path)
    sub = wbm.read_workbook(path)
    assert sub.enterprises[0]["central"] == 1000
    assert sub.layout["enterprises"]["central"] == 11
    assert any(n.severity == "conversion" and "theo tiêu đề" in n.message for n in sub.notes)


def test_the_feedback_summary_sent_back_is_not_an_extra_sheet(template, tmp_path):
    """An agency corrects the feedback copy (which carries 'Tổng hợp lỗi') and sends it back: that
    sheet is ours, not one it added; any other added sheet is named."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    wb.create_sheet(sc.FEEDBACK_SHEET, 0)["A1"] = "PHẢN HỒI"
    wb.create_sheet("Ghi chú riêng")["A1"] = "x"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    notes = [n.message for n in wbm.read_workbook(path).notes]
    assert not any(sc.FEEDBACK_SHEET in m for m in notes)
    assert any("Trang 'Ghi chú riêng' không có trong biểu mẫu" in m for m in notes)
