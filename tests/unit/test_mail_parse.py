"""Reading e-mail as the intake sees it: names in every encoding a client writes, robots that
must never be answered, archives under the hostile limits, and hostile messages. Messages are
built here with the standard library's own generator (or by hand, as old clients write them),
so what the parser must return is known before it runs."""

from __future__ import annotations

import base64
import email.policy
import io
import unicodedata
import zipfile
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nscl.intake.mail_attachments import decode_name, expand_zip
from nscl.intake.mail_parse import clean_text, parse_mail
from nscl.settings import IntakeLimits

LIMITS = IntakeLimits()
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
NAME_CHARS = st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + "0123456789 -_()")
STEMS = st.text(NAME_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)


def message(attachments=(), **headers) -> EmailMessage:
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"] = headers.pop("From", "Văn thư Sở Y tế <vanthu.syt@example.vn>")
    m["To"] = "nscl@skhcn.example.vn"
    m["Subject"] = headers.pop("Subject", "Báo cáo")
    m["Message-ID"] = "<abc@example.vn>"
    m["Date"] = "Thu, 20 Nov 2025 09:30:00 +0700"
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content("Kính gửi Sở.")
    for name, data in attachments:
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m


def hand_made(disposition: bytes, data: bytes = b"PK\x03\x04") -> bytes:
    return (
        b"From: vanthu.syt@example.vn\r\nTo: nscl@skhcn.example.vn\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        + disposition
        + b"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(data) + b"\r\n--b--\r\n"
    )


# ---- names ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(STEMS)
def test_rfc2231_names_come_back(stem):
    """The standard library writes a non-ASCII name as RFC 2231 (filename*=utf-8''...)."""
    name = f"{stem}.xlsx"
    parsed = parse_mail(message([(name, b"PK\x03\x04data")]).as_bytes())
    assert [c.name for c in parsed.candidates] == [unicodedata.normalize("NFC", name)]
    assert parsed.candidates[0].data == b"PK\x03\x04data"


@settings(max_examples=60, deadline=None)
@given(STEMS)
def test_rfc2047_inside_a_quoted_name_and_raw_8bit_names(stem):
    """Outlook and webmail write an RFC 2047 encoded word inside the quotes; some clients send
    the name as raw UTF-8 bytes. Both are the name the sender typed."""
    name = unicodedata.normalize("NFC", f"{stem}.xlsx")
    word = b"=?utf-8?B?" + base64.b64encode(name.encode()) + b"?="
    for disposition in (b'filename="' + word + b'"', b'filename="' + name.encode() + b'"'):
        parsed = parse_mail(hand_made(disposition))
        assert [c.name for c in parsed.candidates] == [name], disposition


def test_rfc2231_in_windows_1258_and_continuations():
    parsed = parse_mail(hand_made(b"filename*=windows-1258''B%E1o%20c%E1o.xlsx"))
    assert parsed.candidates[0].name == "Báo cáo.xlsx"
    parsed = parse_mail(hand_made(b"filename*0*=utf-8''B%C3%A1o%20;filename*1=c%C3%A1o.xlsx"))
    assert parsed.candidates[0].name.startswith("Báo ")


def test_decode_name_reads_nfd_and_unknown_charsets():
    assert decode_name("Ba\u0301o ca\u0301o.xlsx")[0] == "Báo cáo.xlsx"
    name, notes = decode_name("B\ufffdo.xlsx")
    assert notes and "bảng mã" in notes[0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_clean_text_is_one_safe_line(text):
    out = clean_text(text, 120)
    assert len(out) <= 120
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in out)
    assert clean_text(out, 120) == out


# ---- robots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "robot"),
    [
        ({}, None),
        ({"Auto_Submitted": "no"}, None),
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Auto_Submitted": "auto-generated"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "precedence"),
        ({"Precedence": "junk"}, "precedence"),
        ({"Precedence": "list"}, "precedence"),
        ({"List_Id": "<tin.example.vn>"}, "mailing_list"),
        ({"Return_Path": "<>"}, "bounce"),
        ({"From": "MAILER-DAEMON@example.vn"}, "bounce"),
        ({"From": "postmaster@example.vn"}, "bounce"),
        ({"From": "no-reply@dichvucong.example.vn"}, "no_reply_address"),
        ({"From": "nscl@skhcn.example.vn"}, "own_address"),
        ({"X_Autoreply": "yes"}, "auto_submitted"),
    ],
)
def test_robots_are_recognised(headers, robot):
    parsed = parse_mail(message(**headers).as_bytes(), own_addresses={"nscl@skhcn.example.vn"})
    assert parsed.robot == robot


def test_a_bounce_carries_nothing_in():
    """Our own reply with its feedback workbook coming back is never a submission."""
    m = message([("phan-hoi_syt.xlsx", b"PK\x03\x04")], Return_Path="<>")
    parsed = parse_mail(m.as_bytes())
    assert parsed.bounce and parsed.candidates == [] and parsed.problem is None


def test_forged_and_missing_headers():
    raw = b"From: a@x.vn\r\nFrom: b@y.vn\r\nSender: c@z.vn\r\nSubject: x\r\n\r\nbody\r\n"
    parsed = parse_mail(raw)
    assert parsed.sender == "c@z.vn"
    assert any("giả mạo" in d for d in parsed.defects)
    assert any("Message-ID" in d for d in parsed.defects) and any("Date" in d for d in parsed.defects)
    nobody = parse_mail(b"Subject: x\r\n\r\nbody\r\n")
    assert nobody.sender is None and nobody.robot == "no_sender"
    assert nobody.problem is not None and nobody.problem.code == "no_attachment"


# ---- attachments and archives --------------------------------------------------------------


def zipped(entries: dict[str, bytes], flags: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    data = bytearray(out.getvalue())
    if flags:
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset] |= flags
                at = data.find(signature, at + 4)
    return bytes(data)


def test_zip_workbooks_are_taken_and_the_rest_ignored():
    data = zipped({"SNV/Báo cáo.xlsx": b"one", "b.xls": b"two", "doc.txt": b"x", "~$Báo cáo.xlsx": b"lock"})
    entries, problem = expand_zip("a.zip", data, LIMITS)
    assert problem is None and entries == [("SNV/Báo cáo.xlsx", b"one"), ("b.xls", b"two")]


class _RawName(zipfile.ZipInfo):
    """An entry whose name bytes are written as given, without the UTF-8 flag (as Windows'
    own zip and many old tools write them)."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp437"), self.flag_bits


def test_zip_entry_names_in_utf8_and_windows_1258_without_the_flag():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for raw in ("Báo cáo.xlsx".encode("cp1258"), "Sở Y tế.xlsx".encode()):
            zf.writestr(_RawName(raw.decode("cp437")), b"x")
    assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(io.BytesIO(out.getvalue())).infolist())
    names = [n for n, _ in expand_zip("a.zip", out.getvalue(), LIMITS)[0]]
    assert names == ["Báo cáo.xlsx", "Sở Y tế.xlsx"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (zipped({"inner.zip": zipped({"a.xlsx": b"x"})}), "archive_nested"),
        (zipped({"a.xlsx": b"x"}, flags=0x1), "archive_encrypted"),
        (zipped({"a.txt": b"x"}), "archive_without_workbook"),
        (b"PK\x03\x04 not really a zip", "archive_corrupt"),
        (zipped({"a.xlsx": b"\0" * (30 * 1024 * 1024)}), "archive_bomb"),  # 30 MB of zeros: ~30 KB packed
        (zipped({f"{i}.xlsx": b"x" for i in range(LIMITS.max_zip_entries + 1)}), "archive_bomb"),
    ],
)
def test_hostile_archives_stay_closed(data, code):
    entries, problem = expand_zip("tep.zip", data, LIMITS)
    assert entries == [] and problem is not None and problem.code == code
    assert "tep.zip" in problem.message


def test_hostile_archive_is_kept_whole_for_the_inbox():
    inner = zipped({"inner.zip": zipped({"a.xlsx": b"x"})})
    parsed = parse_mail(message([("long-nhau.zip", inner), ("ghi-chu.rar", b"Rar!")]).as_bytes())
    assert [(c.name, c.data, c.problem.code if c.problem else None) for c in parsed.candidates] == [
        ("long-nhau.zip", inner, "archive_nested"),
        ("ghi-chu.rar", b"Rar!", "archive_unsupported"),
    ]


def test_too_many_attachments_takes_none(monkeypatch):
    monkeypatch.setenv("NSCL_MAX_MAIL_ATTACHMENTS", "3")
    parsed = parse_mail(message([(f"{i}.xlsx", b"x") for i in range(4)]).as_bytes())
    assert (
        parsed.candidates == []
        and parsed.problem is not None
        and parsed.problem.code == "too_many_attachments"
    )
    inside = parse_mail(message([("a.zip", zipped({f"{i}.xlsx": b"x" for i in range(4)}))]).as_bytes())
    assert (
        inside.candidates == []
        and inside.problem is not None
        and inside.problem.code == "too_many_attachments"
    )
    ok = parse_mail(message([(f"{i}.xlsx", b"x") for i in range(3)]).as_bytes())
    assert len(ok.candidates) == 3 and ok.problem is None


def test_no_usable_attachment_says_what_came():
    parsed = parse_mail(message([("cong-van.pdf", b"%PDF"), ("chu-ky.png", b"\x89PNG")]).as_bytes())
    assert parsed.candidates == [] and parsed.problem is not None and parsed.problem.code == "no_attachment"
    assert "cong-van.pdf" in parsed.problem.message and ".xlsx" in parsed.problem.message
    assert parsed.ignored == ["cong-van.pdf", "chu-ky.png"]


def test_a_workbook_without_a_name_is_known_by_its_type():
    m = message()
    m.add_attachment(
        b"PK\x03\x04", maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    [c] = parse_mail(m.as_bytes()).candidates
    assert c.name == "tep-dinh-kem.xlsx"


def test_forwarded_message_attachments_are_found():
    inner = message([("syt.xlsx", b"PK\x03\x04inner")])
    outer = message()
    outer.add_attachment(inner)  # message/rfc822
    assert [(c.name, c.data) for c in parse_mail(outer.as_bytes()).candidates] == [
        ("syt.xlsx", b"PK\x03\x04inner")
    ]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_parse_without_raising(raw):
    parsed = parse_mail(raw)
    assert parsed.problem is not None or parsed.candidates or parsed.bounce


def test_raw_8bit_name_in_windows_1258():
    """Raw bytes that are not UTF-8 (an old Vietnamese Windows client) are read as Windows-1258."""
    parsed = parse_mail(hand_made(b'filename="B\xe1o c\xe1o.xlsx"'))
    assert [c.name for c in parsed.candidates] == ["Báo cáo.xlsx"]
    assert any("8-bit" in n for n in parsed.candidates[0].notes)
