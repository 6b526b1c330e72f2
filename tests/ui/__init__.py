"""Helpers for the staff page's tests: sample data and a local Airflow API server."""

import importlib.util
import sys
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "nscl_staff_page.py"


def load_staff_page():
    """The plugin module, imported once from plugins/ (not a package on sys.path)."""
    if "nscl_staff_page" in sys.modules:
        return sys.modules["nscl_staff_page"]
    spec = importlib.util.spec_from_file_location("nscl_staff_page", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    sys.modules["nscl_staff_page"] = module
    spec.loader.exec_module(module)
    return module
