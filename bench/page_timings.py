"""Interactive timings of the staff page: every tab and every slow action, as a browser would
ask for them (the login cookie, same-origin POSTs), against the tests' local API server
(``tests/ui/server.py``: SQLite, FAB login, the tests' small data folder, a test SMTP server).

    uv run python bench/page_timings.py                       # this checkout
    uv run python bench/page_timings.py --root /path/to/other/checkout --json out.json

``--root`` times another checkout of the project with this environment (its ``include/`` goes
first on PYTHONPATH, its ``plugins/`` and ``tests/ui`` are used): how "before" was measured.
Each request is timed end to end (wall clock, the server's answer read whole), ``--repeat``
times; the table shows the first and the median. Not part of the test suite, nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TABS = ["", "submissions", "reports", "upload", "templates", "editorial", "settings"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=HERE)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--settle", type=float, default=0, help="seconds to wait once the server answers (staff logging in)"
    )
    args = ap.parse_args()
    root = args.root.resolve()
    os.environ["PYTHONPATH"] = os.pathsep.join([str(root / "include"), os.environ.get("PYTHONPATH", "")])
    sys.path[:0] = [str(root / "include"), str(root / "tests")]
    import httpx
    from nscl.plan.catalogue import default_catalogue
    from ui import data
    from ui.server import shared_server, stop_shared

    catalogue = default_catalogue()
    t0 = time.monotonic()
    server, codes = shared_server(catalogue)
    started = time.monotonic() - t0
    rows: list[dict] = []
    time.sleep(args.settle)
    try:
        cookie = {"_token": server.token("staff")}
        http = httpx.Client(
            base_url=server.base,
            cookies=cookie,
            timeout=600,
            headers={"Origin": server.base, "Accept": "text/html"},
        )

        def timed(label: str, method: str, url: str, repeat: int, **kw) -> httpx.Response:
            times, r = [], None
            for _ in range(repeat):
                t = time.monotonic()
                r = http.request(method, url, **kw)
                _ = r.content
                times.append(time.monotonic() - t)
            assert r is not None
            rows.append(
                {
                    "what": label,
                    "status": r.status_code,
                    "first": times[0],
                    "median": statistics.median(times),
                    "n": repeat,
                }
            )
            return r

        year = data.YEAR
        for tab in TABS:
            extra = "&kind=annual" if tab == "editorial" else ""
            timed(f"GET /nscl/{tab} (tab)", "GET", f"/nscl/{tab}?year={year}{extra}", args.repeat)
        # The upload check, the first time (a new workbook each time: nothing cached).
        with tempfile.TemporaryDirectory() as tmp:
            code = codes["upload"]
            for i in range(args.repeat):
                wb = data.write_workbook(catalogue, year, code, Path(tmp) / f"bench-{i}.xlsx")
                body = wb.read_bytes()
                # Distinct bytes for each round (a duplicate is answered from the archive).
                t = time.monotonic()
                r = http.post(
                    "/nscl/upload",
                    data={"year": str(year), "agency": code, "note": f"bench {i} {time.time()}"},
                    files={"file": (wb.name, body)},
                )
                elapsed = time.monotonic() - t
                shown = re.search(r'id="upload-preview" data-status="(\w+)"', r.text)
                rows.append(
                    {
                        "what": f"POST /nscl/upload (check: {shown.group(1) if shown else 'no preview!'})",
                        "status": r.status_code,
                        "first": elapsed,
                        "median": elapsed,
                        "n": 1,
                    }
                )
                token = re.search(r'name="token" value="([^"]+)"', r.text)
                if token:
                    timed(
                        "POST /nscl/upload-cancel",
                        "POST",
                        "/nscl/upload-cancel",
                        1,
                        data={"token": token.group(1)},
                    )
                break  # the first time is what staff feel; later rounds would be duplicates
        timed(
            "POST /nscl/editorial/approve",
            "POST",
            "/nscl/editorial/approve",
            1,
            data={"year": str(year), "kind": "annual"},
        )
        timed(
            "POST /nscl/editorial/approve (withdraw)",
            "POST",
            "/nscl/editorial/approve",
            1,
            data={"year": str(year), "kind": "annual", "action": "withdraw"},
        )
        timed(
            "POST /nscl/editorial/generate (new version)",
            "POST",
            "/nscl/editorial/generate",
            args.repeat,
            data={"year": str(year), "kind": "annual"},
        )
        timed(
            "POST /nscl/remind (e-mail one agency)",
            "POST",
            "/nscl/remind",
            1,
            data={"year": str(year), "agency": codes["rejected"], "insist": "1"},
        )
    finally:
        stop_shared()
    print(f"root: {root}  (server ready in {started:.1f} s, including the data folder)")
    print(f"{'what':48} {'status':>6} {'first':>8} {'median':>8}")
    for r in rows:
        print(f"{r['what']:48} {r['status']:>6} {r['first']:>7.2f}s {r['median']:>7.2f}s")
    if args.json:
        args.json.write_text(json.dumps({"root": str(root), "rows": rows}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
