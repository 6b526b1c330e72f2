"""The production shape, natively: PostgreSQL metadata, CeleryExecutor with Redis, and the
scheduler, DAG processor, API server, triggerer and a Celery worker as separate processes
(deploy/native.py, with the same shared settings as docker-compose.yaml). The annual run is
triggered through the REST API (FAB login, JWT), and its report fetched. Then the fault test:
the worker is killed in the middle of a task, a new one started, and the run must finish with
nothing lost or duplicated.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379, as in
CI; skipped with the reason when either is unreachable. Uses its own database
(nscl_airflow_test_<pid>, dropped afterwards) and a Celery queue of its own (removed afterwards).
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.header
import hashlib
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import native  # noqa: E402

# Per session, so two test sessions on one machine never drop each other's database or take each
# other's tasks: a database and a Celery queue of their own. (A Redis db of its own, 10 + pid % 6
# and flushed, was shared by two sessions one time in six: each worker then also took the other
# session's tasks, which its API server refused as "Invalid auth token", and the run hung.)
DB = f"nscl_airflow_test_{os.getpid()}"
QUEUE = f"nscl-test-{os.getpid()}-{secrets.token_hex(4)}"
REDIS_DB = 9
YEAR = 2025
DAG_ID = "nscl_annual_report"
ADMIN = ("vanhanh", "Mk-" + hashlib.sha256(str(time.time()).encode()).hexdigest()[:16])
# A few of the sample workbooks (four files): the statistics office (TFP), an accepted one, a
# rejected one and the resubmission that supersedes it.
AGENCIES = {"TKHY", "SKHCN", "SNV"}
# Test-only tuning on top of deploy/airflow.env: manual runs only, fast detection of a dead
# worker, short retry delays, small parallelism for a 2-core machine.
TUNING = {
    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    "NSCL_RETRY_DELAY_SECONDS": "2",
    "NSCL_ALERT_EMAILS": "vanhanh@example.invalid",
    # No PDF beside the reports (LibreOffice takes seconds; tests/e2e/test_report_pdf.py covers it).
    "NSCL_REPORT_PDF": "0",
    # One chunk for the four files: the chunk runs long enough (a few seconds, even with the
    # worker's preloaded libraries) for the fault test to kill the worker inside it.
    "NSCL_WORKER_SLOTS": "1",
}
RUN_TIMEOUT = 420


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not (_reachable(5432) and _reachable(6379)),
    reason="the production-shaped test needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 "
    "(started by .ci/run in CI)",
)


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive the alerts (no TLS, no auth), kept in ``server.messages``."""

    def handle(self):
        def reply(text: str) -> None:
            self.wfile.write(text.encode() + b"\r\n")

        reply("220 nscl-test-sink")
        lines: list[bytes] | None = None
        while line := self.rfile.readline():
            if lines is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(email.message_from_bytes(b"".join(lines)))
                    lines = None
                    reply("250 OK")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"EHLO":
                reply("250-nscl-test-sink")
                reply("250 8BITMIME")
            elif verb == b"DATA":
                lines = []
                reply("354 end with .")
            elif verb == b"QUIT":
                reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                reply("250 OK")


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def _recreate_database() -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB}")
    conn.close()


def _drop_database() -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    conn.close()


def _server_versions() -> tuple[str, str]:
    import psycopg2
    import redis

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    conn.close()
    rv = redis.Redis(host="127.0.0.1", port=6379).info("server")["redis_version"]
    return pg, rv


class Api(native.ApiClient):
    """The shared REST client (deploy/native.py), with the calls these tests make about the annual DAG."""

    def trigger(self, year: int) -> str:
        run = self.call(
            "POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "conf": {"year": year}}
        )
        return run["dag_run_id"]

    def run_state(self, run_id: str) -> str:
        return self.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")["state"]

    def task_instances(self, run_id: str) -> list[dict]:
        return self.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances?limit=100")[
            "task_instances"
        ]

    def xcom(self, run_id: str, task_id: str):
        entry = self.call(
            "GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value"
        )
        return entry["value"]


def _wait_for(predicate, timeout: float, what: str, stack, interval: float = 2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{stack.tail_logs()}")


def _wait_run(api: Api, run_id: str, stack) -> str:
    def done():
        state = api.run_state(run_id)
        return state if state in ("success", "failed") else None

    state = _wait_for(done, RUN_TIMEOUT, f"run {run_id}", stack, interval=3)
    if state != "success":
        failed = [(t["task_id"], t["map_index"], t["state"]) for t in api.task_instances(run_id)]
        raise AssertionError(f"run {run_id} ended {state}: {failed}\n{stack.tail_logs()}")
    return state


@pytest.fixture(scope="module")
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.daemon_threads = True
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory):
    from dovecot import Dovecot

    with Dovecot(tmp_path_factory.mktemp("imap")) as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory, smtp_sink, imap_server):
    import importlib.util

    import redis
    from nscl.forms.sample import write_sample_data
    from nscl.plan.catalogue import default_catalogue
    from nscl.store.zones import Zones

    # Airflow 3 opens an async connection to the metadata database (asyncpg), and the Celery
    # provider needs a Celery it supports: say so plainly rather than fail deep in a subprocess.
    assert importlib.util.find_spec("asyncpg"), "asyncpg is missing: Airflow 3 needs it for PostgreSQL"
    try:
        from airflow.providers.celery.executors import celery_executor_utils  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"the Celery provider does not import with this Celery ({exc}); pin celery<5.7")
    home = tmp_path_factory.mktemp("airflow-native")
    data = home / "data"
    _recreate_database()
    broker = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    zones = Zones(data)
    for f in write_sample_data(default_catalogue(), YEAR, zones.inbox(YEAR)):
        if f.agency_code not in AGENCIES:
            f.path.unlink()
    s = native.NativeStack(
        home=home,
        data_dir=data,
        sql_alchemy_conn=f"postgresql+psycopg2://postgres@127.0.0.1:5432/{DB}",
        broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
        extra_env={
            **TUNING,
            # The executor sends every task to this queue, and the workers take only from it.
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": QUEUE,
            # The SMTP connection of the alerts, to the test's sink.
            "AIRFLOW_CONN_SMTP_DEFAULT": f"smtp://127.0.0.1:{smtp_sink.server_address[1]}"
            "?disable_tls=true&disable_ssl=true&from_email=nscl%40example.invalid",
            # The mail intake: the Department's mailbox (a Dovecot the test starts) and the
            # SMTP connection its replies (and the reminders) go through, to the same sink.
            "AIRFLOW_CONN_IMAP_DEFAULT": imap_server.uri(),
        },
    )
    started = time.monotonic()
    try:
        s.init(*ADMIN)
        s.start_all(worker_concurrency=2)
        api = Api(s.base_url, *ADMIN)
        # The DAG processor has parsed and serialized the DAG; unpause it (paused at creation).
        _wait_for(
            lambda: any(d["dag_id"] == DAG_ID for d in api.call("GET", "/api/v2/dags")["dags"]),
            180,
            "the DAG processor to register the annual DAG",
            s,
        )
        errors = api.call("GET", "/api/v2/importErrors")
        assert errors["total_entries"] == 0, errors
        api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
        print(f"\nstack up in {time.monotonic() - started:.0f}s")
        yield s, api, zones
    finally:
        s.stop_all()
        _drop_database()
        broker.delete(QUEUE, f"_kombu.binding.{QUEUE}")


def _snapshot(zones, year: int) -> dict[str, bytes]:
    """Every file a reader can find (hidden temporary files excluded) in the curated tables,
    the receipts and the raw archive."""
    return {
        str(p.relative_to(zones.root)): p.read_bytes()
        for folder in (zones.curated(year), zones.receipts(year), zones.archive)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


@pytest.fixture(scope="module")
def first_run(stack):
    s, api, zones = stack
    started = time.monotonic()
    run_id = api.trigger(YEAR)
    _wait_run(api, run_id, s)
    print(f"\nfirst run: {time.monotonic() - started:.0f}s")
    return run_id, _snapshot(zones, YEAR)


def test_versions_match_the_compose_images(stack):
    """The native setup runs what the compose file names: same Airflow, PostgreSQL and Redis."""
    import airflow

    images = native.read_env_file(native.IMAGES_ENV)
    airflow_tag = images["AIRFLOW_IMAGE"].split(":")[1]
    assert airflow_tag.split("-python")[0] == airflow.__version__
    assert airflow_tag.split("-python")[1] == f"{sys.version_info.major}.{sys.version_info.minor}"
    pg, rv = _server_versions()
    assert pg.split(".")[0] == images["POSTGRES_IMAGE"].split(":")[1].split(".")[0]
    assert rv.startswith(images["REDIS_IMAGE"].split(":")[1].split("-")[0] + ".")


def test_annual_run_through_the_rest_api(stack, first_run):
    s, api, zones = stack
    run_id, snapshot = first_run
    assert all(s.alive().values()), s.alive()
    states = {(t["task_id"], t["map_index"]): t["state"] for t in api.task_instances(run_id)}
    inbox = sorted(p.name for p in zones.inbox(YEAR).iterdir())
    chunks = [i for (task, i) in states if task == "process_chunk"]
    assert chunks, states
    # The chunks hold every inbox file once; each file's outcome is in its chunk's XCom.
    held = []
    for i in chunks:
        path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/process_chunk/xcomEntries/return_value"
        value = api.call("GET", f"{path}?map_index={i}")["value"]
        held += [
            r["original_name"] for r in (json.loads(value) if isinstance(value, str) else value)["receipts"]
        ]
    assert sorted(held) == inbox
    assert set(states.values()) == {"success"}, states
    assert {t["queue"] for t in api.task_instances(run_id)} == {QUEUE}  # no other session's worker
    # The report, fetched by the path the write_report task returned.
    report = Path(api.xcom(run_id, "write_report"))
    assert report.parent == zones.reports(YEAR) and report.name == f"bao-cao-nam-{YEAR}-v001.docx"
    manifest = json.loads(report.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_sha256"] == hashlib.sha256(report.read_bytes()).hexdigest()
    assert {i["original_name"] for i in manifest["inputs"]} <= set(inbox)
    assert any(k.startswith("curated/") for k in snapshot)


def test_worker_killed_mid_task_loses_and_duplicates_nothing(stack, first_run):
    s, api, zones = stack
    _, before = first_run
    run_id = api.trigger(YEAR)

    def a_running_submission():
        running = [
            t
            for t in api.task_instances(run_id)
            if t["task_id"] == "process_chunk" and t["state"] == "running"
        ]
        return running[0] if running else None

    victim = _wait_for(a_running_submission, 240, "a process_chunk task to be running", s, interval=1)
    # Killed at once: a chunk's validation can take less than half a second on a quiet machine,
    # and a task that finished before the kill is not re-run (the test then proves nothing).
    s.kill("airflow-worker")  # SIGKILL the worker, its pool and the task processes
    killed_at = time.monotonic()
    s.start_worker("airflow-worker#2", concurrency=2)
    _wait_run(api, run_id, s)
    print(f"\nrecovered {time.monotonic() - killed_at:.0f}s after the kill")

    tis = {(t["task_id"], t["map_index"]): t for t in api.task_instances(run_id)}
    retried = tis[(victim["task_id"], victim["map_index"])]
    assert retried["state"] == "success"
    assert retried["try_number"] >= 2, "the killed task was not re-run by the new worker"

    # Nothing lost, nothing duplicated: the curated tables, receipts and archive are byte for
    # byte those of the clean first run.
    after = _snapshot(zones, YEAR)
    assert sorted(after) == sorted(before)
    assert after == before
    inbox = sorted(zones.inbox(YEAR).iterdir())
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox}
    assert {p.stem for p in zones.receipts(YEAR).glob("*.json")} == shas
    assert {p.name for p in zones.archive.rglob("*") if p.is_file() and not p.name.startswith(".")} == shas
    with open(zones.curated(YEAR) / "submissions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len({r["sha256"] for r in rows}) == len(shas)

    # Exactly one new report version, with the same content; no partial file where staff look.
    reports = sorted(p.name for p in zones.reports(YEAR).iterdir() if not p.name.startswith("."))
    assert reports == [
        f"bao-cao-nam-{YEAR}-v001.docx",
        f"bao-cao-nam-{YEAR}-v001.manifest.json",
        f"bao-cao-nam-{YEAR}-v002.docx",
        f"bao-cao-nam-{YEAR}-v002.manifest.json",
    ]
    v1, v2 = (zones.reports(YEAR) / f"bao-cao-nam-{YEAR}-v00{i}.docx" for i in (1, 2))
    m1, m2 = (json.loads(p.with_suffix(".manifest.json").read_text(encoding="utf-8")) for p in (v1, v2))
    assert m1["content_digest"] == m2["content_digest"] and m1["inputs"] == m2["inputs"]
    assert _document_xml(v1) == _document_xml(v2)
    assert Path(api.xcom(run_id, "write_report")) == v2
    for p in zones.root.rglob("*.json"):
        if not p.name.startswith("."):
            json.loads(p.read_text(encoding="utf-8"))  # every visible JSON file is whole


def test_deadline_alert_mails_through_smtp(stack, smtp_sink):
    """A run whose deadline (logical date + 36 h) has already passed: the scheduler sees the
    missed deadline and the triggerer sends the alert through the SMTP connection."""
    s, api, zones = stack
    logical = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=37)).isoformat()
    run = api.call(
        "POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": logical, "conf": {"year": 2021}}
    )
    alerts = _wait_for(
        lambda: [m for m in smtp_sink.messages if "chưa hoàn thành" in _subject(m)],
        120,
        "the deadline alert e-mail",
        s,
    )
    assert alerts[0]["To"] == "vanhanh@example.invalid"
    assert alerts[0]["From"] == "nscl@example.invalid"
    assert run["dag_run_id"]


def test_mail_becomes_a_receipt_and_a_reply_on_the_celery_worker(stack, smtp_sink, imap_server):
    """A message appended to the mailbox becomes, through the mail intake DAG run by the
    scheduler on the Celery worker, a receipt and a reply threaded under the message. (Runs
    last: its files are for 2024, and the raw message joins the archive.)"""
    import email.policy
    import io
    from email.message import EmailMessage

    from nscl.forms.sample import fill_workbook
    from nscl.plan.catalogue import default_catalogue

    s, api, zones = stack
    catalogue = default_catalogue()
    book = io.BytesIO()
    fill_workbook(catalogue.expectation(2024, "SCT"), 2024, catalogue).save(book)
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"], m["Subject"] = "vanthu.sct@example.vn", "nscl@example.invalid", "Báo cáo năm 2024"
    m["Message-ID"], m["Date"] = "<sct-2024@example.vn>", "Thu, 20 Nov 2025 09:30:00 +0700"
    m.set_content("Kính gửi Sở.")
    m.add_attachment(
        book.getvalue(), maintype="application", subtype="octet-stream", filename="SCT 2024.xlsx"
    )
    imap_server.append(m.as_bytes())

    dag_id = "nscl_mail_intake"
    _wait_for(
        lambda: any(d["dag_id"] == dag_id for d in api.call("GET", "/api/v2/dags?limit=100")["dags"]),
        180,
        "the DAG processor to register the mail intake DAG",
        s,
    )
    api.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
    run = api.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": {"year": 2024}})

    def done():
        state = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}")["state"]
        return state if state in ("success", "failed") else None

    assert _wait_for(done, RUN_TIMEOUT, "the mail intake run", s, interval=3) == "success", s.tail_logs()
    sha = hashlib.sha256(book.getvalue()).hexdigest()
    receipt = json.loads((zones.receipts(2024) / f"{sha}.json").read_text(encoding="utf-8"))
    assert receipt["status"] == "accepted" and receipt["inbox_path"] == "SCT 2024.xlsx"
    replies = [r for r in smtp_sink.messages if r["In-Reply-To"] == "<sct-2024@example.vn>"]
    assert len(replies) == 1 and _subject(replies[0]) == "[NSCL 2024] Đã tiếp nhận báo cáo: SCT 2024.xlsx"
    assert imap_server.folder("INBOX") == [] and len(imap_server.folder("NSCL/Da-xu-ly")) == 1
