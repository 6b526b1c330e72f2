"""Messages as Outlook, Gmail, Thunderbird and a webmail compose them (issue 21, item 9): each is
read (sender, name, subject and attachment names decoded), its workbook taken in and the sender
answered; a From header that is one encoded word, address included, or that is broken, is
decoded or answered elsewhere, and staff see why when nobody can be answered; every reply is
multipart/alternative (text/plain and HTML) from the Department's name.

The fixtures in ``data/mail/`` are written by hand in each client's own header style: Outlook
(encoded-word names, quoted-printable text and Word's HTML, RFC 2047 attachment names in
``name=``/``filename=``, ``application/vnd.ms-excel`` for an .xls), Gmail (``multipart/alternative``
inside ``multipart/mixed``, ``X-Attachment-Id``), Thunderbird (8-bit ``format=flowed`` text, RFC 2231
``filename*0*=``/``filename*1*=`` continuations), a Java webmail (the whole From in one base64
encoded word). ``@@XLSX_BASE64@@`` stands for a workbook filled now (the template of the day);
the .xls is ``NSCL_2025_SYT.xls``, saved by LibreOffice Calc as Excel 97-2003.
"""

from __future__ import annotations

import base64
import email
import email.policy
import html
from pathlib import Path

import pytest
from nscl.cli.mail_cmds import format_mail_status
from nscl.intake.mail_parse import parse_mail
from nscl.outreach.mail_status import mail_status
from nscl.outreach.reminders import DEPARTMENT, compose
from test_mail_replies import YEAR, FakeMailbox, Recorder, run, workbook

DATA = Path(__file__).parent / "data" / "mail"
DEPT_ADDRESS = "nscl@skhcn.example.vn"

CLIENTS = {
    "outlook.eml": {
        "agency": "SYT",
        "sender": "vanthu.syt@example.vn",
        "name": "Văn thư Sở Y tế",
        "subject": "Báo cáo kết quả thực hiện Kế hoạch 101/KH-UBND năm 2025",
        "file": "Báo cáo NSCL 2025 - Sở Y tế.xls",
        "message_id": "<000001dc59a1$4b2c3d10$e1849730$@example.vn>",
    },
    "gmail.eml": {
        "agency": "SCT",
        "sender": "phongkhtc.sct@gmail.com",
        "name": "Phòng KH-TC Sở Công Thương",
        "subject": "Gửi báo cáo NSCL năm 2025 - Sở Công Thương",
        "file": "Báo cáo NSCL năm 2025 (Sở Công Thương).xlsx",
        "message_id": "<CAJx8f1YqT9m2vKZ0p+3hW5Lr8cN4dQe7s6bUu1oXyF2aGk@mail.gmail.com>",
    },
    "thunderbird.eml": {
        "agency": "SXD",
        "sender": "vanthu.sxd@example.vn",
        "name": "Văn thư Sở Xây dựng",
        "subject": "Báo cáo năm 2025 – Sở Xây dựng",
        "file": "Báo cáo NSCL năm 2025 - Sở Xây dựng.xlsx",
        "message_id": "<5f0c7e1a-3b2d-4c8e-9a1f-2d3e4f5a6b7c@example.vn>",
    },
    "webmail-encoded-from.eml": {
        "agency": "SGDDT",
        "sender": "vanthu.sgddt@example.vn",
        "name": "Văn thư Sở Giáo dục và Đào tạo",
        "subject": "V/v gửi báo cáo Kế hoạch 101 năm 2025",
        "file": "BC NSCL 2025 SGDĐT.xlsx",
        "message_id": "<1093847563.48213.1763624469123.JavaMail.webmail@mail.example.vn>",
    },
}


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n")


def load(name: str, catalogue) -> tuple[bytes, bytes]:
    """The raw message of fixture ``name`` and the bytes of the workbook it carries."""
    raw = (DATA / name).read_bytes()
    if b"@@XLS_BASE64@@" in raw:
        attached = (DATA / "NSCL_2025_SYT.xls").read_bytes()
        return raw.replace(b"@@XLS_BASE64@@", _b64(attached)), attached
    attached = workbook(catalogue, CLIENTS[name]["agency"])
    return raw.replace(b"@@XLSX_BASE64@@", _b64(attached)), attached


@pytest.fixture
def data(zones):
    zones.root.mkdir(parents=True)
    return zones


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_each_clients_message_is_read_as_sent(name, catalogue):
    raw, attached = load(name, catalogue)
    want = CLIENTS[name]
    parsed = parse_mail(raw, own_addresses={DEPT_ADDRESS})
    assert (parsed.sender, parsed.sender_name, parsed.subject) == (
        want["sender"],
        want["name"],
        want["subject"],
    )
    assert (parsed.robot, parsed.defects, parsed.message_id) == (None, [], want["message_id"])
    [candidate] = parsed.candidates
    assert (candidate.name, candidate.data, candidate.problem) == (want["file"], attached, None)
    assert parsed.ignored == []  # the text and HTML bodies are no attachments


def test_every_clients_message_is_taken_in_and_answered(data, catalogue):
    messages = {name: load(name, catalogue)[0] for name in sorted(CLIENTS)}
    send = Recorder()
    summary = run(data, catalogue, FakeMailbox(list(messages.values())), send)
    assert len(summary["answered"]) == len(CLIENTS) and summary["failed"] == []
    by_sender = {tuple(r.to): r for r in send.sent}
    assert set(by_sender) == {(c["sender"],) for c in CLIENTS.values()}
    rows = {r["origin"]["sender"]: r for r in mail_status(data, YEAR, catalogue)}
    for want in CLIENTS.values():
        reply = by_sender[(want["sender"],)]
        assert reply.headers["In-Reply-To"] == want["message_id"]
        assert want["file"] in reply.subject and want["message_id"] in reply.headers["References"]
        row = rows[want["sender"]]
        assert row["origin"]["sender_name"] == want["name"] and row["attachment_name"] == want["file"]
        if want["file"].endswith(".xlsx"):  # the .xls's outcome is the intake's (issue 21, item 5)
            assert (row["status"], row["agency_code"]) == ("accepted", want["agency"])
        assert not {"robot", "no_sender", "suspect_headers"} & {f["code"] for f in row["flags"]}


def test_a_reply_is_text_and_html_from_the_departments_name(data, catalogue):
    raw, _ = load("webmail-encoded-from.eml", catalogue)
    send = Recorder()
    run(data, catalogue, FakeMailbox([raw]), send)
    [reply] = send.sent
    wire = compose(reply, DEPT_ADDRESS).as_bytes()
    assert wire.isascii()  # every header encoded (RFC 2047), every body part 7-bit
    got = email.message_from_bytes(wire, policy=email.policy.default)
    [sender] = got["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (DEPARTMENT, DEPT_ADDRESS)
    assert b"From: =?utf-8?" in wire and b"<nscl@skhcn.example.vn>" in wire  # the address stays plain
    assert [a.addr_spec for a in got["To"].addresses] == [CLIENTS["webmail-encoded-from.eml"]["sender"]]
    assert str(got["Subject"]) == reply.subject
    assert got["In-Reply-To"] == CLIENTS["webmail-encoded-from.eml"]["message_id"]
    assert got["Auto-Submitted"] == "auto-replied"
    assert got.get_content_type() == "multipart/alternative"
    plain, rich = got.get_body(("plain",)), got.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content().replace("\r\n", "\n").rstrip("\n") == reply.body.rstrip("\n")
    page = rich.get_content()
    for line in reply.body.splitlines():
        assert html.escape(line) in page, line
    assert page.count("<p ") == reply.body.count("\n\n") + 1


def test_a_reply_with_a_feedback_workbook_keeps_text_and_html_first(data, catalogue, tmp_path):
    raw, _ = load("gmail.eml", catalogue)
    send = Recorder()
    run(data, catalogue, FakeMailbox([raw]), send)
    [reply] = send.sent
    feedback = tmp_path / "phan-hoi_Báo cáo NSCL năm 2025.xlsx"
    feedback.write_bytes(b"PK\x03\x04 feedback")
    reply.attachments = [str(feedback)]
    got = email.message_from_bytes(compose(reply, DEPT_ADDRESS).as_bytes(), policy=email.policy.default)
    assert got.get_content_type() == "multipart/mixed"
    first, attachment = list(got.iter_parts())
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_filename() == feedback.name
    assert (
        attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment.get_content() == feedback.read_bytes()


def _broken_from(raw: bytes, from_line: bytes, extra: bytes = b"") -> bytes:
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = [line for line in head.split(b"\r\n") if not line.startswith((b"From:", b"Return-Path:"))]
    return b"\r\n".join([from_line, *([extra] if extra else []), *lines]) + b"\r\n\r\n" + body


def test_a_from_without_an_address_is_answered_at_reply_to(data, catalogue):
    raw, _ = load("thunderbird.eml", catalogue)
    raw = _broken_from(raw, "From: Văn thư Sở Xây dựng".encode(), b"Reply-To: vanthu.sxd@example.vn")
    parsed = parse_mail(raw)
    assert (parsed.sender, parsed.sender_name, parsed.robot) == (
        "vanthu.sxd@example.vn",
        "Văn thư Sở Xây dựng",
        None,
    )
    assert parsed.defects == [
        "địa chỉ người gửi (From) không đọc được: «Văn thư Sở Xây dựng»; thư trả lời gửi tới địa chỉ "
        "Reply-To vanthu.sxd@example.vn"
    ]
    send = Recorder()
    run(data, catalogue, FakeMailbox([raw]), send)
    assert [r.to for r in send.sent] == [["vanthu.sxd@example.vn"]]


def test_a_from_nobody_can_answer_is_shown_to_staff_with_why(data, catalogue):
    raw, _ = load("thunderbird.eml", catalogue)
    raw = _broken_from(raw, b"From: =?UTF-8?B?" + base64.b64encode("Văn thư Sở Xây dựng".encode()) + b"?=")
    send = Recorder()
    run(data, catalogue, FakeMailbox([raw]), send)
    assert send.sent == []
    [row] = mail_status(data, YEAR, catalogue)
    assert row["status"] == "accepted" and row["agency_code"] == "SXD"  # the file still counts
    flags = {f["code"]: f["label"] for f in row["flags"]}
    assert "robot" not in flags and "cần liên hệ cơ quan" in flags["no_sender"]
    shown = format_mail_status([row]).splitlines()  # what `nscl mail-status` prints for staff
    assert f"    ! {flags['no_sender']}" in shown and f"    · {row['origin']['defects'][0]}" in shown
    assert row["origin"]["defects"] == [
        "địa chỉ người gửi (From) không đọc được: «Văn thư Sở Xây dựng»; thư không có địa chỉ nào khác "
        "(Reply-To, Sender, Return-Path) để trả lời"
    ]
