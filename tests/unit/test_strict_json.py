"""Everything the product writes as JSON is strict JSON: a browser's JSON.parse (which refuses
Python's bare NaN and Infinity tokens) reads it."""

from __future__ import annotations

import json
import math

import pytest
from nscl.store.fsutil import atomic_write_json, json_text


def _strict(text: str):
    def refuse(token):
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_become_null(tmp_path, bad):
    path = atomic_write_json(tmp_path / "r.json", {"errors": [{"value": bad, "row": 5}], "size": 1.5})
    data = _strict(path.read_text(encoding="utf-8"))
    assert data == {"errors": [{"value": None, "row": 5}], "size": 1.5}


def test_finite_numbers_and_text_are_unchanged():
    obj = {"a": [1, 2.25, "1.234,5", None, True], "b": {"c": -0.5}}
    assert _strict(json_text(obj)) == obj
    assert not math.isnan(_strict(json_text({"x": 1e308}))["x"])
