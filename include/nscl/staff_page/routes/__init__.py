"""One APIRouter per tab of the staff page; ``nscl.staff_page.app.create_app`` includes every
router listed in ``ROUTERS`` (a new tab: a module here with its ``router``, one line below, and
its entry in ``nscl.staff_page.render.TABS``)."""

from __future__ import annotations

from fastapi import APIRouter

from nscl.staff_page import editorial
from nscl.staff_page.routes import (
    actions,
    direction,
    downloads,
    exports,
    overview,
    reports,
    settings,
    submissions,
    templates,
    uploads,
)

ROUTERS: list[APIRouter] = [
    overview.router,
    reports.router,
    submissions.router,
    actions.router,
    exports.router,
    uploads.router,
    templates.router,
    downloads.router,
    settings.router,
    editorial.router,
    direction.router,
]
