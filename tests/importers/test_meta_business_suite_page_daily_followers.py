"""Meta Business Suite page-level daily series: follower totals against follows, Instagram
account insights, and the Dutch metric names (ASSUMED: no Dutch page-level export seen).

The series are written in the documented shape (FORMATS.md 1b: UTF-16 LE with a BOM, `sep=,`,
the metric's name, `"Date","Primary"`), as test_meta_business_suite_page_daily_csv does.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.meta_business_suite_page_daily_csv import resolve
from socialdesk.model import Account, AccountDay

D1, D2 = "2025-08-01T00:00:00", "2025-08-02T00:00:00"


def _series(
    tmp_path: Path, name: str, metric: str, rows: list[tuple[str, str]], header=("Date", "Primary")
) -> Path:
    lines = ["sep=,", f'"{metric}"', ",".join(f'"{h}"' for h in header)]
    lines += [f'"{d}","{v}"' for d, v in rows]
    path = tmp_path / name
    path.write_bytes(codecs.BOM_UTF16_LE + ("\n".join(lines) + "\n").encode("utf-16-le"))
    return path


def _days(s, ws, platform: str) -> dict[dt.date, AccountDay]:
    q = (
        select(AccountDay)
        .join(Account)
        .where(Account.workspace_id == ws.workspace_id, Account.platform == platform)
    )
    return {d.date: d for d in s.scalars(q)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # totals: the number of followers on the day
        ("Facebook followers", ("facebook", "followers")),
        ("Instagram followers", ("instagram", "followers")),
        ("Page followers", ("facebook", "followers")),
        ("Followers", ("facebook", "followers")),
        ("Facebook Page followers", ("facebook", "followers")),
        ("Volgers", ("facebook", "followers")),
        ("Facebook-volgers", ("facebook", "followers")),
        ("Instagram-volgers", ("instagram", "followers")),
        # changes: who started or stopped following that day
        ("Facebook follows", ("facebook", "followers_gained")),
        ("Instagram follows", ("instagram", "followers_gained")),
        ("Nieuwe volgers", ("facebook", "followers_gained")),
        ("Volgacties", ("facebook", "followers_gained")),
        ("Instagram-volgacties", ("instagram", "followers_gained")),
        ("Instagram unfollows", ("instagram", "followers_lost")),
        # Instagram account insights
        ("Instagram reach", ("instagram", "reach")),
        ("Instagram accounts reached", ("instagram", "reach")),
        ("Instagram views", ("instagram", "views")),
        ("Instagram profile visits", ("instagram", "profile_views")),
        ("Instagram website taps", ("instagram", "extra:website_taps")),
        ("Instagram external link taps", ("instagram", "extra:website_taps")),
        ("Instagram link clicks", ("instagram", "extra:link_clicks")),
        ("Instagram-profielbezoeken", ("instagram", "profile_views")),
        ("Instagram-bereik", ("instagram", "reach")),
        # Dutch page metrics
        ("Bereik", ("facebook", "reach")),
        ("Weergaven", ("facebook", "views")),
        ("Facebook-weergaven", ("facebook", "views")),
        ("Profielbezoeken", ("facebook", "profile_views")),
        ("Bezoeken", ("facebook", "profile_views")),
        ("Facebook-paginabezoeken", ("facebook", "profile_views")),
        ("Linkklikken", ("facebook", "extra:link_clicks")),
    ],
)
def test_metric_names_land_in_the_right_column(name, expected):
    assert resolve(name) == (*expected, True)


def test_a_name_that_only_starts_like_a_platform_is_not_split():
    # "Facebookvolgers" (no space, no hyphen) is not a known name: kept in extra, said so
    assert resolve("Facebookvolgers") == ("facebook", "extra:facebookvolgers", False)


def test_followers_total_and_follows_fill_different_columns_of_the_same_days(
    importer, ws, tmp_path
):
    total = _series(tmp_path, "fans.csv", "Facebook followers", [(D1, "5,120"), (D2, "5,131")])
    follows = _series(tmp_path, "follows.csv", "Facebook follows", [(D1, "14"), (D2, "11")])
    for path in (total, follows):
        report = importer.import_file(path, account="Prins Petfoods")
        assert report.status == "imported", report.error
        assert not any("not one socialdesk knows" in n for n in report.notes)
    with ws.session() as s:
        days = _days(s, ws, "facebook")
        first = days[dt.date(2025, 8, 1)]
        assert (first.followers, first.followers_gained) == (5120, 14)
        assert (
            days[dt.date(2025, 8, 2)].followers,
            days[dt.date(2025, 8, 2)].followers_gained,
        ) == (
            5131,
            11,
        )
        assert first.extra is None  # nothing misfiled under an unknown name


def test_instagram_account_insights_fill_the_instagram_account(importer, ws, tmp_path):
    series = {
        "Instagram reach": "830",
        "Instagram views": "2,410",
        "Instagram profile visits": "57",
        "Instagram follows": "9",
        "Instagram unfollows": "3",
        "Instagram followers": "1,204",
        "Instagram website taps": "6",
    }
    for i, (metric, value) in enumerate(series.items()):
        path = _series(tmp_path, f"ig{i}.csv", metric, [(D1, value)])
        report = importer.import_file(path, account="prinspetfoods")
        assert report.status == "imported", (metric, report.error)
    with ws.session() as s:
        handles = s.execute(
            select(Account.platform, Account.handle).where(Account.workspace_id == ws.workspace_id)
        )
        assert list(handles) == [("instagram", "prinspetfoods")]
        day = _days(s, ws, "instagram")[dt.date(2025, 8, 1)]
        assert (day.reach, day.views, day.profile_views) == (830, 2410, 57)
        assert (day.followers_gained, day.followers_lost, day.followers) == (9, 3, 1204)
        assert day.extra == {"website_taps": 6}


def test_a_dutch_series_with_a_dutch_header(importer, ws, tmp_path):
    path = _series(
        tmp_path, "volgers.csv", "Facebook-volgers", [(D1, "812")], header=("Datum", "Primair")
    )
    assert detect(path, builtin_formats()).format.name == "meta_business_suite_page_daily_csv"
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    with ws.session() as s:
        day = _days(s, ws, "facebook")[dt.date(2025, 8, 1)]
        assert (day.followers, day.followers_gained) == (812, None)
