"""The mail intake through the real path: a Dovecot IMAP server and an SMTP server (aiosmtpd)
started by the test on 127.0.0.1, messages delivered by IMAP APPEND, then ``nscl mail-intake``
as an operator runs it (``AIRFLOW_CONN_IMAP_DEFAULT``, the reminders' SMTP connection).

Every expectation is the test's own: which file each message carries, which agency and year
the workbook is for, whether it is good, which replies each sender is owed. After the run every
file has its receipt, the status is right, each sender got exactly those replies (threaded under
the message), the mailbox's INBOX is empty and every message is in NSCL/Da-xu-ly, each message is
archived byte for byte; a second run, and runs killed (as by kill -9) at several points followed by an
ordinary run, change nothing and send nothing more."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import io
import os
import socket
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from dovecot import Dovecot
from nscl.forms.sample import fill_workbook
from nscl.settings import LOCAL_TZ, SMTP_CONN_ID

YEAR = 2025
DEPT = "nscl@skhcn.example.vn"
REGISTERED = {
    "SCT": "vanthu.sct@example.vn",
    "SYT": "vanthu.syt@example.vn",
    "SXD": "vanthu.sxd@example.vn",
    "SNV": "vanthu.snv@example.vn",
    "SGDDT": "vanthu.sgddt@example.vn",
    "SKHCN": "vanthu.skhcn@example.vn",
}
ON_TIME = dt.datetime(YEAR, 11, 20, 9, 30, tzinfo=LOCAL_TZ)
LATE = dt.datetime(YEAR, 12, 3, 14, 0, tzinfo=LOCAL_TZ)
NSCL = [str(Path(sys.executable).parent / "nscl")]


# ---- servers -------------------------------------------------------------------------------


class _Sink:
    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if rcpt == [address]]


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}",
        f"smtp://127.0.0.1:{port}?disable_tls=true&disable_ssl=true&from_email=nscl%40skhcn.example.vn",
    )
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def imap(tmp_path, monkeypatch):
    with Dovecot(tmp_path / "imap") as server:
        monkeypatch.setenv("AIRFLOW_CONN_IMAP_DEFAULT", server.uri())
        yield server


@pytest.fixture
def data(zones):
    zones.root.mkdir(parents=True, exist_ok=True)
    # The deployment's confirmed addresses, as staff keep them (reminders read the same file).
    zones.contacts.write_text("".join(f"{k}: {v}\n" for k, v in REGISTERED.items()), encoding="utf-8")
    return zones


def nscl(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [*NSCL, *args], env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def warm_up(catalogue, folder: Path) -> None:
    """Import in this process what ``nscl mail-intake`` imports, and run Great Expectations once
    (on a throw-away data folder), so that a run forked from here costs its own work only."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook  # noqa: F401
    from airflow.sdk import BaseHook  # noqa: F401
    from nscl.cli.main import main  # noqa: F401
    from nscl.orchestration import mail_intake, pipeline  # noqa: F401
    from nscl.store.zones import Zones

    zones = Zones(folder)
    zones.inbox(YEAR).mkdir(parents=True)
    path = zones.inbox(YEAR) / "warm.xlsx"
    path.write_bytes(workbook(catalogue, "SCT"))
    pipeline.process_submission(str(path), YEAR, zones, catalogue)


def nscl_forked(*args: str, env: dict[str, str], log: Path) -> int:
    """``nscl <args>`` as the command runs it (``main(argv)``, exit status from its return), in
    a child forked from this warmed-up process instead of a fresh interpreter (seconds of imports
    a run). A fault point (``nscl.store.faults``) ends the child at once, as kill -9 would
    (``os._exit(137)``: no clean-up, no flush), which ends nothing else; the exit status is
    then 137. The child's output goes to ``log``."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(out, 2)
            sys.stdout = sys.stderr = open(out, "w", closefd=False)  # noqa: SIM115 (the child exits)
            os.environ.update(env)
            from nscl.cli.main import main

            code = main(list(args))
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


# ---- what agencies send --------------------------------------------------------------------


def workbook(catalogue, code: str, year: int = YEAR, mistake: str | None = None) -> bytes:
    out = io.BytesIO()
    fill_workbook(catalogue.expectation(year, code), year, catalogue, mistake).save(out)
    return out.getvalue()


def zipped(entries: dict[str, bytes], encrypted: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 11, 20, 9, 0, 0)), content)
    data = bytearray(out.getvalue())
    if encrypted:  # the "encrypted" bit of every local and central header, as a password zip has
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset] |= 0x1
                at = data.find(signature, at + 4)
    return bytes(data)


def mail(
    sender: str,
    subject: str,
    attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    headers: dict[str, str] | None = None,
    body: str = "Kính gửi Sở Khoa học và Công nghệ,\nĐơn vị gửi báo cáo kết quả thực hiện Kế hoạch 101.",
) -> tuple[bytes, str]:
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"] = sender
    m["To"] = DEPT
    m["Subject"] = subject
    m["Date"] = email.utils.format_datetime(ON_TIME)
    msgid = email.utils.make_msgid(domain="example.vn")
    m["Message-ID"] = msgid
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body)
    for name, content in attachments:
        maintype, subtype = ("application", "octet-stream")
        m.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes(), msgid


def raw_tricky(catalogue) -> bytes:
    """By hand, as old clients write it: no Message-ID, no Date, a latin-1 8-bit body, an RFC 2047
    encoded word inside a quoted file name with a path trick, and a raw 8-bit UTF-8 name."""
    import base64

    good = base64.encodebytes(workbook(catalogue, "SGDDT")).replace(b"\n", b"\r\n")
    xls = base64.encodebytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600).replace(b"\n", b"\r\n")
    encoded = "=?utf-8?B?" + base64.b64encode("../../Báo cáo SGDĐT.xlsx".encode()).decode() + "?="
    return (
        b"From: Van thu SGDDT <" + REGISTERED["SGDDT"].encode() + b">\r\n"
        b"To: " + DEPT.encode() + b"\r\n"
        b"Subject: =?utf-8?q?G=E1=BB=ADi_b=C3=A1o_c=C3=A1o?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="xx"\r\n\r\n'
        b"--xx\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"Gr\xfc\xdfe, b\xe1o c\xe1o\r\n"
        b"--xx\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="' + encoded.encode() + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + good + b"\r\n"
        b"--xx\r\nContent-Type: application/vnd.ms-excel\r\n"
        b'Content-Disposition: attachment; filename="B\xe1\xba\xa3ng t\xe1\xbb\x95ng h\xe1\xbb\xa3p.xls"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + xls + b"\r\n"
        b"--xx--\r\n"
    )


def bounce(catalogue) -> bytes:
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"] = "MAILER-DAEMON@example.vn"
    m["To"] = DEPT
    m["Subject"] = "Undelivered Mail Returned to Sender"
    m["Return-Path"] = "<>"
    m["Message-ID"] = email.utils.make_msgid(domain="example.vn")
    m.set_content("This is the mail system. The message could not be delivered.")
    m.add_attachment(
        workbook(catalogue, "SYT"),
        maintype="application",
        subtype="octet-stream",
        filename="phan-hoi_syt.xlsx",
    )
    return m.as_bytes()


def deliver_all(imap: Dovecot, catalogue) -> dict:
    """Every kind of message, appended to INBOX; returns what each sender is owed."""
    sct = workbook(catalogue, "SCT")
    msgs: dict[str, tuple[bytes, str | None, dt.datetime]] = {}

    def add(key: str, raw: bytes, msgid: str | None, when: dt.datetime = ON_TIME) -> None:
        msgs[key] = (raw, msgid, when)
        imap.append(raw, when=when)

    add(
        "good",
        *mail(
            REGISTERED["SCT"],
            "Báo cáo KH 101 năm 2025 - Sở Công Thương",
            [("Báo cáo SCT 2025.xlsx", sct), ("cong-van-so-123.pdf", b"%PDF-1.4 cover letter")],
        ),
    )
    add(
        "bad",
        *mail(
            REGISTERED["SYT"],
            "Báo cáo Sở Y tế",
            [("syt.xlsx", workbook(catalogue, "SYT", mistake="negative"))],
        ),
    )
    add(
        "unregistered",
        *mail(
            "Kế toán SXD <ketoan.sxd@gmail.example>",
            "Gửi báo cáo",
            [("sxd.xlsx", workbook(catalogue, "SXD"))],
        ),
        LATE,
    )
    add(
        "zip",
        *mail(
            REGISTERED["SNV"],
            "Báo cáo (nén)",
            [
                (
                    "bao-cao.zip",
                    zipped(
                        {
                            "SNV/Báo cáo SNV.xlsx": workbook(catalogue, "SNV"),
                            "2024/skhcn-2024.xlsx": workbook(catalogue, "SKHCN", 2024),
                            "doc-truoc.txt": b"readme",
                        }
                    ),
                )
            ],
        ),
    )
    add(
        "hostile_zips",
        *mail(
            REGISTERED["SNV"],
            "Gửi lại",
            [
                ("long-nhau.zip", zipped({"inner.zip": zipped({"snv.xlsx": b"x"})})),
                ("mat-khau.zip", zipped({"snv.xlsx": workbook(catalogue, "SNV")}, encrypted=True)),
            ],
        ),
    )
    add("tricky", raw_tricky(catalogue), None)
    add(
        "no_attachment",
        *mail(
            REGISTERED["SXD"], "Báo cáo", [("cong-van.pdf", b"%PDF-1.4")], body="Sở Xây dựng gửi công văn."
        ),
    )
    add(
        "autoreply",
        *mail(
            REGISTERED["SYT"],
            "Tự động trả lời: Báo cáo",
            headers={"Auto-Submitted": "auto-replied"},
            body="Tôi đang đi công tác.",
        ),
    )
    add("bounce", bounce(catalogue), None)
    add(
        "list",
        *mail(
            "bantin@list.example.vn",
            "Bản tin",
            [("svhttdl.xlsx", workbook(catalogue, "SVHTTDL"))],
            headers={"Precedence": "bulk", "List-Id": "<bantin.list.example.vn>"},
        ),
    )
    add(
        "many",
        *mail(
            REGISTERED["SCT"], "Nhiều tệp", [(f"tep-{i}.xlsx", b"PK\x03\x04" + bytes([i])) for i in range(21)]
        ),
    )
    add("huge", *mail(REGISTERED["SYT"], "Ảnh chụp báo cáo", [("anh-chup.xlsx", os.urandom(1_600_000))]))
    add("duplicate", *mail(REGISTERED["SCT"], "Gửi lại báo cáo", [("bao-cao-sct.xlsx", sct)]))
    return msgs


# What each sender is owed: one reply per file and outcome, or per message without a file
# (subject starts with), and the In-Reply-To message.
def owed(msgs: dict) -> dict[str, list[tuple[str, str | None]]]:
    mid = {k: v[1] for k, v in msgs.items()}
    return {
        REGISTERED["SCT"]: [
            (f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: Báo cáo SCT 2025.xlsx", mid["good"]),
            ("[NSCL] Thư chưa được tiếp nhận", mid["many"]),
            (f"[NSCL {YEAR}] Tệp đã nhận trước đó: bao-cao-sct.xlsx", mid["duplicate"]),
        ],
        REGISTERED["SYT"]: [
            (f"[NSCL {YEAR}] Báo cáo chưa đạt, đề nghị sửa và gửi lại: syt.xlsx", mid["bad"]),
            ("[NSCL] Thư chưa được tiếp nhận", mid["huge"]),
        ],
        "ketoan.sxd@gmail.example": [(f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: sxd.xlsx", mid["unregistered"])],
        REGISTERED["SNV"]: [
            (f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: SNV/Báo cáo SNV.xlsx", mid["zip"]),
            ("[NSCL 2024] Đã tiếp nhận báo cáo: 2024/skhcn-2024.xlsx", mid["zip"]),
            (f"[NSCL {YEAR}] Tệp chưa được tiếp nhận: long-nhau.zip", mid["hostile_zips"]),
            (f"[NSCL {YEAR}] Tệp chưa được tiếp nhận: mat-khau.zip", mid["hostile_zips"]),
        ],
        REGISTERED["SGDDT"]: [
            (f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: ../../Báo cáo SGDĐT.xlsx", None),
            (f"[NSCL {YEAR}] Báo cáo chưa đạt, đề nghị sửa và gửi lại: Bảng tổng hợp.xls", None),
        ],
        REGISTERED["SXD"]: [("[NSCL] Thư chưa có tệp báo cáo", mid["no_attachment"])],
    }


def check_replies(smtp: _Sink, msgs: dict) -> None:
    due = owed(msgs)
    got: dict[str, list[tuple[str, str | None]]] = {}
    for rcpt, m in smtp.messages:
        assert len(rcpt) == 1
        got.setdefault(rcpt[0], []).append((str(m["Subject"]), m["In-Reply-To"]))
        [sender] = m["From"].addresses
        assert m["Auto-Submitted"] == "auto-replied" and sender.addr_spec == DEPT
        assert sender.display_name == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
        assert m.get_body(("plain",)) is not None and m.get_body(("html",)) is not None
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in due.items()}


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---- the tests -----------------------------------------------------------------------------


def test_mail_intake_end_to_end(data, imap, smtp, catalogue, monkeypatch):
    from nscl.consolidate.status import year_status
    from nscl.intake.mailbox import mail_origin
    from nscl.outreach.mail_status import FLAG_LABELS, mail_status
    from nscl.store.archive import archive_path
    from nscl.store.receipts import load_receipts

    monkeypatch.setenv("NSCL_MAX_MAIL_MB", "1")
    msgs = deliver_all(imap, catalogue)
    nscl("mail-intake", "--year", str(YEAR))

    # The mailbox: INBOX empty, every message moved, each one archived byte for byte.
    assert imap.folder("INBOX") == []
    moved = imap.folder("NSCL/Da-xu-ly")
    assert sorted(moved) == sorted(raw for raw, _, _ in msgs.values())
    for key, (raw, _, _) in msgs.items():
        if key != "huge":
            stored = archive_path(data, hashlib.sha256(raw).hexdigest())
            assert stored.read_bytes() == raw, key

    # Every file in the inbox has its receipt; the year is the workbook's own.
    expected_files = {
        YEAR: {
            "Báo cáo SCT 2025.xlsx",
            "syt.xlsx",
            "sxd.xlsx",
            "Báo cáo SNV.xlsx",
            "long-nhau.zip",
            "mat-khau.zip",
            "Báo cáo SGDĐT.xlsx",
            "Bảng tổng hợp.xls",
            "svhttdl.xlsx",
            "bao-cao-sct.xlsx",
        },
        2024: {"skhcn-2024.xlsx"},
    }
    for year, names in expected_files.items():
        inbox = data.inbox(year)
        on_disk = {p.name for p in inbox.iterdir() if not p.name.startswith(".")}
        assert on_disk == names, year
        receipts = {r["inbox_path"]: r for r in load_receipts(data, year)}
        for name in names:
            content = (inbox / name).read_bytes()
            sha = hashlib.sha256(content).hexdigest()
            assert any(r["sha256"] == sha for r in receipts.values()), name
            origin = mail_origin(data, year, name)
            assert origin is not None and origin["sha256"] == sha and origin["via"] == "mail"
    by_name = {r["inbox_path"]: r for r in load_receipts(data, YEAR)}
    assert by_name["Báo cáo SCT 2025.xlsx"]["received_at"] == ON_TIME.isoformat()  # the server's arrival time
    assert by_name["sxd.xlsx"]["late"] is True and by_name["Báo cáo SCT 2025.xlsx"]["late"] is False
    assert by_name["syt.xlsx"]["status"] == "rejected"
    assert {by_name[n]["status"] for n in ("long-nhau.zip", "mat-khau.zip", "Bảng tổng hợp.xls")} == {
        "rejected"
    }
    assert "bao-cao-sct.xlsx" in by_name["Báo cáo SCT 2025.xlsx"]["also_received_as"]

    # The status: who has reported (computed from the test's own list of what was sent).
    status = {a["agency_code"]: a["state"] for a in year_status(YEAR, data, catalogue)["agencies"]}
    assert {k: v for k, v in status.items() if v != "missing"} == {
        "SCT": "on_time",
        "SYT": "rejected",
        "SXD": "late",
        "SNV": "on_time",
        "SGDDT": "on_time",
        "SVHTTDL": "on_time",
    }
    status_2024 = {a["agency_code"]: a["state"] for a in year_status(2024, data, catalogue)["agencies"]}
    assert {k for k, v in status_2024.items() if v != "missing"} == {"SKHCN"}

    # Replies: each sender got exactly what it is owed, threaded under its message.
    check_replies(smtp, msgs)
    [rejected] = [m for m in smtp.to(REGISTERED["SYT"]) if "chưa đạt" in str(m["Subject"])]
    [attachment] = list(rejected.iter_attachments())
    feedback = data.root / by_name["syt.xlsx"]["feedback_file"]
    assert attachment.get_content() == feedback.read_bytes()
    assert "Kính gửi" in rejected.get_body(("html", "plain")).get_content()

    # What staff see: origin, flags and replies per file.
    listed = mail_status(data, YEAR, catalogue)
    rows = {r["inbox_path"]: r for r in listed}
    flags = {k: {f["code"] for f in r["flags"]} for k, r in rows.items()}
    assert flags["sxd.xlsx"] == {"sender_unconfirmed"}
    assert flags["Báo cáo SCT 2025.xlsx"] == set()
    assert flags["svhttdl.xlsx"] == {"robot", "sender_unconfirmed"}  # SVHTTDL has no address on file
    assert "suspect_headers" in flags["Báo cáo SGDĐT.xlsx"]
    assert rows["sxd.xlsx"]["origin"]["subject"] == "Gửi báo cáo"
    assert [r["subject"] for r in rows["syt.xlsx"]["replies"]] == [owed(msgs)[REGISTERED["SYT"]][0][0]]
    assert rows["svhttdl.xlsx"]["replies"] == []
    no_file = [r for r in listed if r["inbox_path"] is None]
    assert sorted(r["outcome"] for r in no_file) == [
        "message_too_large",
        "no_attachment",
        "no_attachment",
        "robot:bounce",
        "too_many_attachments",
    ]
    assert sum(1 for r in no_file if {"code": "robot", "label": FLAG_LABELS["robot"]} in r["flags"]) == 2

    # A second run changes nothing and sends nothing.
    before, sent = snapshot(data.root), len(smtp.messages)
    nscl("mail-intake", "--year", str(YEAR))
    assert snapshot(data.root) == before and len(smtp.messages) == sent


# Four messages (1, 1, 2 and 0 files), five replies due. Each run is killed a little further on:
# with the 2nd message's file written but the message not yet marked on the server; once every
# message is marked but before any file is processed; with two of four files processed; after
# two replies. The ordinary run then sends the other three.
# (The intake's own kill point after a file is done is ``intake:sighted``.)
CRASH_POINTS = ["mail:stored_file:2", "mail:marked:3", "intake:sighted:2", "mail:replied:2"]


def test_mail_intake_survives_kill_9(data, imap, smtp, catalogue, tmp_path):
    """Killed (as by kill -9) at one point after another, then an ordinary run: the same outcome as
    one clean run, no reply twice, no file twice. Each run is ``nscl mail-intake`` forked from
    this process (``nscl_forked``); the end-to-end test above runs the installed command."""
    from nscl.store.receipts import load_receipts

    warm_up(catalogue, tmp_path / "warm")
    msgs = {}
    sct = workbook(catalogue, "SCT")
    for key, (sender, subject, files) in {
        "good": (REGISTERED["SCT"], "Báo cáo SCT", [("sct.xlsx", sct)]),
        "bad": (
            REGISTERED["SYT"],
            "Báo cáo SYT",
            [("syt.xlsx", workbook(catalogue, "SYT", mistake="negative"))],
        ),
        "zip": (
            REGISTERED["SNV"],
            "Nén",
            [
                (
                    "snv.zip",
                    zipped({"a.xlsx": workbook(catalogue, "SNV"), "b.xlsx": workbook(catalogue, "SGDDT")}),
                )
            ],
        ),
        "none": (REGISTERED["SXD"], "Không đính kèm", []),
    }.items():
        raw, msgid = mail(sender, subject, files)
        msgs[key] = (raw, msgid)
        imap.append(raw, when=ON_TIME)
    killed = []
    log = tmp_path / "run.log"
    for point in CRASH_POINTS:
        code = nscl_forked("mail-intake", "--year", str(YEAR), env={"NSCL_FAULT_AT": point}, log=log)
        assert code in (137, 0), (point, log.read_text(errors="replace"))  # faults.checkpoint's kill
        killed += [point] if code == 137 else []
    assert killed == CRASH_POINTS  # every run was really cut short, where intended
    assert len(smtp.messages) == 2  # the two replies before the last kill
    assert nscl_forked("mail-intake", "--year", str(YEAR), env={}, log=log) == 0, log.read_text(
        errors="replace"
    )

    assert imap.folder("INBOX") == [] and len(imap.folder("NSCL/Da-xu-ly")) == 4
    inbox = sorted(p.name for p in data.inbox(YEAR).iterdir() if not p.name.startswith("."))
    assert inbox == ["a.xlsx", "b.xlsx", "sct.xlsx", "syt.xlsx"]
    assert {r["inbox_path"]: r["status"] for r in load_receipts(data, YEAR)} == {
        "a.xlsx": "accepted",
        "b.xlsx": "accepted",
        "sct.xlsx": "accepted",
        "syt.xlsx": "rejected",
    }
    got = sorted((rcpt[0], str(m["Subject"])) for rcpt, m in smtp.messages)
    assert got == sorted(
        [
            (REGISTERED["SCT"], f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: sct.xlsx"),
            (REGISTERED["SYT"], f"[NSCL {YEAR}] Báo cáo chưa đạt, đề nghị sửa và gửi lại: syt.xlsx"),
            (REGISTERED["SNV"], f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: a.xlsx"),
            (REGISTERED["SNV"], f"[NSCL {YEAR}] Đã tiếp nhận báo cáo: b.xlsx"),
            (REGISTERED["SXD"], "[NSCL] Thư chưa có tệp báo cáo"),
        ]
    )
    before, sent = snapshot(data.root), len(smtp.messages)
    assert nscl_forked("mail-intake", "--year", str(YEAR), env={}, log=log) == 0, log.read_text(
        errors="replace"
    )
    assert snapshot(data.root) == before and len(smtp.messages) == sent


def test_the_dag_answers_and_a_message_can_be_reprocessed(data, imap, smtp, catalogue):
    """The scheduled DAG (run by Airflow's own machinery, dag.test on SQLite): a message
    appended becomes a receipt and a reply; ``--reprocess`` puts it back in INBOX and the next
    run takes it in again under the same inbox name and answers again."""
    from nscl.orchestration.airflow_run import run_dag
    from nscl.store.receipts import load_receipts

    raw, msgid = mail(REGISTERED["SCT"], "Báo cáo SCT", [("sct.xlsx", workbook(catalogue, "SCT"))])
    imap.append(raw, when=ON_TIME)
    key = hashlib.sha256(raw).hexdigest()
    first = run_dag("nscl_mail_intake", "nscl_mail_intake.py", {"year": YEAR}, "answer")
    assert first == {"answered": [key], "waiting": [], "failed": []}
    [receipt] = load_receipts(data, YEAR)
    assert receipt["inbox_path"] == "sct.xlsx" and receipt["status"] == "accepted"
    [(rcpt, reply)] = smtp.messages
    assert rcpt == [REGISTERED["SCT"]] and reply["In-Reply-To"] == msgid and reply["References"] == msgid
    assert imap.folder("INBOX") == [] and imap.folder("NSCL/Da-xu-ly") == [raw]

    out = nscl("mail-intake", "--reprocess", key[:16]).stdout
    assert "đã chuyển 1 thư về thư mục nhận" in out
    assert imap.folder("INBOX") == [raw] and imap.folder("NSCL/Da-xu-ly") == []
    second = run_dag("nscl_mail_intake", "nscl_mail_intake.py", {"year": YEAR}, "answer")
    assert second == {"answered": [key], "waiting": [], "failed": []}
    assert [r["inbox_path"] for r in load_receipts(data, YEAR)] == ["sct.xlsx"]
    assert sorted(p.name for p in data.inbox(YEAR).iterdir()) == [".sct.xlsx.mail.json", "sct.xlsx"]
    assert len(smtp.messages) == 2 and len(list((data.mail / "history").iterdir())) == 1


def test_imap_over_tls_verifies_the_certificate(tmp_path, monkeypatch):
    """The default (``use_ssl`` true, ``ssl_context`` default) is IMAP over TLS with the server's
    certificate verified: a self-signed certificate is refused unless the system trusts it
    (here through SSL_CERT_FILE) or ``ssl_context=none`` says not to check."""
    import ssl

    from airflow.models.connection import Connection
    from nscl.intake.imap_client import ImapSettings, Mailbox

    with Dovecot(tmp_path / "imap", tls=True) as server:
        server.append(b"From: a@example.vn\r\nSubject: x\r\n\r\nbody\r\n")
        settings = ImapSettings.from_connection(Connection(uri=server.tls_uri()))
        assert settings.use_ssl and settings.verify and settings.port == server.tls_port
        with pytest.raises(ssl.SSLCertVerificationError):
            Mailbox(settings)
        unverified = ImapSettings.from_connection(Connection(uri=server.tls_uri(ssl_context="none")))
        with Mailbox(unverified) as mb:
            assert len(mb.uids()) == 1 and "MOVE" in mb.caps
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        with Mailbox(settings) as mb:
            assert mb.client.sock.version().startswith("TLS") and len(mb.uids()) == 1
        starttls = ImapSettings.from_connection(Connection(uri=server.uri(use_ssl="false", starttls="true")))
        with Mailbox(starttls) as mb:  # the plain port, upgraded before the login
            assert mb.client.sock.version().startswith("TLS") and len(mb.uids()) == 1
