"""The faces agree: a page's `.json` twin and the CLI's `--json` print the same result.

Both call the skill's seam and serialise its result with `socialdesk.results.plain`; these
tests ask both faces the same question on one workspace folder and compare the answers field
for field (after a JSON round trip, so numbers compare as JSON numbers).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.store import open_workspace
from socialdesk.store.session import WorkspaceHandle
from socialdesk.web import WebConfig, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

runner = CliRunner()


class Faces:
    """The web twin and the CLI of one workspace folder (SQLite)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.handle: WorkspaceHandle = open_workspace(folder)
        config = WebConfig(workspace=self.handle, secret_key="test-secret-" + "x" * 32)
        self.client = TestClient(create_app(config), base_url="http://127.0.0.1")

    def web(self, url: str) -> Any:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.text[:500])
        assert response.headers["content-type"] == "application/json"
        return response.json()

    def cli(self, *args: str) -> Any:
        result = runner.invoke(app, [*args, "--json", "-w", str(self.folder)])
        assert result.exit_code == 0, (args, result.output[-2000:])
        return json.loads(result.output)

    def agree(self, url: str, *args: str) -> Any:
        """Ask both; they must print the same JSON. Returns it for further checks."""
        web, cli = self.web(url), self.cli(*args)
        assert web == cli, _first_difference(web, cli)
        return web


def _first_difference(a: Any, b: Any, path: str = "$") -> str:
    if type(a) is not type(b):
        return f"{path}: web {type(a).__name__} {a!r:.200} vs cli {type(b).__name__} {b!r:.200}"
    if isinstance(a, dict):
        if set(a) != set(b):
            return f"{path}: keys only in web {set(a) - set(b)}, only in cli {set(b) - set(a)}"
        for k in a:
            if a[k] != b[k]:
                return _first_difference(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: web has {len(a)} items, cli {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: web {a!r:.200} vs cli {b!r:.200}"


@pytest.fixture
def faces_for() -> Callable[[Path], Faces]:
    made: list[Faces] = []

    def make(folder: Path) -> Faces:
        made.append(Faces(folder))
        return made[-1]

    yield make
    for f in made:
        f.client.close()
        f.handle.engine.dispose()
