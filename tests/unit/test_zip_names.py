"""Two zip entries naming one part (issue 21, item 8): nscl.intake.zip_names."""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile

import pytest
from nscl.intake.zip_names import duplicate_entries, duplicate_message, entry_key, escaping_entries


def _zip(names: list[str]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name", and writes it anyway
        with zipfile.ZipFile(buffer, "w") as zf:
            for i, name in enumerate(names):
                zf.writestr(name, f"<x>{i}</x>")
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_an_openpyxl_workbook_has_no_repeated_entry(catalogue):
    from nscl.forms.sample import fill_workbook

    exp = catalogue.expectation(2025, "SKHCN")
    buffer = io.BytesIO()
    fill_workbook(exp, 2025, catalogue).save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        assert len(zf.infolist()) > 10
        assert duplicate_entries(zf.infolist()) == []
        assert escaping_entries(zf.infolist()) == []


def test_the_same_name_twice_is_found_in_the_real_zip_directory():
    zf = _zip(
        ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"]
    )
    # zipfile's own name map keeps one of the two: only infolist shows both.
    assert len(zf.namelist()) == 4 and len(zf.NameToInfo) == 3
    assert duplicate_entries(zf.infolist()) == ["xl/worksheets/sheet1.xml"]


def test_a_name_three_times_is_reported_twice_in_zip_order():
    zf = _zip(["a.xml", "b.xml", "A.xml", "a.XML"])
    assert duplicate_entries(zf.infolist()) == ["A.xml", "a.XML"]


@pytest.mark.parametrize(
    "twin",
    [
        "xl/Workbook.xml",  # Excel compares part names without regard to case
        "XL/WORKBOOK.XML",
        "xl\\workbook.xml",  # a Windows tool's separator
        "/xl/workbook.xml",
        "xl//workbook.xml",
        "xl/./workbook.xml",
        "xl/worksheets/../workbook.xml",
        "./xl/workbook.xml",
        "xl/%77orkbook.xml",  # a percent-escape of "w"
    ],
)
def test_spellings_of_one_part_are_the_same_entry(twin):
    zf = _zip(["xl/workbook.xml", "xl/styles.xml", twin])
    assert duplicate_entries(zf.infolist()) == [twin]
    assert entry_key(twin) == "xl/workbook.xml"


def test_unicode_normal_forms_of_one_name_are_the_same_entry():
    nfc = unicodedata.normalize("NFC", "xl/media/ảnh.png")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert duplicate_entries([nfc, nfd]) == [nfd]


@pytest.mark.parametrize(
    "pair",
    [
        ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet11.xml"),
        ("xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels"),
        ("xl/workbook.xml", "workbook.xml"),  # another folder is another part
        ("xl/", "xl"),  # a folder entry is not the file of the same name
        ("xl/media/a b.png", "xl/media/a_b.png"),
    ],
)
def test_different_parts_are_not_duplicates(pair):
    assert duplicate_entries(list(pair)) == []


def test_names_that_leave_the_container_are_named():
    names = ["xl/workbook.xml", "../evil.xml", "xl/../../evil.xml", "/etc/passwd", "C:/x.xml", "..%2fx.xml"]
    assert escaping_entries(names) == names[1:]
    assert escaping_entries(["xl/worksheets/../workbook.xml", "xl/a..b.xml"]) == []


def test_the_message_names_the_repeated_parts_and_how_to_fix_it():
    one = duplicate_message(["xl/worksheets/sheet1.xml"])
    assert "'xl/worksheets/sheet1.xml'" in one and "Save As" in one and "thành phần khác" not in one
    many = duplicate_message([f"xl/{i}.xml" for i in range(5)])
    assert "'xl/2.xml'" in many and "'xl/3.xml'" not in many and "và 2 thành phần khác" in many
