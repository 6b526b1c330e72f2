"""The staff page's FastAPI app: the routers of ``routes/``, the page's static files, the
Vietnamese error pages and the security headers."""

from __future__ import annotations

import logging
import os
import threading
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from nscl.staff_page import auth
from nscl.staff_page.common import PAGE_TITLE
from nscl.staff_page.once import OnceMiddleware
from nscl.staff_page.render import STATIC, SecurityHeaders, http_error, validation_error
from nscl.staff_page.routes import ROUTERS

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Check one blank workbook once, in the background, when the server starts: the first check
    in a process pays for loading the validation suites (about 30 s on a busy 2-core machine,
    then 1-2 s), and that first one should not be a member of staff's upload."""
    import tempfile
    from pathlib import Path

    from nscl.forms.workbook import build_workbook
    from nscl.intake.validation import validate_file
    from nscl.staff_page.common import current_year
    from nscl.staff_page.queries import catalogue

    try:
        cat = catalogue()
        year = current_year()
        expected = cat.expected_reporters(year)
        if not expected:
            return
        with tempfile.TemporaryDirectory(prefix="nscl-warm-") as tmp:
            path = Path(tmp) / "warm-up.xlsx"
            build_workbook(expected[0], year, cat).save(path)
            validate_file(path, year, cat, original_name=path.name)
        log.info("NSCL staff page: upload check ready")
    except Exception:  # noqa: BLE001 - only a head start: the first upload then pays it
        log.warning("NSCL staff page: warm-up failed", exc_info=True)


@asynccontextmanager
async def lifespan(_app: FastAPI):
    try:
        roles = await run_in_threadpool(auth.setup_roles)
        if roles:
            log.info("NSCL staff page: permissions on '%s' ensured for %s", auth.RESOURCE, roles)
    except Exception:  # noqa: BLE001 - the page must not stop the API server from starting
        log.exception("NSCL staff page: could not create its permissions")
    if os.environ.get("NSCL_PAGE_WARM_UP", "1").strip().lower() not in {"0", "false", "no"}:
        threading.Thread(target=warm_up, name="nscl-warm-up", daemon=True).start()
    yield


def me(user=Depends(auth.require_read)):  # noqa: B008
    return {"user": auth.user_name(user), "can_upload": auth.is_allowed(user, True)}


def create_app() -> FastAPI:
    app = FastAPI(title=PAGE_TITLE, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    for router in ROUTERS:
        app.include_router(router)
    app.add_api_route("/api/me", me, methods=["GET"])
    # Only the page's CSS and JavaScript: nothing from the data folder is served here.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(OnceMiddleware)  # a form sent twice acts once (inside the headers)
    app.add_middleware(SecurityHeaders)
    return app
