"""Report writing killed at every point: a reader (the staff page, anyone listing the .docx
files) sees either no new report or a whole one (the .docx with its manifest, and the manifest's
hash is the document's), never a report without its manifest; the next ordinary run writes the
next version whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from nscl.cli.main import main
from test_crash_matrix import YEAR, _forked, _fresh, _inbox


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory, catalogue):
    work = tmp_path_factory.mktemp("report-crash")
    template = work / "inbox-template"
    _inbox(template, catalogue)
    root = _fresh(template, work / "base")
    os.environ["NSCL_DATA_DIR"] = str(root)
    try:
        assert main(["intake", "--year", str(YEAR)]) == 0
        assert main(["report", "--year", str(YEAR)]) == 0  # warm: imports, fonts, templates
    finally:
        os.environ.pop("NSCL_DATA_DIR", None)
    shutil.rmtree(root / "reports")
    log = work / "points.log"
    probe = work / "probe"
    shutil.copytree(root, probe)
    assert _forked(probe, ["report", "--year", str(YEAR)], {"NSCL_FAULT_LOG": str(log)}) == 0
    points = log.read_text().split()
    assert "report.claimed" in points and "report.pdf" in points
    return work, root, points


def _whole_reports(folder: Path) -> list[str]:
    """The .docx a reader lists, each checked against its manifest."""
    out = []
    for docx in sorted(folder.glob("*.docx")):
        if docx.name.startswith("."):
            continue
        manifest = json.loads(docx.with_suffix(".manifest.json").read_text(encoding="utf-8"))
        assert manifest["document"] == docx.name
        assert manifest["document_sha256"] == hashlib.sha256(docx.read_bytes()).hexdigest()
        out.append(docx.name)
    return out


def test_a_kill_at_every_point_leaves_no_report_or_a_whole_one(consolidated):
    work, base, points = consolidated
    for n in range(1, len(points) + 1):
        root = work / f"kill-{n}"
        shutil.copytree(base, root)
        code = _forked(root, ["report", "--year", str(YEAR)], {"NSCL_FAULT_AT": f"*:{n}"})
        assert code == 137, (n, points[n - 1])
        folder = root / "reports" / str(YEAR)
        seen = _whole_reports(folder) if folder.exists() else []
        assert seen in ([], [f"bao-cao-nam-{YEAR}-v001.docx"]), (n, points[n - 1], seen)
        assert _forked(root, ["report", "--year", str(YEAR)], {}) == 0
        after = _whole_reports(folder)
        assert after and after[-1] not in seen, (n, points[n - 1], after)
        shutil.rmtree(root)
    print(f"\nreport writing: {len(points)} kill points tried")
