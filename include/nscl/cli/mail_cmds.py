"""``nscl mail-intake`` and ``nscl mail-status``: the e-mail intake without Airflow.

nscl mail-intake [--year Y]              collect new mail, process the files, answer the senders
nscl mail-intake --reprocess SHA         take a handled message in again on the next run
nscl mail-status --year Y [--json]       files that came by mail: sender, outcome, flags, replies

The mailbox is the Airflow connection ``imap_default`` (``AIRFLOW_CONN_IMAP_DEFAULT``), replies
go through the SMTP connection the reminders use. ``--year`` is the year for a file that does not
say which year it reports (default: this year); a workbook's own year always wins.
"""

from __future__ import annotations

import json
import sys

from nscl.labels import RECEIPT_LABELS


def _when(iso: str | None) -> str:
    import datetime as dt

    return f"{dt.datetime.fromisoformat(iso):%H:%M %d/%m/%Y}" if iso else "—"


def cmd_mail_intake(args) -> int:
    from nscl.orchestration import mail_intake
    from nscl.store.zones import Zones

    zones = Zones.default()
    if args.reprocess:
        return _reprocess(zones, args.reprocess)
    from nscl.intake.imap_client import MailboxNotConfigured

    try:
        summary = mail_intake.run(args.year, zones)
    except MailboxNotConfigured as exc:
        print(f"{exc}.", file=sys.stderr)
        return 2
    for r in summary["files"]:
        print(
            f"{r['original_name']}: {r['status']} ({r.get('outcome')}){' [trùng lặp]' if r['duplicate'] else ''}"
        )
    print(
        f"Đã nhận {summary['messages']} thư, xử lý {len(summary['files'])} tệp; đã trả lời {len(summary['answered'])} "
        f"thư, {len(summary['waiting'])} thư chờ, {len(summary['failed'])} thư gửi trả lời chưa được."
    )
    if summary["collect_failed"]:
        print(
            f"Không lấy được {len(summary['collect_failed'])} thư (UID {summary['collect_failed']}); "
            "xem nhật ký, lần chạy sau sẽ thử lại.",
            file=sys.stderr,
        )
    return 1 if summary["collect_failed"] or summary["failed"] else 0


def _reprocess(zones, prefix: str) -> int:
    """Forget what was done with a message (its state is kept under mail/history/) and put it
    back into the mail folder, so the next run takes it in and answers it again."""
    import datetime as dt

    from nscl.intake.imap_client import ImapSettings, Mailbox
    from nscl.intake.mail_state import all_states, state_path
    from nscl.store.fsutil import atomic_write_json

    found = [s for s in all_states(zones) if s["key"].startswith(prefix) or s["key"] == f"header-{prefix}"]
    if len(found) != 1:
        print(
            f"Không tìm thấy đúng một thư có mã bắt đầu bằng '{prefix}' ({len(found)} thư).", file=sys.stderr
        )
        return 2
    state = found[0]
    moved_back = 0
    message_id = state["origin"].get("message_id")
    if message_id and (state.get("marked") or {}).get("how") == "moved":
        with Mailbox(ImapSettings.from_airflow()) as mb:
            for uid in mb.find_processed(message_id):
                mb.move_back(uid)
                moved_back += 1
    elif (state.get("marked") or {}).get("how") == "flagged":
        with Mailbox(ImapSettings.from_airflow()) as mb:
            mb.unflag(int(state["marked"]["uid"]))
            moved_back = 1
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    atomic_write_json(zones.mail / "history" / f"{state['key']}-{stamp}.json", state)
    state_path(zones, state["key"]).unlink()
    print(
        f"Thư {state['key'][:12]} ({state['origin'].get('subject')!r}) sẽ được xử lý lại ở lần chạy sau"
        + (
            f"; đã chuyển {moved_back} thư về thư mục nhận."
            if moved_back
            else "; hãy chuyển thư về thư mục nhận (INBOX) nếu nó không còn ở đó."
        )
    )
    return 0


def format_mail_status(rows: list[dict]) -> str:
    from nscl.outreach.mail_status import MESSAGE_OUTCOME_LABELS

    lines = [f"TỆP VÀ THƯ NHẬN QUA THƯ ĐIỆN TỬ ({len(rows)})"]
    for r in rows:
        o = r["origin"]
        if r["inbox_path"]:
            what = RECEIPT_LABELS.get(r["status"] or "", "chưa xử lý")
            if r["duplicate_of"]:
                what += f" (trùng với {r['duplicate_of']})"
        else:
            what = MESSAGE_OUTCOME_LABELS.get((r["outcome"] or "").split(":")[0], r["outcome"] or "")
        lines.append(
            f"- {r['inbox_path'] or '(không có tệp)'}: {what}; từ {o['sender'] or '?'}, "
            f'"{o["subject"] or ""}", nhận lúc {_when(o["received_at"])}; {len(r["replies"])} thư trả lời '
            f"[mã thư {o['message_sha256'][:16]}]"
        )
        for f in r["flags"]:
            lines.append(f"    ! {f['label']}")
        for d in o.get("defects", []):  # why: a broken From as it came, a header repeated...
            lines.append(f"    · {d}")
    return "\n".join(lines)


def cmd_mail_status(args) -> int:
    from nscl.outreach.mail_status import mail_status
    from nscl.store.zones import Zones

    rows = mail_status(Zones.default(), args.year)
    print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else format_mail_status(rows))
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("mail-intake", help="nhận báo cáo từ hộp thư của Sở và trả lời người gửi")
    p.add_argument("--year", type=int, help="năm cho tệp không ghi năm báo cáo (mặc định năm nay)")
    p.add_argument("--reprocess", metavar="SHA", help="xử lý lại một thư đã xử lý (mã SHA-256 của thư)")
    p.set_defaults(func=cmd_mail_intake)
    p = sub.add_parser("mail-status", help="các tệp nhận qua thư: người gửi, kết quả, thư trả lời")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_mail_status)
