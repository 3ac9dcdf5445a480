"""One router per skill. A new skill adds its module here and its templates/<skill>/ folder."""

from __future__ import annotations

from fastapi import APIRouter

from socialdesk.web.routes import (
    admin,
    ads,
    analytics,
    audit,
    auth,
    connections,
    home,
    imports,
    inbox,
    marketing,
    posts,
    publishing,
    reports,
    settings,
    visual,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    audit.router,
    posts.router,
    ads.router,
    imports.router,
    auth.router,
    admin.router,
    visual.router,
    marketing.router,
    publishing.router,
    analytics.router,
    inbox.router,
    connections.router,
    reports.router,
    settings.router,
)

__all__ = ["ROUTERS"]
