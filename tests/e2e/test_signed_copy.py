"""The signed record, end to end with LibreOffice and pyHanko: the approved 2025 report converted
to PDF by LibreOffice, signed in the test with a throw-away self-signed certificate, added with
``nscl signed add``: accepted and verified (subject, signing time, not changed after signing),
kept byte for byte in the raw archive, linked from the manifest, shown by ``nscl status --json``;
the same PDF unsigned: accepted, "không có chữ ký số"; a PDF whose text differs: refused (exit
1) showing the passage; a signed PDF changed after signing: refused. The year is then locked: a
new report version is refused, a late file is received and listed "nhận sau khi báo cáo đã
ký"; reopening (recorded) unlocks it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from nscl.cli.main import main
from nscl.orchestration import pipeline
from nscl.reporting import render as report
from nscl.settings import LOCAL_TZ
from nscl.store import editorial, signed
from nscl.store.archive import archive_path
from nscl.store.zones import Zones
from test_report_data import build
from test_report_editorial import approve

YEAR = 2025
pytestmark = pytest.mark.skipif(not report.soffice(), reason="LibreOffice not installed")


def throwaway_signer(folder: Path, cn: str = "Nguyễn Văn Minh"):
    """A self-signed RSA certificate made now, and a pyHanko signer with it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Khoa học và Công nghệ tỉnh Hưng Yên"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "key.pem").write_bytes(pem_key)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return signers.SimpleSigner.load(str(folder / "key.pem"), str(folder / "cert.pem"))


def sign(pdf: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    meta = signers.PdfSignatureMetadata(field_name="ChuKyLanhDao")
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer).getvalue()


def to_pdf(docx: Path, out: Path) -> bytes:
    """The .docx through LibreOffice, as the clerk's office would print it to PDF."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "profile").resolve().as_uri()
    cmd = [report.soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*cmd, "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=240)
    return (out / docx.with_suffix(".pdf").name).read_bytes()


@pytest.fixture(scope="module")
def approved(tmp_path_factory, catalogue):
    root = tmp_path_factory.mktemp("signed")
    zones = Zones(root / "data")
    build(zones, catalogue, [YEAR])
    approve(zones)
    docx = Path(pipeline.write_report(YEAR, zones, catalogue))
    return zones, docx, to_pdf(docx, root / "pdf")


def add(zones, monkeypatch, pdf: bytes, tmp_path, number="123", day=None) -> int:
    monkeypatch.setenv("NSCL_DATA_DIR", str(zones.root))
    f = tmp_path / "ban-da-ky.pdf"
    f.write_bytes(pdf)
    day = day or dt.datetime.now(LOCAL_TZ).date()
    args = [
        "signed",
        "add",
        "--year",
        str(YEAR),
        "--file",
        str(f),
        "--number",
        number,
        "--date",
        day.isoformat(),
    ]
    return main([*args, "--by", "Văn thư Sở"])


def test_a_different_text_is_refused_showing_the_passage(approved, monkeypatch, tmp_path, capsys):
    zones, docx, _ = approved
    doc = Document(str(docx))
    para = next(p for p in doc.paragraphs if "cơ quan, đơn vị thuộc diện báo cáo" in p.text)
    for run in para.runs:
        run.text = run.text.replace("cơ quan, đơn vị thuộc diện", "đơn vị, tổ chức ngoài diện")
    assert "ngoài diện" in para.text
    changed = tmp_path / "khac" / docx.name
    changed.parent.mkdir()
    doc.save(str(changed))
    assert add(zones, monkeypatch, to_pdf(changed, tmp_path / "out"), tmp_path) == 1
    err = capsys.readouterr().err
    assert "không phải bản đã phê duyệt" in err and "ngoài diện" in err
    assert signed.current(zones, YEAR) is None  # nothing kept


def test_a_signature_broken_after_signing_is_refused(approved, monkeypatch, tmp_path, capsys):
    zones, _, pdf = approved
    data = bytearray(sign(pdf, throwaway_signer(tmp_path)))
    i = data.index(b"/Producer")  # inside the signed byte range, outside the text
    data[i + 1 : i + 3] = b"Xr"
    assert add(zones, monkeypatch, bytes(data), tmp_path) == 1
    assert "không hợp lệ" in capsys.readouterr().err
    assert signed.current(zones, YEAR) is None


def test_unsigned_copy_is_accepted_and_says_so(approved, monkeypatch, tmp_path, capsys):
    zones, _, pdf = approved
    assert add(zones, monkeypatch, pdf, tmp_path, number="122/BC-SKHCN") == 0
    out = capsys.readouterr().out
    assert "không có chữ ký số" in out
    record = signed.current(zones, YEAR)
    assert record["number"] == "122/BC-SKHCN" and record["signature"]["present"] is False


def test_signed_copy_is_verified_kept_and_locks_the_year(approved, monkeypatch, tmp_path, capsys, catalogue):
    zones, docx, pdf = approved
    before = dt.datetime.now(LOCAL_TZ)
    data = sign(pdf, throwaway_signer(tmp_path))
    today = dt.datetime.now(LOCAL_TZ).date()
    assert add(zones, monkeypatch, data, tmp_path, number="123") == 0
    capsys.readouterr()
    record = signed.current(zones, YEAR)
    sig = record["signature"]["signatures"][0]
    assert "Nguyễn Văn Minh" in sig["subject"]
    assert sig["intact"] and sig["whole_file"] and not sig["trusted"]  # self-signed: not trusted
    signed_at = dt.datetime.fromisoformat(sig["signing_time"])
    assert before - dt.timedelta(seconds=5) <= signed_at <= dt.datetime.now(LOCAL_TZ)
    assert "tệp không bị sửa sau khi ký" in record["signature"]["summary"]
    # kept byte for byte, content-addressed, linked from the approved report's manifest
    sha = hashlib.sha256(data).hexdigest()
    assert record["sha256"] == sha and archive_path(zones, sha).read_bytes() == data
    manifest = json.loads(docx.with_name(docx.stem + ".manifest.json").read_text("utf-8"))
    assert manifest["signed"]["sha256"] == sha and manifest["signed"]["number"] == "123/BC-SKHCN"
    label = f"Đã ký: Số 123/BC-SKHCN ngày {today.day:02d}/{today.month:02d}/{today.year}"
    assert main(["status", "--year", str(YEAR), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["signed"]["annual"]["label"] == label and status["locked"] is True
    assert main(["status", "--year", str(YEAR)]) == 0
    assert label in capsys.readouterr().out
    from nscl.staff_page.overview import overview

    assert overview(zones, catalogue, YEAR)["signed"] == label  # the staff page's overview says it too

    # locked: a new version is refused, saying why
    with pytest.raises(ValueError, match="đã khóa"):
        pipeline.write_report(YEAR, zones, catalogue)
    # a late file: received and answered as always, listed as received after signing
    from nscl.forms.sample import write_sample_data

    sample = write_sample_data(catalogue, YEAR, tmp_path / "muon")
    late = Path(sample[0].path)
    zones.inbox(YEAR).mkdir(parents=True, exist_ok=True)
    shutil.copy(late, zones.inbox(YEAR) / "nop-muon.xlsx")
    receipt = pipeline.process_submission(str(zones.inbox(YEAR) / "nop-muon.xlsx"), YEAR, zones, catalogue)
    assert main(["status", "--year", str(YEAR), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [f["sha256"] for f in status["after_signing"]] == [receipt["sha256"]]
    with pytest.raises(ValueError, match="đã khóa"):
        pipeline.write_report(YEAR, zones, catalogue)

    # reopened with a reason (recorded): a supplementary version can be made
    args = [
        "editorial",
        "--year",
        str(YEAR),
        "reopen",
        "--reason",
        "Lập báo cáo bổ sung",
        "--by",
        "Trần Thị B",
    ]
    assert main(args) == 0
    assert editorial.load(zones, YEAR, "annual").reopened[-1]["by"] == "Trần Thị B"
    assert signed.lock(zones, YEAR) is None
    assert Path(pipeline.write_report(YEAR, zones, catalogue)).is_file()
