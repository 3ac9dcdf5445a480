"""`socialdesk serve --workers 2` (issue #18): two web processes answer, a login made in one
is good in the other (one secret key, one session store), and their slow results are shared
through the workspace's .socialdesk-cache folder, which a backup leaves out."""

from __future__ import annotations

import re

import httpx

from socialdesk.cli.serve import SHARED_RESULTS

from .test_auth_behind_proxy import PASSWORD, _serving, team_folder  # noqa: F401


def test_two_web_processes_share_logins_and_results(team_folder):  # noqa: F811
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
    said = " ".join(output[0].split())
    assert "2 web processes serve it side by side" in said
    assert (team_folder / SHARED_RESULTS).is_dir()
    assert list((team_folder / SHARED_RESULTS).glob("*.pickle"))
