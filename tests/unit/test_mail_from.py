"""The sender of a message, however its From header was written (issue 21, item 9)."""

from __future__ import annotations

import base64

import pytest
from nscl.intake.mail_parse import parse_mail


def _b(text: str, charset: str = "UTF-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _raw(from_value: str | None, extra: str = "") -> bytes:
    head = (f"From: {from_value}\r\n" if from_value is not None else "") + extra
    return (
        f"{head}To: nscl@skhcn.example.vn\r\nSubject: x\r\nMessage-ID: <a@example.vn>\r\n"
        "Date: Thu, 20 Nov 2025 09:00:00 +0700\r\n\r\nhi\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("from_value", "address", "name"),
    [
        # the whole header one encoded word, address included (B and Q, UTF-8 and Windows-1258)
        (_b("Văn thư Sở Y tế <vanthu.syt@example.vn>"), "vanthu.syt@example.vn", "Văn thư Sở Y tế"),
        ("=?utf-8?Q?Van_thu_=3Cvanthu.syt=40example.vn=3E?=", "vanthu.syt@example.vn", "Van thu"),
        (_b('"Nguyễn, Văn A" <a@example.vn>'), "a@example.vn", "Nguyễn, Văn A"),
        (_b("vanthu.syt@example.vn"), "vanthu.syt@example.vn", None),
        ("=?windows-1258?Q?V=E3n_th=FD_<v@example.vn>?=", "v@example.vn", "Văn thư"),
        # the usual forms, and broken ones people's tools write
        (_b("Văn thư") + " <vanthu.syt@example.vn>", "vanthu.syt@example.vn", "Văn thư"),
        ("Văn thư Sở Y tế <VanThu.SYT@Example.vn>", "vanthu.syt@example.vn", "Văn thư Sở Y tế"),
        ("Van thu <vanthu.syt@example.vn", "vanthu.syt@example.vn", "Van thu"),
        ("Văn thư Sở Y tế vanthu.syt@example.vn", "vanthu.syt@example.vn", "Văn thư Sở Y tế"),
        ("<<vanthu.syt@example.vn>>", "vanthu.syt@example.vn", None),
        ("vanthu.syt@example.vn (Văn thư)", "vanthu.syt@example.vn", None),
    ],
)
def test_the_sender_is_read_and_answerable(from_value, address, name):
    parsed = parse_mail(_raw(from_value))
    assert (parsed.sender, parsed.sender_name, parsed.robot, parsed.defects) == (address, name, None, [])


@pytest.mark.parametrize(
    ("from_value", "extra", "address", "header"),
    [
        ("Văn thư Sở Y tế", "Reply-To: vt@syt.example.vn\r\n", "vt@syt.example.vn", "Reply-To"),
        (_b("Văn thư Sở Y tế"), "Sender: s@syt.example.vn\r\n", "s@syt.example.vn", "Sender"),
        ('"Văn thư" <>', "Return-Path: <vt@syt.example.vn>\r\n", "vt@syt.example.vn", "Return-Path"),
        (None, "Reply-To: Văn thư <vt@syt.example.vn>\r\n", "vt@syt.example.vn", "Reply-To"),
    ],
)
def test_a_from_without_an_address_is_answered_where_the_message_says(from_value, extra, address, header):
    parsed = parse_mail(_raw(from_value, extra))
    assert (parsed.sender, parsed.robot) == (address, None)
    [defect] = parsed.defects
    assert defect.endswith(f"thư trả lời gửi tới địa chỉ {header} {address}")
    assert defect.startswith(
        "thiếu người gửi (From)" if from_value is None else "địa chỉ người gửi (From) không đọc được"
    )


@pytest.mark.parametrize(
    ("from_value", "shown"),
    [("Văn thư Sở Y tế", "Văn thư Sở Y tế"), (_b("Văn thư Sở Y tế"), "Văn thư Sở Y tế"), ("<>", "<>")],
)
def test_a_sender_nobody_can_answer_says_why(from_value, shown):
    parsed = parse_mail(_raw(from_value))
    assert (parsed.sender, parsed.robot) == (None, "no_sender")
    assert parsed.defects == [
        f"địa chỉ người gửi (From) không đọc được: «{shown}»; thư không có địa chỉ nào khác "
        "(Reply-To, Sender, Return-Path) để trả lời"
    ]


def test_two_senders_stay_a_forgery_warning():
    parsed = parse_mail(_raw("a@x.example.vn, b@y.example.vn"))
    assert parsed.sender == "a@x.example.vn"
    assert parsed.defects == ["nhiều địa chỉ người gửi (From): có thể bị giả mạo"]
