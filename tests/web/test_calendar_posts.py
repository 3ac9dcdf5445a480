"""The calendar shows the account's published posts next to the planned items, a few a day with
"+N more", opens on a month with data, and names the month in the reader's language
(issue #17; SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from socialdesk.marketing import queries, run
from socialdesk.marketing.run import DAY_POSTS, calendar_start
from socialdesk.model import Account, PlanItem, Post
from socialdesk.store import session_scope
from tests.web.conftest import make_client

DAY = dt.date(2026, 3, 10)


def _seed(ws) -> tuple[list[int], int]:
    """Five posts on 10 March, one on 11 March, and a plan item standing for the 11 March post."""
    with session_scope(ws.engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="instagram", handle="groen")
        s.add(acc)
        s.flush()
        ids = []
        for i in range(5):
            p = Post(
                account_id=acc.id,
                external_id=f"p{i}",
                published_at=dt.datetime.combine(DAY, dt.time(9 + i, 5)),
                text=f"Post {i} <script>",
            )
            s.add(p)
            s.flush()
            ids.append(p.id)
        planned = Post(
            account_id=acc.id,
            external_id="planned",
            published_at=dt.datetime(2026, 3, 11, 12, 0),
            text="via the calendar",
        )
        s.add(planned)
        s.flush()
        s.add(
            PlanItem(
                workspace_id=ws.workspace_id,
                title="Planned tip",
                status="published",
                platform="instagram",
                scheduled_at=dt.datetime(2026, 3, 11, 11, 0),
                post_id=planned.id,
                created_by="test",
            )
        )
    return ids, planned.id


def test_a_month_shows_a_few_published_posts_a_day_and_counts_the_rest(ws):
    ids, planned = _seed(ws)
    with ws.session() as s:
        month = run.calendar_month(s, ws.workspace_id, month=DAY)
        frame = queries.day_posts(s, ws.workspace_id, DAY, DAY, 2)
    days = {d.date: d for w in month.weeks for d in w}
    tenth = days[DAY]
    assert [p.id for p in tenth.posts] == ids[:DAY_POSTS]  # oldest first, capped
    assert tenth.more_posts == 5 - DAY_POSTS
    assert tenth.posts[0].time == "09:05" and tenth.posts[0].platform == "instagram"
    eleventh = days[DAY + dt.timedelta(days=1)]
    assert eleventh.posts == () and eleventh.more_posts == 0  # shown on its item's card
    assert [(i.title, i.post_id) for i in eleventh.items] == [("Planned tip", planned)]
    assert list(frame["post_id"]) == ids[:2] and set(frame["day_n"]) == {5}  # the SQL cap


def test_the_calendar_opens_on_this_month_or_the_last_with_data(ws):
    with ws.session() as s:  # nothing at all: this month
        assert calendar_start(s, ws.workspace_id, dt.date(2026, 12, 6)) == dt.date(2026, 12, 1)
    _seed(ws)
    with ws.session() as s:
        assert calendar_start(s, ws.workspace_id, dt.date(2026, 12, 6)) == dt.date(2026, 3, 1)
        assert calendar_start(s, ws.workspace_id, dt.date(2026, 3, 20)) == dt.date(2026, 3, 1)
    with session_scope(ws.engine) as s:  # a planned item in December makes December count
        s.add(
            PlanItem(
                workspace_id=ws.workspace_id,
                title="Kerst",
                status="draft",
                scheduled_at=dt.datetime(2026, 12, 20, 9, 0),
                created_by="test",
            )
        )
    with ws.session() as s:
        assert calendar_start(s, ws.workspace_id, dt.date(2026, 12, 6)) == dt.date(2026, 12, 1)
        assert calendar_start(s, ws.workspace_id, dt.date(2027, 2, 1)) == dt.date(2026, 12, 1)


def test_the_page_marks_published_posts_and_names_the_month(ws):
    ids, _planned = _seed(ws)
    client = make_client(ws)
    nl = client.get("/marketing/calendar?month=2026-03&lang=nl").text
    assert "maart 2026" in nl and "2026-03<" not in nl
    main = nl.split('id="main"', 1)[1]
    assert f'<li class="cal-post" data-post="{ids[0]}"' in main
    assert f'href="/posts/{ids[0]}"><span class="cal-done" aria-hidden="true">✓</span>' in main
    assert "Post 0 &lt;script&gt;" in main and "<script>" not in main.split("</table>")[0]
    assert f'data-post="{ids[3]}"' not in main  # beyond the day's cap
    assert "+2 more" in main or "+2 meer" in main
    en = client.get("/marketing/calendar?month=2026-03&lang=en").text
    assert "March 2026" in en
    # without a month it opens on the last month with data (March), not an empty today
    assert "maart 2026" in client.get("/marketing/calendar?lang=nl").text
    data = client.get("/marketing/calendar.json?month=2026-03").json()
    tenth = next(d for w in data["weeks"] for d in w if d["date"] == DAY.isoformat())
    assert len(tenth["posts"]) == DAY_POSTS and tenth["more_posts"] == 2
