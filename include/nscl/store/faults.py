"""Fault injection for the crash tests: ``NSCL_FAULT_AT=<point>:<n>`` makes the process die
(``os._exit(137)``, as a ``kill -9`` would: no clean-up, no ``finally``) the ``n``-th time it
reaches the named point. ``<point>`` is a name given to ``checkpoint`` or ``*`` for every
point; ``NSCL_FAULT_LOG=<file>`` appends the name of each point reached, so a test can count
the points a clean run passes and then kill a run at each of them.

Unset (production), ``checkpoint`` is one dictionary lookup."""

from __future__ import annotations

import os

_counts: dict[str, int] = {}


def checkpoint(name: str) -> None:
    """A place where a crash must leave a state the next ordinary run completes."""
    spec = os.environ.get("NSCL_FAULT_AT")
    log = os.environ.get("NSCL_FAULT_LOG")
    if not spec and not log:
        return
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")
    if not spec:
        return
    point, _, n = spec.rpartition(":")
    if point not in (name, "*"):
        return
    _counts[point] = _counts.get(point, 0) + 1
    if str(_counts[point]) == n:
        os._exit(137)
