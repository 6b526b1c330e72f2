"""The CI rule: with ``CI=true`` a skipped test fails (a missing tool or service is never a
silent green), and every run lists its skip reasons at the end. Checked by running pytest on
a small test file in a subprocess, with the project's own conftest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = """
import pytest

def test_runs():
    assert True

@pytest.mark.skipif(True, reason="the frobnicator is not installed")
def test_needs_a_tool():
    assert True

def test_skips_inside():
    pytest.skip("no server on 127.0.0.1:9")

@pytest.mark.xfail(reason="known", strict=False)
def test_expected_failure():
    assert False
"""


def _run(tmp_path: Path, ci: str | None, *options: str) -> subprocess.CompletedProcess:
    folder = tmp_path / "tests"
    folder.mkdir(exist_ok=True)
    (folder / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    (folder / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *options,
            str(folder),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_skips_fail_in_ci_and_are_listed(tmp_path):
    run = _run(tmp_path, "true")
    out = run.stdout
    assert run.returncode == 1, out
    assert "1 failed, 1 passed, 1 xfailed, 1 error" in out, out  # a skipif fails at set-up: an error
    assert "Skipped in CI (CI=true)" in out
    assert "the frobnicator is not installed" in out and "no server on 127.0.0.1:9" in out
    assert "skip reasons (2 tests skipped, failed because CI=true)" in out


def test_outside_ci_skips_stay_skips_and_are_listed(tmp_path):
    run = _run(tmp_path, None)
    out = run.stdout
    assert run.returncode == 0, out
    assert "1 passed, 2 skipped, 1 xfailed" in out, out
    tail = out[out.index("skip reasons (2 tests skipped)") :]
    assert "test_needs_a_tool: the frobnicator is not installed" in tail
    assert "test_skips_inside: no server on 127.0.0.1:9" in tail


def test_in_two_test_processes_too(tmp_path):
    """The README's command runs the tests in two processes (pytest-xdist): a skip there still
    fails in CI and its reason is still listed, by the process that reports."""
    run = _run(tmp_path, "true", "-n", "2", "--dist", "loadgroup")
    out = run.stdout
    assert run.returncode == 1, out
    assert "1 failed, 1 passed, 1 xfailed, 1 error" in out, out
    assert "skip reasons (2 tests skipped, failed because CI=true)" in out
    assert "the frobnicator is not installed" in out and "no server on 127.0.0.1:9" in out


def test_a_unit_of_work_is_a_file_or_the_staff_pages_files():
    """What the README's command hands to one test process at a time (tests/conftest.py)."""
    from conftest import STAFF_PAGE_UNIT, work_unit

    assert (
        work_unit("tests/integration/test_crash_matrix.py::test_x")
        == "tests/integration/test_crash_matrix.py"
    )
    assert work_unit("tests/e2e/test_production_shape.py::test_x") == "tests/e2e/test_production_shape.py"
    for name in ("test_ui_access.py::test_x[GET-/a::b]", "test_ui_browser.py::t", "test_ui_editorial.py::t"):
        assert work_unit(f"tests/e2e/{name}") == STAFF_PAGE_UNIT
    assert work_unit("tests/unit/test_ui_helpers.py::t") == "tests/unit/test_ui_helpers.py"
