"""Settings: environment variables (SOCIALDESK_*) over defaults.

A workspace is a folder. Its SQLite database lives inside it unless
SOCIALDESK_DATABASE_URL points the same code at PostgreSQL (or another SQLite file).
"""

from __future__ import annotations

import re
from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCIALDESK_", extra="ignore")

    database_url: str | None = None
    data_dir: Path = Path(user_data_dir("socialdesk", appauthor=False))
    locale: str = "nl"


def default_workspace(settings: Settings | None = None) -> Path:
    return (settings or Settings()).data_dir / "default"


def workspace_slug(folder: Path) -> str:
    """A stable name for a workspace folder, used as its key in a shared database."""
    name = folder.expanduser().resolve().name or "default"
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "default"


def database_url_for(folder: Path, settings: Settings | None = None) -> str:
    settings = settings or Settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{folder.expanduser().resolve() / 'socialdesk.db'}"
