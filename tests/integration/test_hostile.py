"""Hostile and broken files: each gets a rejected receipt with a Vietnamese message, is kept
byte for byte in the archive, and never stops the processing of the other files."""

from __future__ import annotations

import io
import zipfile

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.hostile import inspect_file, safe_name
from nscl.intake.process import process_file
from nscl.orchestration import pipeline
from nscl.settings import IntakeLimits
from nscl.store.archive import archive_path

YEAR = 2025


def _good_bytes(catalogue, code="SCT", year=YEAR, mutate=None) -> bytes:
    wb = fill_workbook(catalogue.expectation(year, code), year, catalogue)
    if mutate:
        mutate(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, (replace or {}).get(item.filename, src.read(item.filename)))
        for name, payload in (add or {}).items():
            dst.writestr(name, payload)
    return out.getvalue()


def _encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("matkhau", out)
    return out.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>'
)


@pytest.fixture(scope="module")
def good(catalogue):
    return _good_bytes(catalogue)


def _cases(catalogue, good):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    with_formula = _good_bytes(
        catalogue,
        mutate=lambda wb: wb[wbm.SHEET_INDICATORS].cell(row=wbm.FIRST_DATA_ROW, column=8, value="=1+1"),
    )
    return {
        # name: (file name, bytes, expected outcome code, a word the message must contain)
        "text": ("bao-cao.xlsx", "không phải bảng tính".encode(), "not_workbook", ".xlsx"),
        "pdf": ("bao-cao.xlsx", b"%PDF-1.7 ...", "not_workbook", "PDF"),
        "empty": ("rong.xlsx", b"", "empty", "rỗng"),
        "corrupt": ("hong.xlsx", good[: len(good) // 2], "corrupt", "hỏng"),
        "encrypted": ("mat-khau.xlsx", _encrypted(good), "encrypted", "mật khẩu"),
        "zip_bomb": ("bom.xlsx", bomb.getvalue(), "zip_bomb", "bất thường"),
        # a second sheet part of the same name, in another case: Excel may read one, we the other
        "repeated_entry": (
            "lap-ten.xlsx",
            _rezip(good, add={"XL/worksheets/Sheet2.xml": b"<worksheet/>"}),
            "corrupt",
            "lặp tên",
        ),
        "xml_entities": (
            "xxe.xlsx",
            _rezip(good, replace={"xl/workbook.xml": ENTITY_BOMB}),
            "xml_entities",
            "XML",
        ),
        "formula_no_value": ("cong-thuc.xlsx", with_formula, "invalid", "công thức"),
        "other_year": ("nam-2024.xlsx", _good_bytes(catalogue, year=2024), "wrong_year", "năm 2024"),
    }


def test_each_hostile_file_gets_a_clear_outcome_and_none_stops_the_others(zones, catalogue, good):
    cases = _cases(catalogue, good)
    inbox = zones.inbox(YEAR)
    for key, (name, data, _, _) in cases.items():
        (inbox / key).mkdir(parents=True)
        (inbox / key / name).write_bytes(data)
    (inbox / "SCT").mkdir()
    (inbox / "SCT" / "tot.xlsx").write_bytes(good)
    (inbox / "SYT").mkdir()  # another agency's workbook dropped in SYT's folder
    (inbox / "SYT" / "nham.xlsx").write_bytes(good)
    results = {p.split("/")[-2]: pipeline.process_submission(p, YEAR) for p in pipeline.list_inbox(YEAR)}
    receipts = {r["sha256"]: r for r in map(_receipt(zones), results.values())}
    assert results["SCT"]["status"] == "accepted"
    assert (
        results["SYT"]["status"] == "accepted" and results["SYT"]["duplicate"]
    )  # same bytes as SCT/tot.xlsx
    for key, (_, data, code, word) in cases.items():
        r = receipts[results[key]["sha256"]]
        assert (key, r["status"], r["outcome"]) == (key, "rejected", code)
        text = " ".join(e["expected"] for e in r["errors"])
        assert word.lower() in text.lower(), (key, text)
        assert archive_path(zones, r["sha256"]).read_bytes() == data  # nothing lost
        assert (zones.quarantine(YEAR) / r["sha256"] / r["safe_name"]).read_bytes() == data
        assert (zones.quarantine(YEAR) / r["sha256"] / "bien-nhan.txt").exists()
    formula = receipts[results["formula_no_value"]["sha256"]]
    assert [e["cell"] for e in formula["errors"]] == [f"H{wbm.FIRST_DATA_ROW}"]


def test_macros_and_misnamed_workbooks_are_read_by_content_never_run(zones, catalogue, good):
    """A workbook with macros is read for its values only (nothing runs) and the receipt says the
    macros were ignored; an .xlsx named .xls is read by its content, and the receipt says so."""
    inbox = zones.inbox(YEAR)
    cases = {
        "SYT": ("bao-cao.xls", _good_bytes(catalogue, "SYT"), "dù tên tệp là .xls"),
        "SXD": (
            "bao-cao.xlsm",
            _rezip(_good_bytes(catalogue, "SXD"), add={"xl/vbaProject.bin": b"\0" * 64}),
            "macro",
        ),
        "SCT": ("bao-cao.xlsx", _rezip(good, add={"xl/vbaProject.bin": b"\0" * 64}), "macro"),
    }
    for code, (name, data, _) in cases.items():
        (inbox / code).mkdir(parents=True)
        (inbox / code / name).write_bytes(data)
    for path in pipeline.list_inbox(YEAR):
        code = path.split("/")[-2]
        r = _receipt(zones)(pipeline.process_submission(path, YEAR))
        assert (code, r["status"], r["agency_code"]) == (code, "accepted", code)
        assert any(cases[code][2] in c for c in r["conversions"]), r["conversions"]


def test_the_inbox_folder_must_match_the_workbooks_agency(zones, catalogue, good):
    folder = zones.inbox(YEAR) / "SYT"
    folder.mkdir(parents=True)
    (folder / "cua-SCT.xlsx").write_bytes(good)
    r = process_file(folder / "cua-SCT.xlsx", YEAR, zones, catalogue)
    assert (r["status"], r["outcome"], r["inbox_agency"], r["agency_code"]) == (
        "rejected",
        "wrong_agency",
        "SYT",
        "SCT",
    )
    assert "thư mục của Sở Y tế nhưng biểu mẫu là của Sở Công Thương" in r["errors"][0]["expected"]


def test_limits_are_configurable(tmp_path, good):
    path = tmp_path / "x.xlsx"
    path.write_bytes(good)
    assert inspect_file(path, "x.xlsx").problem is None
    assert inspect_file(path, "x.xlsx", IntakeLimits(max_file_bytes=1000)).problem.code == "too_large"
    huge = inspect_file(path, "x.xlsx", IntakeLimits(max_rows=50)).problem
    assert huge.code == "huge_sheet" and wbm.SHEET_ENTERPRISES in huge.message


@pytest.mark.parametrize(
    ("name", "safe", "note"),
    [
        ("../../etc/passwd.xlsx", "passwd.xlsx", "đường dẫn"),
        ("..\\..\\bao-cao.xlsx", "bao-cao.xlsx", "đường dẫn"),
        ("bao-cao\u202excod.xlsx", "bao-caoxcod.xlsx", "U+202E"),
        ("ba\u0301o ca\u0301o.xlsx", "báo cáo.xlsx", "NFD"),
        ("ｂａｏｃａｏ.xlsx", "baocao.xlsx", "biến thể"),
        (".hidden.xlsx", "hidden.xlsx", None),
        ("con.xlsx", "_con.xlsx", None),
        ("a" * 300 + ".xlsx", "a" * 145 + ".xlsx", "quá dài"),
    ],
)
def test_file_names_are_made_safe(name, safe, note):
    got, notes = safe_name(name)
    assert got == safe
    assert "/" not in got and "\\" not in got
    if note:
        assert any(note in n for n in notes), notes


def test_odd_file_names_are_archived_and_quarantined_safely(zones, catalogue):
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    evil = inbox / "..\\..\\bao\u202ecod.xlsx"
    evil.write_bytes(b"not a workbook")
    r = process_file(evil, YEAR, zones, catalogue)
    assert r["status"] == "rejected" and r["safe_name"] == "baocod.xlsx"
    assert r["original_name"] == evil.name  # the name as received, for the record
    stored = zones.quarantine(YEAR) / r["sha256"] / r["safe_name"]
    assert stored.read_bytes() == b"not a workbook" and stored.parent.parent == zones.quarantine(YEAR)
    assert any("Tên tệp" in c for c in r["conversions"])


def _receipt(zones):
    import json

    def load(small):
        return json.loads((zones.receipts(YEAR) / f"{small['sha256']}.json").read_text(encoding="utf-8"))

    return load


def _sheet_xml(rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def _with_sheet(good: bytes, sheet_xml: bytes) -> bytes:
    """``good`` with its first data sheet's XML replaced (the part the workbook names first)."""
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        part = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]
    return _rezip(good, replace={part: sheet_xml})


def test_a_value_far_down_is_refused_before_any_reader_holds_the_sheet(tmp_path, good):
    """Two rows, one of them at row 1,000,000: few rows and cells, but a reader that keeps the
    used range (calamine) would hold a million rows. Refused by the scan, with the row named;
    a far cell with no value (only a style) is harmless and passes."""
    far = _with_sheet(
        good,
        _sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="A1000000"><v>2</v></c></row>'
        ),
    )
    path = tmp_path / "xa.xlsx"
    path.write_bytes(far)
    problem = inspect_file(path, "xa.xlsx").problem
    assert problem is not None and problem.code == "huge_sheet"
    assert "1.000.000" in problem.message and "5.000" in problem.message
    styled = _with_sheet(
        good,
        _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="A1000000" s="1"/></row>'),
    )
    path.write_bytes(styled)
    assert inspect_file(path, "xa.xlsx").problem is None


def test_cells_without_references_count_where_a_reader_puts_them(tmp_path, good):
    """Cells with no ``r`` attribute are placed one after another by readers: 150 of them in a
    row reach column 150, past the 100-column limit, though no reference says so."""
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(150))
    path = tmp_path / "khong-toa-do.xlsx"
    path.write_bytes(_with_sheet(good, _sheet_xml(f"<row>{cells}</row>")))
    problem = inspect_file(path, "khong-toa-do.xlsx").problem
    assert problem is not None and problem.code == "huge_sheet" and "cột" in problem.message
    scan = next(iter(inspect_file(path, "x.xlsx", IntakeLimits(max_columns=200)).sheets.values()))
    assert (scan.max_column, scan.max_value_row, scan.cells) == (150, 1, 150)
