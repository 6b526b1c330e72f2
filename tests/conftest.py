"""Test settings: an embedded Airflow (SQLite) in a temporary home, quiet GX, the repo's dags/."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_HOME = tempfile.mkdtemp(prefix="nscl-airflow-")
os.environ.setdefault("NSCL_AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# No PDF beside each report unless a test asks for one (LibreOffice takes seconds a document).
os.environ.setdefault("NSCL_REPORT_PDF", "0")
logging.getLogger("great_expectations").setLevel(logging.WARNING)
warnings.filterwarnings("ignore", message="Using .httpx. with .starlette.testclient")

SEED = ROOT.parent / "shared" / "seed" / "ke-hoach-101-KH-UBND-2021-hung-yen.md"


LAYERS = ("unit", "integration", "e2e")


# ---- two test processes (pytest-xdist) --------------------------------------------------------
# The README's command runs the tests in two processes (``-n 2 --dist loadscope`` in
# pyproject.toml). A unit of work handed to a process is a test file, so that its module-scoped
# fixtures (an Airflow run, a production stack, a server) are made once, with one exception: the
# staff page's files (tests/e2e/test_ui_*.py) share one API server (tests/ui/server.py:
# shared_server), so they are one unit. Units go out in file order (no reordering by test count):
# the long e2e files start first and the many short unit files fill the end.
#
# (A scheduler of our own rather than ``--dist loadgroup`` with ``xdist_group`` markers: with
# pytest 9.2, xdist 3.8's loadgroup cannot rename node ids any more and silently groups nothing.)

STAFF_PAGE_UNIT = "tests/e2e/test_ui_*.py"


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or the staff page's files together."""
    path = nodeid.split("::", 1)[0]
    folder, _, name = path.rpartition("/")
    if folder == "tests/e2e" and name.startswith("test_ui_"):
        return STAFF_PAGE_UNIT
    return path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FileScheduling(config, log)


# ---- no Airflow task context left behind ------------------------------------------------------
# A DAG run in the test process (``dag.test()``) exports AIRFLOW_CTX_DAG_ID, AIRFLOW_CTX_DAG_RUN_ID
# and the like into os.environ (the task runner does so for operators) and never takes them back:
# a later test that writes a report in the same process would record that run as its origin.

_CTX_BEFORE = {k: v for k, v in os.environ.items() if k.startswith("AIRFLOW_CTX_")}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    for key in [k for k in os.environ if k.startswith("AIRFLOW_CTX_")]:
        if key not in _CTX_BEFORE:
            del os.environ[key]
    os.environ.update(_CTX_BEFORE)


@pytest.fixture(scope="session")
def catalogue():
    from nscl.plan.catalogue import default_catalogue

    return default_catalogue()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the plan's text is not beside the repository ({SEED})")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def zones(tmp_path, monkeypatch):
    from nscl.store.zones import Zones

    monkeypatch.setenv("NSCL_DATA_DIR", str(tmp_path / "data"))
    return Zones.default()


# ---- nothing skipped in CI -------------------------------------------------------------------
# A test skips only for a missing service or tool (a browser, LibreOffice, PostgreSQL...). In CI
# (``CI=true``) everything it needs is installed or started by ``.ci/run``, so a skip there is a
# failure, never a silent green; outside CI the skip stays a skip. Either way, every skip and its
# reason are listed at the end of the run.

_SKIPS: list[tuple[str, str]] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    # Kept on the report (a string survives pytest-xdist's transfer from a test process), and
    # listed where the reports are logged: in the one process, or in xdist's controller.
    report.nscl_skip_reason = reason
    if in_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"Skipped in CI (CI=true), which counts as a failure: {reason}\n"
            "Install or start what it needs in .ci/run instead."
        )


def pytest_runtest_logreport(report):
    reason = getattr(report, "nscl_skip_reason", None)
    if reason is not None:
        _SKIPS.append((report.nodeid, reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Each DAG file's parse time (tests/integration/test_dag_integrity.py records it on its
    # report, so it reaches this process from an xdist worker too), shown on every run.
    parses = sorted(
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if report.when == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == "dag_parse"
    )
    if parses:
        terminalreporter.section("DAG parse times (warm interpreter; the limit is 1 s)", sep="-")
        for line in parses:
            terminalreporter.write_line(line)
    title = f"skip reasons ({len(_SKIPS)} test{'s' if len(_SKIPS) != 1 else ''} skipped"
    title += ", failed because CI=true)" if in_ci() and _SKIPS else ")"
    terminalreporter.section(title, sep="-")
    if not _SKIPS:
        terminalreporter.write_line("none: every collected test ran")
    for nodeid, reason in _SKIPS:
        terminalreporter.write_line(f"{nodeid}: {reason}")
