"""Imported once by each Celery worker's main process, before its prefork pool forks (the
Celery ``imports`` setting: ``AIRFLOW__CELERY__EXTRA_CELERY_CONFIG`` in deploy/airflow.env).

Airflow 3's Celery pool child starts every task with a plain ``os.fork()`` (the task SDK's
supervisor, on Linux), so a module already imported here is already imported in every task:
pandas, Great Expectations, matplotlib and the document libraries then cost nothing per task
instead of about 5 s (measured in bench/; docs/performance.md). The scheduler, API server and
CLI never import this (Celery reads ``imports`` only in ``celery worker``).

Imports only: no connections, threads, files, GX contexts or figures (they would be shared by
every forked task). It imports no NSCL code either (this package's ``__init__`` files are
empty), so a deployment of new NSCL code needs no worker restart; a new version of one of
these libraries does (tasks get the worker's copies).
"""

from __future__ import annotations

import logging
import os
import time

_start = time.perf_counter()
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
logging.getLogger("great_expectations").setLevel(logging.WARNING)  # ~200 INFO lines on import

import docx  # noqa: E402,F401
import docxtpl  # noqa: E402,F401
import fsspec  # noqa: E402,F401
import great_expectations  # noqa: E402,F401
import great_expectations.expectations  # noqa: E402,F401
import jinja2  # noqa: E402,F401
import matplotlib  # noqa: E402
import numpy  # noqa: E402,F401
import openpyxl  # noqa: E402,F401
import pandas  # noqa: E402,F401
import python_calamine  # noqa: E402,F401
import yaml  # noqa: E402,F401

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401

logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
SECONDS = time.perf_counter() - _start
logging.getLogger(__name__).warning(
    "nscl worker preload: pandas, great_expectations, matplotlib, openpyxl, docx in %.1f s (pid %d)",
    SECONDS,
    os.getpid(),
)
