"""The staff page's file-name and path helpers, without a server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(scope="module")
def page():
    from nscl.staff_page import queries, uploads

    return SimpleNamespace(
        clean_filename=uploads.clean_filename, unique_path=uploads.unique_path, safe_child=queries.safe_child
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("NSCL_2025_SKHCN.xlsx", "NSCL_2025_SKHCN.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\báo cáo.xlsx", "báo cáo.xlsx"),
        ("/abs/path/x.xlsx", "x.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("..", "tep-tai-len"),
        ("", "tep-tai-len"),
        ("a\x00b\nc.xlsx", "abc.xlsx"),
        ("Báo cáo năm 2025.xlsx", "Báo cáo năm 2025.xlsx"),
        ("x<script>.xlsx", "x_script_.xlsx"),
    ],
)
def test_clean_filename(page, raw, clean):
    assert page.clean_filename(raw) == clean


def test_clean_filename_is_nfc_and_bounded(page):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Báo cáo Sở Tài chính.xlsx")
    assert page.clean_filename(nfd) == unicodedata.normalize("NFC", nfd)
    assert len(page.clean_filename("a" * 500 + ".xlsx")) <= 150


def test_safe_child(page, tmp_path):
    from fastapi import HTTPException

    base = tmp_path / "reports" / "2025"
    base.mkdir(parents=True)
    (base / "r.docx").write_bytes(b"x")
    (tmp_path / "secret.docx").write_bytes(b"s")
    (base / "link.docx").symlink_to(tmp_path / "secret.docx")
    assert page.safe_child(base, "r.docx", (".docx",)) == (base / "r.docx").resolve()
    for name in (
        "../secret.docx",
        "link.docx",
        "",
        ".",
        "..",
        "r.docx/..",
        "a\\b.docx",
        "r.pdf",
        "nope.docx",
    ):
        with pytest.raises(HTTPException):
            page.safe_child(base, name, (".docx",))


def test_unique_path_never_overwrites(page, tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"1")
    assert page.unique_path(tmp_path, "a.xlsx").name == "a-2.xlsx"
    assert page.unique_path(tmp_path, "b.xlsx").name == "b.xlsx"


def test_plugin_registers_app_and_nav_entry():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "plugins" / "nscl_staff_page.py"
    spec = importlib.util.spec_from_file_location("nscl_staff_page_plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.NsclStaffPagePlugin
    assert plugin.fastapi_apps[0]["url_prefix"] == "/nscl"
    view = plugin.external_views[0]
    assert view["name"] == "Báo cáo NSCL" and not view["href"].startswith("/")
