"""Contradictions and plausibility warnings of a year's figures that staff must settle before a
report is approved (by correcting the data or acknowledging them with a reason).

Stub on this branch: the real checks come from the branch of issue 22, which owns this module;
approval (``nscl.reporting.approval``) is coded against this interface."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    title: str
    detail: str
    sources: tuple[str, ...]


def open_checks(year: int, kind: str = "annual") -> list[Check]:
    return []
