"""The web cockpit: server-rendered pages (FastAPI, Jinja2, HTMX) over one workspace."""

from socialdesk.web.app import create_app, settle_for_serving
from socialdesk.web.deps import WebConfig

__all__ = ["WebConfig", "create_app", "settle_for_serving"]
