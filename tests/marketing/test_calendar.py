import datetime as dt

import pandas as pd

from socialdesk.marketing.calendar import (
    can_move,
    clashes,
    gaps,
    match_posts,
    to_csv,
    to_ics,
    to_meta_bulk_csv,
    to_utc,
)

COLS = [
    "id",
    "title",
    "status",
    "platform",
    "scheduled_at",
    "pillar",
    "audience",
    "objective",
    "owner",
    "text",
    "link",
    "post_id",
    "match_score",
    "approved_by",
    "approved_at",
    "updated_at",
    "media",
]


def _items(rows):
    full = [dict(zip(COLS, [None] * len(COLS), strict=True)) | r for r in rows]
    return pd.DataFrame(full, columns=COLS)


def test_status_flow():
    assert can_move("idea", "draft") and can_move("approved", "scheduled")
    assert not can_move("idea", "approved")  # no skipping the approval
    assert can_move("approved", "draft")  # a rejection goes back
    assert not can_move("scheduled", "approved")


def test_local_time_to_utc():
    assert to_utc(dt.datetime(2026, 7, 1, 11, 0)) == dt.datetime(2026, 7, 1, 9, 0)  # CEST
    assert to_utc(dt.datetime(2026, 1, 1, 11, 0)) == dt.datetime(2026, 1, 1, 10, 0)  # CET


def test_clashes_are_same_platform_same_local_hour():
    t = dt.datetime(2026, 3, 2, 9, 10)  # 10:10 in Amsterdam
    items = _items(
        [
            {"id": 1, "title": "a", "status": "draft", "platform": "instagram", "scheduled_at": t},
            {
                "id": 2,
                "title": "b",
                "status": "scheduled",
                "platform": "instagram",
                "scheduled_at": t + dt.timedelta(minutes=40),
            },
            {"id": 3, "title": "c", "status": "draft", "platform": "facebook", "scheduled_at": t},
            {"id": 4, "title": "d", "status": "idea", "platform": "instagram", "scheduled_at": t},
            {
                "id": 5,
                "title": "e",
                "status": "draft",
                "platform": "instagram",
                "scheduled_at": t + dt.timedelta(minutes=55),
            },  # 11:05: the next hour
        ]
    )
    found = clashes(items)
    assert len(found) == 1
    assert (found[0].platform, found[0].hour, found[0].items) == (
        "instagram",
        "2026-03-02 10:00",
        (1, 2),
    )


def test_gaps_of_three_weeks_per_pillar():
    d = dt.date
    found = gaps(
        {"tips": [d(2026, 1, 5), d(2026, 1, 27)], "vrijwilligers": [d(2026, 1, 10)]},
        ["tips", "vrijwilligers", "nieuws"],
        d(2026, 1, 1),
        d(2026, 1, 31),
    )
    got = {(g.pillar, g.start, g.end) for g in found}
    assert got == {
        ("tips", d(2026, 1, 6), d(2026, 1, 26)),  # 21 empty days
        ("vrijwilligers", d(2026, 1, 11), d(2026, 1, 31)),
        ("nieuws", d(2026, 1, 1), d(2026, 1, 31)),
    }


def test_ics_csv_and_meta_layouts():
    from icalendar import Calendar

    t = dt.datetime(2026, 3, 2, 9, 0)
    items = _items(
        [
            {
                "id": 7,
                "title": "Vrijwilligersdag",
                "status": "approved",
                "platform": "facebook",
                "scheduled_at": t,
                "pillar": "vrijwilligers",
                "text": 'Doe mee, "zaterdag"!',
                "link": "https://groendak.nl/v?utm_source=facebook",
                "media": {"files": ["a.jpg"]},
            },
            {"id": 8, "title": "Idee", "status": "idea", "platform": "x", "scheduled_at": None},
        ]
    )
    cal = Calendar.from_ical(to_ics(items))
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    ev = events[0]
    assert str(ev["uid"]) == "plan-item-7@socialdesk"
    assert ev.decoded("dtstart") == t.replace(tzinfo=dt.UTC)
    assert "vrijwilligers" in str(ev["categories"].to_ical())
    csv_text = to_csv(items).splitlines()
    assert csv_text[0].startswith("id,title,status,platform,date,time")
    assert csv_text[1].startswith("7,Vrijwilligersdag,approved,facebook,2026-03-02,10:00")
    meta = to_meta_bulk_csv(items).splitlines()
    assert len(meta) == 2  # the idea on X is not for Meta
    assert meta[1].endswith("a.jpg,03/02/2026,10:00")


def test_posts_are_matched_to_their_items_by_text_link_and_time():
    t = dt.datetime(2026, 3, 2, 9, 0)
    items = _items(
        [
            {
                "id": 1,
                "title": "Vrijwilligersdag",
                "status": "scheduled",
                "platform": "facebook",
                "scheduled_at": t,
                "text": "Zaterdag is de vrijwilligersdag! Meld je aan.",
                "link": "https://groendak.nl/vrijwilligers?utm_source=facebook",
            },
            {
                "id": 2,
                "title": "Kerst",
                "status": "scheduled",
                "platform": "facebook",
                "scheduled_at": t + dt.timedelta(days=10),
                "text": "Kerstcadeau",
            },
        ]
    )
    posts = pd.DataFrame(
        {
            "post_id": [11, 12, 13],
            "platform": ["facebook", "facebook", "instagram"],
            "published_at": [t + dt.timedelta(minutes=3), t + dt.timedelta(hours=2), t],
            "text": [
                "Zaterdag is de vrijwilligersdag! Meld je aan via groendak.nl/vrijwilligers",
                "Iets heel anders over bijen",
                "Zaterdag is de vrijwilligersdag!",
            ],
            "title": [None, None, None],
            "permalink": [None, None, None],
        }
    )
    found = match_posts(items, posts)
    assert [(m.item_id, m.post_id) for m in found] == [(1, 11)]
    assert found[0].link and found[0].text_similarity > 0.7
