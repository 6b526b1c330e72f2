"""The hostile corpus through ``nscl intake``: zip bombs of 1, 5 and 19 MB, a legal but huge
workbook (4,990 rows x 700 columns, about 9 MB), a formula typed into a number cell, hidden and
lock files, an empty file, a file in an unexpected sub-folder, names with control and
bidirectional characters, an orphan sidecar, a workbook for an agency outside the year's list.

Every file gets its receipt and a Vietnamese message; the big ones each run as their own
``nscl intake`` process under ``/usr/bin/time -v``, whose peak memory must stay under 500 MB
(the figures are printed: ``pytest -s``)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.hostile import _sheet_parts
from openpyxl import load_workbook

YEAR = 2025
MB = 1024 * 1024
PEAK_LIMIT_MB = 500
NSCL = Path(sys.executable).with_name("nscl")
TIME = Path("/usr/bin/time")


def _good(catalogue, code="SCT", mutate=None) -> bytes:
    wb = fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue)
    if mutate:
        mutate(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SHEET_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    b"</sheetData></worksheet>",
)
STYLES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>',
    b"</numFmts></styleSheet>",
)


def _rebuild(good: bytes, out: Path, sheet: str | None, body, pad_to: int = 0) -> Path:
    """``good`` with the XML of ``sheet`` (None: the styles) replaced by what ``body(fh)``
    streams (never held whole), padded with a stored random entry up to ``pad_to``."""
    with zipfile.ZipFile(io.BytesIO(good)) as src:
        target = dict(_sheet_parts(src))[sheet] if sheet else "xl/styles.xml"
        head, tail = SHEET_XML if sheet else STYLES_XML
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                if item.filename == target:
                    with dst.open(target, "w", force_zip64=True) as fh:
                        fh.write(head)
                        body(fh)
                        fh.write(tail)
                else:
                    dst.writestr(item, src.read(item.filename))
            if pad_to:
                size = out.stat().st_size if out.exists() else 0
                info = zipfile.ZipInfo("xl/media/image1.png")
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, os.urandom(max(pad_to - size - 200_000, 1000)))
    return out


def _bomb_body(megabytes: int):
    """Rows without references, all alike: compresses about 1000 to 1."""
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    chunk = row * 1000

    def body(fh):
        for _ in range(megabytes * MB // len(chunk)):
            fh.write(chunk)

    return body


def _styles_body(megabytes: int):
    item = b'<numFmt numFmtId="200" formatCode="' + b"0" * 1000 + b'"/>'
    chunk = item * 1000

    def body(fh):
        for _ in range(megabytes * MB // len(chunk)):
            fh.write(chunk)

    return body


def _huge_body(rows: int, cols: int, header: list[str] | None = None):
    """A legal sheet: numbers in every cell of ``rows`` x ``cols``; ``header`` written as the
    template's header row (row 4), so that the reader reads the rows below it."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, cols + 1)]

    def body(fh):
        for r in range(1, rows + 1):
            if header and r == wbm.FIRST_DATA_ROW - 1:
                cells = "".join(
                    f'<c r="{col}{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                    for col, text in zip(letters, header, strict=False)
                )
            else:
                cells = "".join(
                    f'<c r="{col}{r}"><v>{(r * 7 + i) % 1000}</v></c>' for i, col in enumerate(letters)
                )
            fh.write(f'<row r="{r}">{cells}</row>'.encode())

    return body


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("corpus")
    good = _good(catalogue)
    big = {}
    # 1 and 5 MB: a sheet of 300 MB; 19 MB: styles of 300 MB (which openpyxl reads whole,
    # even in read-only mode, before any sheet).
    for size, part, body in (
        (1, wbm.SHEET_ENTERPRISES, _bomb_body),
        (5, wbm.SHEET_ENTERPRISES, _bomb_body),
        (19, None, _styles_body),
    ):
        big[f"bom-{size}mb.xlsx"] = _rebuild(
            good, folder / f"bom-{size}mb.xlsx", part, body(300), pad_to=size * MB
        )
    big["rat-lon.xlsx"] = _rebuild(
        good, folder / "rat-lon.xlsx", wbm.SHEET_ENTERPRISES, _huge_body(4990, 700)
    )
    big["nhieu-cot.xlsx"] = _rebuild(
        good, folder / "nhieu-cot.xlsx", wbm.SHEET_ENTERPRISES, _huge_body(300, 150)
    )
    # Just inside every limit (180,000 cells): read, validated, and marked in its feedback copy.
    big["o-gioi-han.xlsx"] = _rebuild(
        good,
        folder / "o-gioi-han.xlsx",
        wbm.SHEET_ENTERPRISES,
        _huge_body(4000, 45, ["STT"] + [label for _, label in wbm.ENTERPRISE_COLUMNS]),
    )
    big["nhieu-o.xlsx"] = _rebuild(good, folder / "nhieu-o.xlsx", wbm.SHEET_ENTERPRISES, _huge_body(4000, 60))
    return folder, good, big


def _peak_intake(data: Path) -> tuple[int, float]:
    """Exit code and peak memory (MB) of ``nscl intake`` on the data folder ``data``."""
    env = {**os.environ, "NSCL_DATA_DIR": str(data)}
    run = subprocess.run(
        [str(TIME), "-v", str(NSCL), "intake", "--year", str(YEAR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    return run.returncode, kb / 1024


def _receipts(data: Path) -> list[dict]:
    folder = data / "receipts" / str(YEAR)
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@pytest.mark.skipif(not TIME.exists(), reason="/usr/bin/time (Debian package time) is not installed")
@pytest.mark.parametrize(
    "name",
    [
        "bom-1mb.xlsx",
        "bom-5mb.xlsx",
        "bom-19mb.xlsx",
        "rat-lon.xlsx",
        "nhieu-cot.xlsx",
        "nhieu-o.xlsx",
        "o-gioi-han.xlsx",
    ],
)
def test_big_hostile_files_cost_under_500_mb_and_get_a_receipt(corpus, tmp_path, name):
    folder, _, big = corpus
    data = tmp_path / "data"
    inbox = data / "inbox" / str(YEAR)
    inbox.mkdir(parents=True)
    shutil.copyfile(big[name], inbox / name)
    code, peak = _peak_intake(data)
    size = big[name].stat().st_size / MB
    print(f"\n{name}: {size:.1f} MB file, nscl intake peak memory {peak:.0f} MB")
    assert code == 0
    [r] = _receipts(data)
    assert r["status"] == "rejected" and r["message"], r
    expected = {
        "rat-lon.xlsx": ("too_large", "quá lớn khi giải nén"),  # 92 MB of sheet XML
        "nhieu-cot.xlsx": ("huge_sheet", "quá nhiều cột"),
        "nhieu-o.xlsx": ("too_many_cells", "quá nhiều ô"),
        "o-gioi-han.xlsx": ("invalid", "lỗi cần sửa"),
    }.get(name, ("zip_bomb", "bất thường"))
    assert (r["outcome"], expected[1] in r["message"]) == (expected[0], True), r["message"]
    assert (data / "archive" / r["sha256"][:2] / r["sha256"]).read_bytes() == big[name].read_bytes()
    assert (data / r["reply_file"]).exists()
    if name == "o-gioi-han.xlsx":  # thousands of errors: the first 200 listed, the rest counted
        assert len(r["errors"]) == 200 and r["errors_total"] > 200
        assert f"Có {r['errors_total']} lỗi" in r["message"]
    assert peak < PEAK_LIMIT_MB, f"{name}: {peak:.0f} MB"


def test_every_odd_arrival_has_its_receipt_and_message(corpus, zones, catalogue, capsys):
    from nscl.cli.main import main

    _, good, _ = corpus
    inbox = zones.inbox(YEAR)
    (inbox / "SCT").mkdir(parents=True)
    typed_formula = '=HYPERLINK("http://vi-du.invalid/";"Bấm vào đây")'
    injected = _good(
        catalogue,
        "SYT",
        lambda wb: (
            wb[wbm.SHEET_INDICATORS].cell(row=wbm.FIRST_DATA_ROW, column=8).__setattr__("data_type", "s")
            or None
        ),
    )
    # The formula typed as text into a number cell (as Excel stores what an agency types).
    wb = load_workbook(io.BytesIO(injected))
    cell = wb[wbm.SHEET_INDICATORS].cell(row=wbm.FIRST_DATA_ROW, column=8)
    cell.value = typed_formula
    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    unknown = _good(catalogue, "SCT", lambda wb: wb[wbm.META_SHEET].cell(row=1, column=2, value="XYZ"))
    arrivals = {
        ".bao-cao-an.xlsx": good,  # hidden name: a real workbook, processed
        "~$bao-cao.xlsx": b"\x0bNguyen Van A" + b"\x00" * 150,  # Excel's lock file
        "rong.xlsx": b"",
        "thu-muc/con/sau/bao-cao.xlsx": b"not excel",  # an unexpected sub-folder
        "bao\u202ecod.xlsx": b"PK\x03\x04 broken",  # bidi override in the name
        "chuong\x07bao.xlsx": b"not excel either",  # a control character
        ".mo-coi.xlsx.upload.json": b'{"by": "someone"}',  # a sidecar with no file beside it
        "cong-thuc.xlsx": buf.getvalue(),
        "ngoai-danh-sach.xlsx": unknown,
    }
    two_hours_ago = time.time() - 7200
    for name, data in arrivals.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
        os.utime(inbox / name, (two_hours_ago, two_hours_ago))  # an orphan sidecar: an hour old
    # A sidecar written a moment ago, its file not there yet (an upload in progress): left alone.
    (inbox / ".dang-tai.xlsx.upload.json").write_text('{"by": "staff"}')
    # The staff page's own sidecar beside its upload: a sidecar, not a received file.
    (inbox / "SCT" / "tai-len.xlsx").write_bytes(_good(catalogue, "SCT", lambda wb: None) + b"")
    (inbox / "SCT" / ".tai-len.xlsx.upload.json").write_text('{"by": "staff"}')
    assert main(["intake", "--year", str(YEAR)]) == 0
    capsys.readouterr()
    receipts = {r["inbox_path"]: r for r in _receipts(zones.root)}
    aliases = {a for r in receipts.values() for a in r.get("also_received_as") or []}
    assert set(receipts) | aliases == set(arrivals) | {"SCT/tai-len.xlsx"}
    for path, r in receipts.items():
        assert r["message"] and r["status"] in ("accepted", "rejected"), path
        assert (zones.archive / r["sha256"][:2] / r["sha256"]).exists(), path
    assert receipts["~$bao-cao.xlsx"]["outcome"] == "lock_file"
    assert "khóa tạm của Excel" in receipts["~$bao-cao.xlsx"]["message"]
    assert receipts["rong.xlsx"]["outcome"] == "empty"
    hidden = receipts.get(".bao-cao-an.xlsx") or receipts["SCT/tai-len.xlsx"]
    assert hidden["status"] == "accepted"
    assert receipts["bao\u202ecod.xlsx"]["safe_name"] == "baocod.xlsx"
    assert receipts["chuong\x07bao.xlsx"]["safe_name"] == "chuongbao.xlsx"
    assert any(
        "thư mục con 'thu-muc/con/sau'" in c for c in receipts["thu-muc/con/sau/bao-cao.xlsx"]["conversions"]
    )
    assert receipts[".mo-coi.xlsx.upload.json"]["status"] == "rejected"
    assert receipts["ngoai-danh-sach.xlsx"]["outcome"] == "wrong_agency"

    # The formula comes back as text in the feedback workbook, never as a live formula.
    r = receipts["cong-thuc.xlsx"]
    assert r["status"] == "rejected"
    with zipfile.ZipFile(zones.root / r["feedback_file"]) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"<f>" not in xml and b"HYPERLINK" in xml  # the text is there, no formula element
    feedback = load_workbook(zones.root / r["feedback_file"])
    values = [c for row in feedback["Tổng hợp lỗi"].iter_rows() for c in row if c.value == typed_formula]
    assert values and all(c.data_type == "s" for c in values)

    # nscl status: every receipt, and a section for staff with the files no agency row shows.
    assert main(["status", "--year", str(YEAR)]) == 0
    out = capsys.readouterr().out
    section = out[out.index("CÁC TỆP CẦN CÁN BỘ XỬ LÝ") :]
    for name in (
        "~$bao-cao.xlsx",
        "rong.xlsx",
        "ngoai-danh-sach.xlsx",
        "bao<U+202E>cod.xlsx",
        "chuong<U+0007>bao.xlsx",
    ):
        assert name in section, name
    assert "XYZ" in section and "\u202e" not in out


PREVIEW = """
import json, sys
from pathlib import Path
from nscl.plan.catalogue import default_catalogue
from nscl.staff_page.preview import load_pending, preview, stage
from nscl.store.zones import Zones
zones = Zones(Path(sys.argv[1]))
data = Path(sys.argv[2]).read_bytes()
token = stage(zones, 2025, Path(sys.argv[2]).name, data, "canbo", None, "")
meta, path = load_pending(zones, token)
out = preview(zones, default_catalogue(), meta, path)
print(json.dumps({"errors": len(out.get("errors") or []), "keys": sorted(out)}, default=str))
"""


@pytest.mark.skipif(not TIME.exists(), reason="/usr/bin/time (Debian package time) is not installed")
@pytest.mark.parametrize("name", ["bom-1mb.xlsx", "bom-5mb.xlsx", "bom-19mb.xlsx", "rat-lon.xlsx", "nhieu-o.xlsx"])
def test_the_staff_page_upload_preview_of_a_big_hostile_file_costs_under_500_mb(corpus, tmp_path, name):
    """What the API server does with an upload before staff confirm it (the preview: the same
    checks, then a look at the workbook), in a process of its own, measured as above."""
    _, _, big = corpus
    run = subprocess.run(
        [str(TIME), "-v", sys.executable, "-c", PREVIEW, str(tmp_path / "data"), str(big[name])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    print(f"\n{name}: staff-page preview peak memory {kb / 1024:.0f} MB")
    assert json.loads(run.stdout.strip().splitlines()[-1])["errors"] >= 1
    assert kb / 1024 < PEAK_LIMIT_MB, f"{name}: {kb / 1024:.0f} MB"
