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


def slug_of_name(name: str) -> str:
    """The slug a workspace folder of this name starts with: lower case, runs of anything
    but a-z and 0-9 as one "-" ("Klant A (2024)" -> "klant-a-2024"), "default" when none is
    left. A slug is a readable name, never the workspace's key: that is the uid in its
    folder's marker (`store.identity`)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "default"


def workspace_slug(folder: Path) -> str:
    """The slug a new workspace in `folder` starts with: `slug_of_name` of its name."""
    return slug_of_name(folder.expanduser().resolve().name or "default")


def database_url_for(folder: Path, settings: Settings | None = None) -> str:
    settings = settings or Settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{folder.expanduser().resolve() / 'socialdesk.db'}"
