"""A PDF beside each report where LibreOffice is installed (same name, ``.pdf``), recorded in the
manifest and listed by the staff page; without LibreOffice, turned off, or failing: the .docx
alone, the reason in the manifest and the run log, and never a failed report."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from nscl.orchestration import pipeline
from nscl.reporting import render as report
from nscl.store.zones import Zones
from test_report_data import build
from ui import load_staff_page


@pytest.fixture(scope="module")
def staged(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("pdf") / "data")
    build(zones, catalogue, [2025])
    return zones


def manifest_of(path: str) -> dict:
    return json.loads(Path(path).with_suffix(".manifest.json").read_text(encoding="utf-8"))


def staff_page():
    return load_staff_page()


@pytest.mark.skipif(
    not report.soffice(), reason="LibreOffice (Debian: libreoffice-writer-nogui) not installed"
)
def test_pdf_beside_the_docx_in_the_manifest_and_on_the_staff_page(staged, catalogue, monkeypatch):
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    path = Path(pipeline.write_report(2025, staged, catalogue))
    pdf = path.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    m = manifest_of(str(path))
    assert m["pdf"] == {"file": pdf.name, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}
    assert "pdf_note" not in m
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary left
    (group,) = [g for g in staff_page().list_reports(staged, 2025) if g["kind"] == "annual"]
    listed = {v["name"]: v["pdf"] for v in group["versions"]}
    assert listed[path.name] == pdf.name


def test_turned_off_gives_the_docx_alone(staged, catalogue, monkeypatch):
    monkeypatch.setenv("NSCL_REPORT_PDF", "0")
    path = Path(pipeline.write_report(2025, staged, catalogue))
    assert path.is_file() and not path.with_suffix(".pdf").exists()
    m = manifest_of(str(path))
    assert m["pdf"] is None and "NSCL_REPORT_PDF=0" in m["pdf_note"]


def test_without_libreoffice_the_docx_alone_and_a_note_in_the_log(staged, catalogue, monkeypatch, caplog):
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    monkeypatch.setattr(report, "soffice", lambda: None)
    with caplog.at_level(logging.WARNING, logger="nscl.reporting.render"):
        path = Path(pipeline.write_review(zones=staged, catalogue=catalogue, first=2025, last=2025))
    assert path.name == "so-ket-2025-2025-v001.docx" and not path.with_suffix(".pdf").exists()
    m = manifest_of(str(path))
    assert m["pdf"] is None and "LibreOffice" in m["pdf_note"]
    assert "LibreOffice chưa được cài đặt" in caplog.text


@pytest.mark.parametrize("command", ["false", "true"])
def test_a_failed_conversion_never_fails_the_report(staged, catalogue, monkeypatch, caplog, command):
    """``false`` exits 1; ``true`` exits 0 but writes no PDF."""
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    monkeypatch.setattr(report, "soffice", lambda: shutil.which(command))
    with caplog.at_level(logging.WARNING, logger="nscl.reporting.render"):
        path = Path(pipeline.write_report(2025, staged, catalogue))
    assert path.is_file() and not path.with_suffix(".pdf").exists()
    assert manifest_of(str(path))["pdf"] is None
    assert "Không chuyển được sang PDF" in caplog.text
