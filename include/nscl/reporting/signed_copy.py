"""The signed copy staff upload after the leader signed and the clerk numbered and dated it:

- it must be the approved version: its text against the approved .docx's, the number, the date
  and the signature lines aside (and the page numbers); a different document is refused with
  the passages that differ;
- its digital signature, when it has one, is verified with pyHanko (the signer's certificate,
  the signing time, whether the file changed after signing), and a copy without one is said to
  have none (a scan, or not signed digitally);
- it is kept in the raw archive (content-addressed) as the version of record
  (``nscl.store.signed``), linked from the approved report's manifest; the year is then locked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl.reporting.common import load_settings
from nscl.settings import LOCAL_TZ
from nscl.store import editorial, signed
from nscl.store.archive import archive_stream
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

MAX_BYTES = 50 * 1024 * 1024
MIN_WORDS = 30  # fewer words than this: no text layer (a scanned copy)
# Lines a signing tool or the clerk adds or changes on the signed copy.
STAMP_LINES = re.compile(
    r"^\s*(Ký bởi|Người ký|Thời gian ký|Ngày ký|Ký ngày|Signed by|Signature valid)\b.*$", re.M | re.I
)
NUMBER = re.compile(r"\b(Số:?)\s*[\w.-]*\s*/", re.I)
DATE = re.compile(r"ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*(\d{4})")
WORD = re.compile(r"\w+")


class Refused(ValueError):
    """The upload is not the approved version (or cannot be read); ``passages`` shows where."""

    def __init__(self, message: str, passages: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.passages = passages or []


@dataclass
class Outcome:
    record: dict[str, Any]
    label: str
    signature: str  # the verdict on the digital signature, in Vietnamese
    text: str  # the verdict on the text


# ---- the approved version ------------------------------------------------------------------------


def approved_report(zones: Zones, year: int, kind: str) -> tuple[Path, dict[str, Any]]:
    """The .docx of the current approval (its manifest records the same approval), or Refused."""
    state = editorial.load(zones, year, kind)
    if not state.approved:
        raise Refused(
            f"Nội dung {signed.KIND_NAMES[kind]} năm {year} chưa được phê duyệt: chưa có bản để ký."
        )
    best: tuple[int, Path, dict[str, Any]] | None = None
    for m in zones.reports(year).glob("*.manifest.json"):
        try:
            manifest = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        ed = manifest.get("editorial") or {}
        docx = m.with_name(str(manifest.get("document") or ""))
        if (
            manifest.get("kind") == kind
            and ed.get("approved")
            and ed.get("approved_at") == state.approved_at
            and docx.is_file()
            and (best is None or manifest.get("version", 0) > best[0])
        ):
            best = (int(manifest.get("version", 0)), docx, manifest)
    if best is None:
        raise Refused(
            f"Chưa có bản {signed.KIND_NAMES[kind]} tạo sau lần phê duyệt lúc {state.approved_at}: "
            "tạo bản báo cáo mới rồi trình ký bản đó."
        )
    return best[1], best[2]


# ---- text ----------------------------------------------------------------------------------------


def docx_text(path: Path) -> tuple[str, list[str]]:
    """Every paragraph of the body, tables included, in order (one line each); and the text of
    each header row that repeats on every page a table runs to."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(str(path)).element.body

    def text(el) -> str:
        return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in el.iter(qn("w:p")))

    repeated = [
        text(tr) for tr in body.iter(qn("w:tr")) if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    ]
    return text(body), repeated


def pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [p.extract_text() or "" for p in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise Refused(f"Không đọc được tệp PDF: {exc}") from None
    return "\n".join(pages), len(pages)


def _clean(text: str, ignore: list[str]) -> str:
    text = unicodedata.normalize("NFC", text)
    text = STAMP_LINES.sub(" ", text)
    text = NUMBER.sub(r"\1 /", text)
    text = DATE.sub(r"ngày tháng năm \1", text)
    for line in ignore:  # the signature block: authority lines and the name
        text = re.sub(r"\s+".join(map(re.escape, line.split())), " ", text)
    return text


def compare(
    approved: str, copy: str, pages: int, ignore: list[str], repeated: list[str] | None = None
) -> list[tuple[str, str]]:
    """The passages where the copy's words differ from the approved text (empty: the same).
    Words are compared as counts, so a PDF's reading order of table cells does not matter; what
    the copy has in excess may be its page numbers (1..pages, the page header) and the header
    rows of tables (``repeated``) on the pages a table runs on to."""
    shown_a, shown_b = WORD.findall(_clean(approved, ignore)), WORD.findall(_clean(copy, ignore))
    a, b = [w.casefold() for w in shown_a], [w.casefold() for w in shown_b]
    missing, extra = Counter(a) - Counter(b), Counter(b) - Counter(a)
    for head in repeated or []:
        words = Counter(WORD.findall(_clean(head, ignore).casefold()))
        while words and all(extra[w] >= c for w, c in words.items()):
            extra.subtract(words)
    for n in range(1, pages + 1):
        if extra[str(n)] > 0:
            extra[str(n)] -= 1
    extra = +extra
    if not missing and not extra:
        return []
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if not (set(a[i1:i2]) & set(missing) or set(b[j1:j2]) & set(extra)):
            continue
        left = " ".join(shown_a[max(0, i1 - 6) : i2 + 6])
        right = " ".join(shown_b[max(0, j1 - 6) : j2 + 6])
        out.append((left, right))
        if len(out) >= 8:
            break
    return out or [(" ".join(missing.elements())[:300], " ".join(extra.elements())[:300])]


# ---- the digital signature ------------------------------------------------------------------------


def _roots(zones: Zones) -> list[Any]:
    from asn1crypto import pem, x509

    out = []
    folder = signed.trust_dir(zones)
    for p in sorted(folder.glob("*")) if folder.is_dir() else []:
        if p.suffix.lower() not in (".pem", ".cer", ".crt"):
            continue
        data = p.read_bytes()
        blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        out += [x509.Certificate.load(b) for b in blobs]
    return out


def verify_signatures(data: bytes, zones: Zones) -> dict[str, Any]:
    """What pyHanko finds: {"present": bool, "signatures": [...], "summary": Vietnamese}."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - a damaged file: say so, do not crash the upload
        return {
            "present": False,
            "signatures": [],
            "summary": f"Không đọc được cấu trúc chữ ký của tệp: {exc}",
        }
    if not embedded:
        return {
            "present": False,
            "signatures": [],
            "summary": "Tệp không có chữ ký số (bản scan hoặc bản chưa ký số).",
        }
    roots = _roots(zones)
    found = []
    # pyHanko logs a whole traceback for an untrusted (e.g. self-signed) certificate; the
    # verdict says it in one line.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    for sig in embedded:
        # Only the roots installed in signed/trust: none installed, the signature is reported
        # as not confirmed by a chain of trust (never silently trusted by the system's list).
        vc = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            st = validate_pdf_signature(sig, vc)
        except Exception as exc:  # noqa: BLE001 - one unreadable signature is reported, not raised
            found.append({"field": sig.field_name, "intact": False, "error": str(exc)})
            continue
        when = st.signer_reported_dt or (st.timestamp_validity.timestamp if st.timestamp_validity else None)
        coverage = getattr(st.coverage, "name", str(st.coverage))
        level = (
            getattr(st.modification_level, "name", str(st.modification_level))
            if st.modification_level
            else None
        )
        found.append(
            {
                "field": sig.field_name,
                "subject": _name(st.signing_cert.subject),
                "issuer": _name(st.signing_cert.issuer),
                "serial": format(st.signing_cert.serial_number, "x"),
                "signing_time": when.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if when else None,
                "intact": bool(st.intact),
                "valid": bool(st.valid),
                "trusted": bool(st.trusted),
                "whole_file": coverage == "ENTIRE_FILE",
                "changes_after": level,
            }
        )
    return {"present": True, "signatures": found, "summary": describe(found)}


def _name(name: Any) -> str:
    """A certificate's name as people read it: "Nguyễn Văn Minh, Sở Khoa học và Công nghệ"."""
    native = name.native
    parts = [
        native.get(k)
        for k in ("common_name", "organizational_unit_name", "organization_name", "locality_name")
    ]
    text = ", ".join(str(x if not isinstance(x, list) else ", ".join(x)) for x in parts if x)
    return text or name.human_friendly


def describe(found: list[dict[str, Any]]) -> str:
    parts = []
    for s in found:
        if s.get("error"):
            parts.append(f"Chữ ký “{s.get('field')}” không kiểm tra được: {s['error']}.")
            continue
        when = (
            dt.datetime.fromisoformat(s["signing_time"]).strftime("%H:%M ngày %d/%m/%Y")
            if s.get("signing_time")
            else "không ghi thời gian"
        )
        text = f"Chữ ký số của “{s['subject']}”, ký lúc {when}"
        if not s["intact"] or not s["valid"]:
            text += "; CHỮ KÝ KHÔNG HỢP LỆ: nội dung đã bị sửa sau khi ký hoặc chữ ký hỏng"
        elif s["whole_file"]:
            text += "; tệp không bị sửa sau khi ký"
        else:
            text += (
                f"; tệp có phần được thêm sau khi ký (mức thay đổi: {s.get('changes_after') or 'không rõ'})"
            )
        text += (
            "; chứng thư số hợp lệ theo chuỗi tin cậy đã cài đặt"
            if s["trusted"]
            else "; chứng thư số chưa được xác nhận theo chuỗi tin cậy (chưa cài chứng thư gốc của tổ chức "
            "cung cấp dịch vụ chứng thực chữ ký số trong thư mục signed/trust)"
        )
        parts.append(text + ".")
    return " ".join(parts)


# ---- adding the signed copy -------------------------------------------------------------------------


def full_number(number: str, symbol: str) -> str:
    """ "123" -> "123/BC-SKHCN"; a number with its symbol stays as given."""
    number = " ".join(number.split())
    if not re.match(r"^\d+", number):
        raise ValueError(f"số văn bản “{number}” phải bắt đầu bằng chữ số (ví dụ: 123 hoặc 123/{symbol})")
    return number if "/" in number else f"{number}/{symbol}"


def add_signed(
    zones: Zones,
    year: int,
    kind: str,
    data: bytes,
    number: str,
    day: dt.date,
    by: str,
    original_name: str = "",
) -> Outcome:
    """Check, verify and keep the signed copy; Refused (with passages) when it is not the
    approved version, or when its digital signature is broken."""
    if not data.startswith(b"%PDF"):
        raise Refused("Tệp tải lên không phải PDF.")
    if len(data) > MAX_BYTES:
        raise Refused(f"Tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB.")
    docx, manifest = approved_report(zones, year, kind)
    state = editorial.load(zones, year, kind)
    if state.approved_at and day < dt.date.fromisoformat(state.approved_at[:10]):
        raise Refused(
            f"Ngày văn bản {day.strftime('%d/%m/%Y')} sớm hơn ngày phê duyệt nội dung ({state.approved_at[:10]})."
        )
    if day > dt.datetime.now(LOCAL_TZ).date():
        raise Refused(f"Ngày văn bản {day.strftime('%d/%m/%Y')} chưa đến.")
    settings = load_settings(kind, override=editorial.settings_override(zones))
    number = full_number(number, settings["symbol"])

    copy, pages = pdf_text(data)
    ignore = [*state.signer.authority, state.signer.name] if state.signer else []
    if len(WORD.findall(copy)) < MIN_WORDS:
        text_verdict = "Không đối chiếu được nội dung: tệp không có lớp chữ (bản scan)."
        text_same = None
    else:
        approved_text, repeated = docx_text(docx)
        passages = compare(approved_text, copy, pages, ignore, repeated)
        if passages:
            raise Refused(
                f"Tệp PDF không phải bản đã phê duyệt ({docx.name}): nội dung khác ở các đoạn dưới đây.",
                passages,
            )
        text_verdict = f"Nội dung trùng với bản đã phê duyệt {docx.name} (không kể số, ngày và phần chữ ký)."
        text_same = True
    sig = verify_signatures(data, zones)
    broken = [s for s in sig["signatures"] if not s.get("intact") or s.get("valid") is False]
    if broken:
        raise Refused("Chữ ký số của tệp không hợp lệ: " + sig["summary"])

    sha, size = archive_stream(zones, io.BytesIO(data))
    record = {
        "year": year,
        "kind": kind,
        "number": number,
        "date": day.isoformat(),
        "sha256": sha,
        "size": size,
        "original_name": original_name,
        "pages": pages,
        "by": by,
        "at": dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds"),
        "report": {
            "document": docx.name,
            "sha256": manifest.get("document_sha256"),
            "version": manifest.get("version"),
        },
        "text_same": text_same,
        "text": text_verdict,
        "signature": sig,
    }
    signed.add(zones, year, kind, record)
    link = docx.with_name(docx.name[: -len(".docx")] + ".manifest.json")
    atomic_write_json(
        link, {**manifest, "signed": {k: record[k] for k in ("number", "date", "sha256", "by", "at")}}
    )
    return Outcome(record, signed.label(record) or "", sig["summary"], text_verdict)
