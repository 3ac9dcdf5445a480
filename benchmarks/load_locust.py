"""The users of the load test (benchmarks/load_test.py starts locust with this file).

Each simulated user logs in once and then, with think times of 0.5-2 s, mixes what a team
does in a working day: page views (the overview, posts, a post, the analysis pages), searches
(the posts' text search), inbox actions (open the queue, set a thread's status and back) and,
once for the whole test, one import of an export file through the web form. A request that
answers 5xx, or a 4xx it should not, counts as a failure: the goal is 0.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, events, task

USER = os.environ.get("LOAD_USER", "")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
IMPORT_FILE = os.environ.get("LOAD_IMPORT_FILE", "")
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
WORDS = ("vrijwilligers", "groen", "actie", "klimaat", "dak", "nieuwsbrief", "zaterdag")
PAGES = (
    "/overview",
    "/overview?days=90",
    "/posts",
    "/posts?sort=engagements&page=2",
    "/visual",
    "/analytics/best-times",
    "/analytics/kpi-tree",
    "/analytics/goals",
    "/ads",
    "/ads/pacing",
    "/marketing/calendar",
    "/reports",
)
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_THREAD = re.compile(r'href="/inbox/threads/(\d+)"')
_POST = re.compile(r'href="/posts/(\d+)"')
_state = {"imported": False, "requests": 0}


@events.request.add_listener
def _count(**_kwargs: object) -> None:
    """Stop the whole test after LOAD_MAX_REQUESTS requests (a fixed request count)."""
    _state["requests"] += 1
    if MAX_REQUESTS and _state["requests"] >= MAX_REQUESTS:
        runner = getattr(events, "_runner", None)
        if runner is not None:
            runner.quit()


@events.init.add_listener
def _keep_runner(environment: object, **_kwargs: object) -> None:
    events._runner = environment.runner  # type: ignore[attr-defined]


class TeamMember(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        page = self.client.get("/login", name="/login")
        token = _CSRF.search(page.text)
        self.client.post(
            "/login",
            data={
                "username": USER,
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
                "next": "/overview",
            },
            name="POST /login",
        )
        with self.client.get("/overview", name="/overview", catch_response=True) as overview:
            if 'action="/logout"' not in overview.text:  # not logged in: every page is /login
                overview.failure("not logged in")
        token = _CSRF.search(overview.text)
        self.csrf = token.group(1) if token else ""
        self.posts = [int(p) for p in _POST.findall(self.client.get("/posts", name="/posts").text)]

    @task(10)
    def page(self) -> None:
        path = random.choice(PAGES)
        self.client.get(path, name=path.split("?")[0])

    @task(3)
    def post(self) -> None:
        if self.posts:
            self.client.get(f"/posts/{random.choice(self.posts)}", name="/posts/{id}")

    @task(4)
    def search(self) -> None:
        self.client.get(f"/posts?q={random.choice(WORDS)}", name="/posts?q=")

    @task(4)
    def inbox(self) -> None:
        queue = self.client.get("/inbox", name="/inbox")
        threads = _THREAD.findall(queue.text)
        if not threads:
            return
        thread = random.choice(threads)
        self.client.get(f"/inbox/threads/{thread}", name="/inbox/threads/{id}")
        self.client.post(
            f"/inbox/threads/{thread}/status",
            data={"status": random.choice(("open", "done")), "csrf_token": self.csrf},
            headers={"X-CSRF-Token": self.csrf},
            name="POST /inbox/threads/{id}/status",
        )

    @task(1)
    def import_once(self) -> None:
        if _state["imported"] or not IMPORT_FILE:
            return
        _state["imported"] = True
        with open(IMPORT_FILE, "rb") as fh:
            self.client.post(
                "/imports",
                files={"files": (os.path.basename(IMPORT_FILE), fh, "text/csv")},
                data={"csrf_token": self.csrf},
                headers={"X-CSRF-Token": self.csrf},
                name="POST /imports",
            )
