"""The demo organisation, built once per module through the real importers (SQLite), once on
PostgreSQL, and rebuilt to check that nothing doubles."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from socialdesk.demo import FACT_KEY, DemoResult, build_demo
from socialdesk.demo.build import write_exports
from socialdesk.demo.paid import hill
from socialdesk.demo.world import generate_world
from socialdesk.errors import ConfigError
from socialdesk.model import (
    Account,
    AccountDay,
    AdDay,
    Campaign,
    Post,
    PostMetrics,
    SearchPerformance,
    WebDay,
    WorkspaceFact,
)
from socialdesk.overview import run as overview_run
from socialdesk.store import open_workspace, session_scope
from socialdesk.store.status import workspace_status

END = dt.date(2026, 10, 31)
SEED = 7

# Which importer must read which demo file (file name pattern -> format).
EXPECTED_FORMATS = {
    "facebook_comments": "meta_graph_comments_json",  # the inbox's comments
    # the page's and the account's insights per day, one metric per file ("Facebook follows")
    "/Facebook ": "meta_business_suite_page_daily_csv",
    "/Instagram ": "meta_business_suite_page_daily_csv",
    "_followers_": "linkedin_followers_xls",
    "facebook": "meta_business_suite_facebook_posts_csv",
    "instagram": "meta_business_suite_instagram_posts_csv",
    "linkedin": "linkedin_page_content_xls",
    "tweet_activity_metrics": "x_tweet_activity_metrics_csv",
    "account_overview_analytics": "x_account_overview_csv",
    "Content.csv": "tiktok_studio_content_csv",
    "Overview.csv": "tiktok_studio_overview_csv",
    "Follower": "tiktok_studio_followers_csv",
    "Viewers.csv": "tiktok_studio_viewers_csv",
    "Table data.csv": "youtube_studio_table_csv",
    "Chart data.csv": "youtube_studio_chart_csv",
    "Totals.csv": "youtube_studio_totals_csv",
    "meta_ads": "meta_ads_manager_csv",
    "Campaign report": "google_ads_campaigns_csv",
    "ga4": "ga4_report_csv",
    "Filters.csv": "search_console_filters_csv",
    "Performance-on-Search": "search_console_performance_csv",
}


def _quiet() -> Console:
    return Console(file=io.StringIO(), width=100)


def _expected_format(file: str) -> str:
    for marker, fmt in EXPECTED_FORMATS.items():
        if marker in file:
            return fmt
    raise AssertionError(f"no expected format for {file}")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "TRUTH.json"
    }


def _counts(engine: Engine, workspace_id: int, slug: str) -> dict[str, object]:
    with session_scope(engine) as session:
        st = workspace_status(session, workspace_id, slug, "")
    return {
        "entities": st.entities,
        "accounts": {(a.platform, a.handle): a.rows for a in st.accounts},
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    folder = tmp_path_factory.mktemp("demo") / "sd-demo"
    return build_demo(folder, seed=SEED, console=_quiet(), end=END)


@pytest.fixture(scope="module")
def handle(built: DemoResult):
    return open_workspace(built.folder)


def _repeated(file: str) -> bool:
    """The YouTube exports with the chart on subscribers ("… (1).zip", "… (2).zip") carry the
    same Table data as the first: the importer knows those bytes and skips them."""
    return file.endswith(").zip:Table data.csv")


def test_every_export_file_imports_with_its_own_format(built: DemoResult) -> None:
    assert len(built.files) >= 30
    assert built.reports
    for report in built.reports:
        expected = "unchanged" if _repeated(report.file) else "imported"
        assert report.status == expected, (report.file, report.error)
        assert report.format == _expected_format(report.file), report.file
    assert sum(_repeated(r.file) for r in built.reports) == 2
    named = {Path(r.file.split(":")[0]).name for r in built.reports}
    assert named == {p.name for p in built.files}


def _rows(session, model, *where) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)))


def test_row_counts_per_platform_are_plausible(built: DemoResult, handle) -> None:
    ranges = {
        "facebook": (200, 300),
        "instagram": (170, 270),
        "linkedin": (100, 200),
        "x": (250, 380),
        "tiktok": (90, 210),
        "youtube": (50, 110),
    }
    with handle.session() as s:
        in_ws = Account.workspace_id == handle.workspace_id
        for platform, (low, high) in ranges.items():
            n = _rows(s, Post, Post.account_id == Account.id, in_ws, Account.platform == platform)
            assert low <= n <= high, (platform, n)
        for platform in ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube"):
            days = _rows(
                s,
                AccountDay,
                AccountDay.account_id == Account.id,
                in_ws,
                Account.platform == platform,
            )
            assert days == 365, platform
        assert (
            _rows(
                s,
                Campaign,
                Campaign.account_id == Account.id,
                in_ws,
                Account.platform == "google_ads",
            )
            == 3
        )
        assert (
            _rows(
                s,
                Campaign,
                Campaign.account_id == Account.id,
                in_ws,
                Account.platform == "meta_ads",
            )
            == 5
        )
        assert (
            _rows(
                s,
                AdDay,
                AdDay.campaign_id == Campaign.id,
                Campaign.account_id == Account.id,
                in_ws,
                Account.platform == "google_ads",
            )
            == 3 * 365
        )
        meta_days = _rows(
            s,
            AdDay,
            AdDay.campaign_id == Campaign.id,
            Campaign.account_id == Account.id,
            in_ws,
            Account.platform == "meta_ads",
        )
        assert 1000 < meta_days < 4000
        assert _rows(s, WebDay, WebDay.account_id == Account.id, in_ws) > 365 * 10
        assert _rows(s, SearchPerformance, SearchPerformance.account_id == Account.id, in_ws) > 365
        snapshots = _rows(
            s, PostMetrics, PostMetrics.post_id == Post.id, Post.account_id == Account.id, in_ws
        )
        posts = _rows(s, Post, Post.account_id == Account.id, in_ws)
        assert snapshots == posts  # one export per post: one snapshot each


def test_followers_per_network_come_through_the_exports(built: DemoResult, handle) -> None:
    """The overview's followers block gets what each platform's export gives: a follower count
    for Facebook and Instagram (Business Suite insights) and TikTok, only followers gained for
    LinkedIn, gained and lost for X and YouTube; each on the account of the network's posts."""
    world = generate_world(SEED, END)
    with session_scope(handle.engine) as s:
        block = overview_run.overview(s, handle.workspace_id, days=30).overview.followers
        for platform in ("facebook", "instagram", "linkedin", "youtube"):
            accounts = s.scalars(
                select(Account.id).where(
                    Account.workspace_id == handle.workspace_id, Account.platform == platform
                )
            ).all()
            assert len(accounts) == 1, platform  # the insights landed on the posts' account
            posts = _rows(s, Post, Post.account_id == accounts[0])
            days = _rows(s, AccountDay, AccountDay.account_id == accounts[0])
            assert posts > 0 and days == 365, platform
    assert block is not None
    by = {p.platform: p.followers for p in block.platforms}
    assert set(by) == {"facebook", "instagram", "linkedin", "x", "tiktok", "youtube"}
    assert block.without_figures == ()
    last30 = {p: d.iloc[-30:] for p, d in world.days.items()}
    for platform in ("facebook", "instagram", "tiktok"):
        assert by[platform].total == world.days[platform]["followers"].iloc[-1], platform
        assert by[platform].change_from == "counts"
    for platform in ("facebook", "instagram", "linkedin", "x", "youtube"):
        assert by[platform].gained == last30[platform]["followers_gained"].sum(), platform
    for platform in ("facebook", "instagram", "x", "youtube"):
        assert by[platform].lost == last30[platform]["followers_lost"].sum(), platform
    # LinkedIn's export gives new followers only: no count, no unfollows, so no net change
    assert by["linkedin"].total is None and by["linkedin"].lost is None
    assert by["linkedin"].change is None
    assert set(block.total_over) == {"facebook", "instagram", "tiktok"}
    assert block.total == sum(world.days[p]["followers"].iloc[-1] for p in block.total_over)
    assert set(block.only_net) == {"x", "youtube"}
    # TRUTH.json says which follower figures each platform's exports give
    for platform, truth in built.truths["organic"].items():
        given = truth["followers"]["exports_give"]
        assert ("count" in given) == (by[platform].total is not None), platform
        assert ("gained" in given) == (by[platform].gained is not None), platform
        assert ("lost" in given) == (by[platform].lost is not None), platform
        assert truth["followers"]["end"] == world.days[platform]["followers"].iloc[-1]


def test_truth_is_stored_and_matches_truth_json(built: DemoResult, handle) -> None:
    on_disk = json.loads((built.folder / "exports" / "TRUTH.json").read_text("utf-8"))
    with handle.session() as s:
        fact = s.scalar(
            select(WorkspaceFact.value).where(
                WorkspaceFact.workspace_id == handle.workspace_id, WorkspaceFact.key == FACT_KEY
            )
        )
    assert fact == on_disk == built.truths
    assert fact["organisation"]["seed"] == SEED and fact["organisation"]["end"] == END.isoformat()
    assert set(fact["organic"]) == {"facebook", "instagram", "linkedin", "x", "tiktok", "youtube"}
    fb = fact["organic"]["facebook"]
    assert fb["media_type_rate_ratio"]["photo"] == 1.0 and fb["best_hours"][0] in range(8, 22)
    assert 0 < fb["followers"]["daily_growth_rate"] < 0.01
    assert 6 <= len(fact["campaigns"]) <= 10
    for camp in fact["campaigns"]:
        curve = camp["response_curve"]
        assert curve["top"] > 0 and curve["k"] > 0 and curve["s"] > 0
        assert camp["spend"]["max_day"] > 2 * camp["spend"]["min_day"]  # enough spread to fit
    planted = fact["planted"]
    assert planted["uncovered_search_topic"]["posts_covering_it"] == 0
    assert planted["untagged_campaign"]["sessions"] > 0


def test_planted_gaps_are_in_the_imported_data(built: DemoResult, handle) -> None:
    planted = built.truths["planted"]
    topic = planted["uncovered_search_topic"]["topic"]
    with handle.session() as s:
        in_ws = Account.workspace_id == handle.workspace_id
        texts = s.scalars(select(Post.text).join(Account).where(in_ws)).all()
        assert texts and not any(topic in (t or "").casefold() for t in texts)
        queries = dict(
            s.execute(
                select(SearchPerformance.value, SearchPerformance.impressions)
                .join(Account)
                .where(in_ws, SearchPerformance.dimension == "query")
            ).all()
        )
        gap = sum(v for q, v in queries.items() if topic in q)
        assert gap == planted["uncovered_search_topic"]["impressions"]
        assert gap > 0.08 * sum(queries.values())
        web = pd.DataFrame(
            s.execute(
                select(
                    WebDay.date_start,
                    WebDay.source,
                    WebDay.medium,
                    WebDay.campaign,
                    WebDay.sessions,
                )
                .join(Account)
                .where(in_ws)
            ).all()
        )
    untagged = planted["untagged_campaign"]
    direct = web[(web.source == "(direct)") & (web.medium == "(none)")]
    during = direct.date_start.between(
        dt.date.fromisoformat(untagged["start"]), dt.date.fromisoformat(untagged["end"])
    )
    assert direct[during].sessions.mean() > 2 * direct[~during].sessions.mean()
    assert untagged["campaign"] not in set(web.campaign)
    tagged = {c["ga4"]["campaign"] for c in built.truths["campaigns"] if "untagged" not in c["ga4"]}
    assert tagged <= set(web.campaign)


def test_ad_results_follow_the_recorded_response_curves(built: DemoResult, handle) -> None:
    with handle.session() as s:
        rows = pd.DataFrame(
            s.execute(
                select(
                    Campaign.name,
                    AdDay.date_start,
                    AdDay.spend,
                    AdDay.results,
                    AdDay.conversions,
                    AdDay.link_clicks,
                )
                .join(Campaign, AdDay.campaign_id == Campaign.id)
                .join(Account)
                .where(Account.workspace_id == handle.workspace_id)
            ).all()
        )
    for camp in built.truths["campaigns"]:
        days = rows[rows.name == camp["name"]].groupby("date_start").sum(numeric_only=True)
        outcome = days["results"] if camp["platform"] == "meta_ads" else days["conversions"]
        curve = camp["response_curve"]
        expected = hill(days["spend"].to_numpy(), curve["top"], curve["k"], curve["s"])
        assert outcome.sum() == pytest.approx(expected.sum(), rel=0.1), camp["name"]
        quartile = pd.qcut(days["spend"].to_numpy(), 4, labels=False)
        seen = pd.Series(outcome.to_numpy()).groupby(quartile).mean()
        model = pd.Series(expected).groupby(quartile).mean()
        assert model.iloc[-1] > 1.5 * model.iloc[0], camp["name"]  # the spend spans the bend
        assert np.allclose(seen, model, rtol=0.25), (camp["name"], seen, model)


def test_media_type_effects_show_through_the_import(built: DemoResult, handle) -> None:
    truth = built.truths["organic"]["facebook"]
    with handle.session() as s:
        rows = pd.DataFrame(
            s.execute(
                select(Post.media_type, PostMetrics.reach, PostMetrics.engagements)
                .join(PostMetrics, PostMetrics.post_id == Post.id)
                .join(Account)
                .where(
                    Account.workspace_id == handle.workspace_id,
                    Account.platform == "facebook",
                    Account.handle == truth["account"],
                )
            ).all()
        )
    sums = rows.groupby("media_type")[["engagements", "reach"]].sum()
    rate = sums["engagements"] / sums["reach"]
    observed = rate / rate["photo"]
    for media, ratio in truth["media_type_rate_ratio"].items():
        assert observed[media] == pytest.approx(ratio, rel=0.35), media


def test_a_second_build_changes_nothing(built: DemoResult, handle) -> None:
    before = _counts(handle.engine, handle.workspace_id, handle.slug)
    again = build_demo(built.folder, seed=SEED, console=_quiet(), end=END)
    assert {r.status for r in again.reports} == {"unchanged"}
    assert _counts(handle.engine, handle.workspace_id, handle.slug) == before
    assert again.truths == built.truths


def test_the_cli_rebuilds_without_doubling(built: DemoResult, handle, monkeypatch) -> None:
    from socialdesk.cli import app

    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    before = _counts(handle.engine, handle.workspace_id, handle.slug)
    result = CliRunner().invoke(app, ["demo", "--workspace", str(built.folder), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Demo workspace ready" in result.output
    assert _counts(handle.engine, handle.workspace_id, handle.slug) == before


def test_the_cli_saves_the_demo_plan_once(built: DemoResult, handle, monkeypatch) -> None:
    """`socialdesk demo` gives the workspace the demo's plan as version 1, and only once."""
    from socialdesk.cli import app
    from socialdesk.marketing import run

    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    for _ in range(2):
        result = CliRunner().invoke(app, ["demo", "--workspace", str(built.folder), "--no-serve"])
        assert result.exit_code == 0, result.output
    from socialdesk.marketing.plan import from_yaml

    with session_scope(handle.engine) as s:
        version, plan = run.current_plan(s, handle.workspace_id)
    assert version == 1
    written = from_yaml((built.folder / "exports" / "plan.yaml").read_text(encoding="utf-8"))
    assert plan == written and plan.campaigns


def test_another_seed_is_refused_in_the_same_workspace(built: DemoResult) -> None:
    with pytest.raises(ConfigError, match="seed 7"):
        build_demo(built.folder, seed=SEED + 1, console=_quiet(), end=END)


def test_same_seed_gives_identical_files(built: DemoResult, tmp_path: Path) -> None:
    write_exports(tmp_path / "a", SEED, END)
    write_exports(tmp_path / "b", SEED, END)
    first = _hashes(tmp_path / "a")
    assert first == _hashes(tmp_path / "b") == _hashes(built.folder / "exports")


def test_another_seed_gives_other_data(built: DemoResult, tmp_path: Path) -> None:
    world, _ = write_exports(tmp_path / "other", SEED + 1, END)
    mine, theirs = _hashes(built.folder / "exports"), _hashes(tmp_path / "other")
    assert len(mine) == len(theirs)
    assert not set(mine.values()) & set(theirs.values())
    fb = built.truths["organic"]["facebook"]
    assert world.effects["facebook"].rate_ratio != fb["media_type_rate_ratio"]


def test_an_end_date_moves_the_year(tmp_path: Path) -> None:
    world, files = write_exports(tmp_path, SEED, dt.date(2026, 3, 31))
    assert world.period.start == dt.date(2025, 4, 1)
    for camp, days in world.campaigns:
        assert world.period.start <= camp.start <= camp.end <= world.period.end, camp.name
        assert len(days) == (camp.end - camp.start).days + 1
    assert any("20250401" in f.path.name for f in files)


def test_postgresql_build_matches_sqlite(
    built: DemoResult, pg_engine: Engine, tmp_path: Path, handle
) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    folder = tmp_path / f"sd-demo-pg-{uuid.uuid4().hex[:8]}"
    result = build_demo(folder, seed=SEED, console=_quiet(), end=END, url=url)
    assert {r.status for r in result.reports if not _repeated(r.file)} == {"imported"}
    pg = open_workspace(folder, url=url)
    assert _counts(pg.engine, pg.workspace_id, pg.slug) == _counts(
        handle.engine, handle.workspace_id, handle.slug
    )
    with session_scope(pg.engine) as s:
        fact = s.scalar(
            select(WorkspaceFact.value).where(
                WorkspaceFact.workspace_id == pg.workspace_id, WorkspaceFact.key == FACT_KEY
            )
        )
    assert fact == built.truths
    pg.engine.dispose()


def test_the_plan_names_the_stored_campaigns(built: DemoResult, handle) -> None:
    """exports/plan.yaml ties every objective to campaigns by the names the ad exports carry,
    so the coverage counts all ad spend to objectives once the plan is imported."""
    from socialdesk.marketing import queries, run
    from socialdesk.marketing.plan import from_yaml

    plan = from_yaml((built.folder / "exports" / "plan.yaml").read_text(encoding="utf-8"))
    with session_scope(handle.engine) as session:
        stored = set(
            session.scalars(
                select(Campaign.name)
                .join(Account, Account.id == Campaign.account_id)
                .where(Account.workspace_id == handle.workspace_id)
            )
        )
        # the demo stores each campaign at one grain (Meta per ad, Google per campaign)
        spend = session.scalar(
            select(func.sum(AdDay.spend))
            .join(Campaign, Campaign.id == AdDay.campaign_id)
            .join(Account, Account.id == Campaign.account_id)
            .where(Account.workspace_id == handle.workspace_id, AdDay.breakdown.is_(None))
        )
        cov = run.campaign_coverage(
            session, handle.workspace_id, plan, queries.tags(session, handle.workspace_id)
        )
    named = [c.name for c in plan.campaigns]
    assert sorted(named) == sorted(stored)
    assert {c.objective for c in plan.campaigns} == {o.key for o in plan.objectives}
    assert cov is not None
    rows = {r.key: r for r in cov.dimensions["objective"]}
    assert "(untagged)" not in rows
    assert set(rows) == {o.key for o in plan.objectives}
    assert {k: r.count for k, r in rows.items()} == {
        o.key: sum(c.objective == o.key for c in plan.campaigns) for o in plan.objectives
    }
    assert sum(r.effort for r in rows.values()) == pytest.approx(float(spend or 0), abs=0.05)
    assert all(r.by_source == {"plan": r.count} for r in rows.values())
