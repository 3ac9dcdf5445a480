"""`socialdesk serve --workers 2` (issue #18): two web processes answer, a login made in one
is good in the other (one secret key, one session store), and their slow results are shared
through a private folder of the run, gone when the server stops (nothing in the workspace)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import httpx

from .test_auth_behind_proxy import PASSWORD, _serving, team_folder  # noqa: F401


def _result_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("socialdesk-results-*"))


def test_two_web_processes_share_logins_and_results(team_folder):  # noqa: F811
    before = _result_folders()
    with _serving(team_folder, "--workers", "2") as (url, output):
        with httpx.Client(base_url=url, timeout=60) as client:
            page = client.get("/login").text
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            answer = client.post(
                "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token}
            )
            assert answer.status_code == 303
            # new connections: the requests land on either process, all logged in
            for _ in range(8):
                client.headers["connection"] = "close"
                assert 'action="/logout"' in client.get("/analytics/goals").text
        (shared,) = _result_folders() - before  # the run's private folder: 0700, results in it
        assert shared.stat().st_mode & 0o077 == 0
        assert list(shared.glob("*.pickle"))
    said = " ".join(output[0].split())
    assert "2 web processes serve it side by side" in said
    assert not shared.exists()  # gone with the server
    assert not [p for p in team_folder.iterdir() if "cache" in p.name or "results" in p.name]
