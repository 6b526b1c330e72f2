"""The staff page's FastAPI app: the routers of ``routes/``, the page's static files, the
Vietnamese error pages and the security headers."""

from __future__ import annotations

import logging
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


@asynccontextmanager
async def lifespan(_app: FastAPI):
    try:
        roles = await run_in_threadpool(auth.setup_roles)
        if roles:
            log.info("NSCL staff page: permissions on '%s' ensured for %s", auth.RESOURCE, roles)
    except Exception:  # noqa: BLE001 - the page must not stop the API server from starting
        log.exception("NSCL staff page: could not create its permissions")
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
