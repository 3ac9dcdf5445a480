"""The web tests' fixtures (a seeded workspace) for the audit's home-page tests."""

from tests.web.conftest import seeded, sqlite_seeded, sqlite_ws

__all__ = ["seeded", "sqlite_seeded", "sqlite_ws"]
