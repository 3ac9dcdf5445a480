"""Figures the store keeps derived from the imported rows, refreshed by every import.

`post_latest` holds each post's latest snapshot, `account_week` and `post_week` the days
and posts of each account summed per week (see the model). The importer refreshes them in
the import's own transaction; whatever writes posts, snapshots or account days outside the
importers (a benchmark's bulk build, a test's seeding) calls `refresh_all` afterwards.
`check_post_latest` and `check_weeks` say whether the tables agree with the rows they
come from, and the tests hold every import to them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    true,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from socialdesk.catalogue.sql import metric_column
from socialdesk.model import (
    Account,
    AccountDay,
    AccountWeek,
    AdDay,
    AdWeek,
    Campaign,
    Post,
    PostLatest,
    PostMetrics,
    PostWeek,
)

LATEST_FIGURES: tuple[str, ...] = ("impressions", "reach", "engagements", "clicks")
_CHUNK = 20_000  # post ids per statement (under both engines' bound-parameter limits)

# what the rollups run on: an import's session, or a connection (a migration's, a check's)
Conn = Session | Connection


def _latest_select(where: Any) -> Any:
    """Per post matching `where`: its account, time and latest snapshot's figures."""
    latest = aliased(PostMetrics, name="latest")
    newer = aliased(PostMetrics, name="newer")
    no_newer = ~exists().where(newer.post_id == latest.post_id, newer.as_of > latest.as_of)
    return (
        select(
            Post.id,
            Post.account_id,
            Post.published_at,
            latest.as_of,
            *[metric_column(latest, m) for m in LATEST_FIGURES],
        )
        .select_from(Post)
        .outerjoin(latest, and_(latest.post_id == Post.id, no_newer))
        .where(where)
    )


_COLUMNS = ["post_id", "account_id", "published_at", "as_of", *LATEST_FIGURES]


def _touched_select(where: Any) -> Any:
    """Per post matching `where`: its account, time and latest snapshot's figures, the
    latest snapshot found through the (post_id, as_of) key, one index probe per post.
    `_latest_select`'s anti-join reads as much of post_metrics as the planner likes (on
    PostgreSQL all of it), which grows with the store; this grows with the posts given."""
    latest = aliased(PostMetrics, name="latest")
    newest = aliased(PostMetrics, name="newest")
    last = select(func.max(newest.as_of)).where(newest.post_id == Post.id).scalar_subquery()
    return (
        select(
            Post.id,
            Post.account_id,
            Post.published_at,
            latest.as_of,
            *[metric_column(latest, m) for m in LATEST_FIGURES],
        )
        .select_from(Post)
        .outerjoin(latest, and_(latest.post_id == Post.id, latest.as_of == last))
        .where(where)
    )


def _touched_select_pg(where: Any, ids: Any = None) -> Any:
    """PostgreSQL: `_touched_select` driven by key. Each post's latest snapshot is one
    backward probe of the (post_id, as_of) key (a LATERAL ... LIMIT 1); the form above lets
    PostgreSQL's planner hash all of post_metrics (spilling to disk) and probe the key twice
    per post, which grew with the store. With `ids` (the temporary table of the touched
    posts) the posts are read from it into `post` by key; the caller bounds their id range
    too, so that the posts are found by a range of the key, not by reading all of `post`."""
    m = aliased(PostMetrics, name="m")
    latest = (
        select(m.as_of, *[metric_column(m, f).label(f) for f in LATEST_FIGURES])
        .where(m.post_id == Post.id)
        .order_by(m.as_of.desc())
        .limit(1)
        .lateral("latest")
    )
    posts: Any = Post.__table__ if ids is None else ids.join(Post, Post.id == ids.c.id)
    return (
        select(
            Post.id,
            Post.account_id,
            Post.published_at,
            latest.c.as_of,
            *[latest.c[f] for f in LATEST_FIGURES],
        )
        .select_from(posts.outerjoin(latest, true()))
        .where(where)
    )


def _upsert_latest(conn: Conn, where: Any, ids: Any = None) -> None:
    """`post_latest` of the posts matching `where` (and in the id table `ids`, if given),
    written as one upsert: a new post's row is added, a changed one updated in place, an
    unchanged one left alone (no index entry rewritten; delete-and-insert rewrote every row
    and its index entries). A post deleted since takes its row with it (ON DELETE CASCADE),
    so no row outlives its post."""
    dialect = _dialect(conn)
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PostLatest)
    if dialect == "postgresql":
        stmt = stmt.from_select(_COLUMNS, _touched_select_pg(where, ids))
    else:  # SQLite has no LATERAL, and reads `post.id IN (table)` by key already
        if ids is not None:
            where = and_(where, Post.id.in_(select(ids.c.id)))
        stmt = stmt.from_select(_COLUMNS, _touched_select(where))
    kept = PostLatest.__table__.c
    changed = [kept[c].is_distinct_from(stmt.excluded[c]) for c in _COLUMNS[1:]]
    stmt = stmt.on_conflict_do_update(
        index_elements=["post_id"],
        set_={c: stmt.excluded[c] for c in _COLUMNS[1:]},
        where=or_(*changed),
    )
    conn.execute(stmt)


def refresh_post_latest(
    conn: Conn, *, batch_id: int | None = None, post_ids: Iterable[int] | None = None
) -> None:
    """Recompute `post_latest` for the posts an import batch touched, for the given posts,
    or (neither given) for every post. Runs in the caller's transaction."""
    if batch_id is not None:
        touched = union(
            select(Post.id).where(Post.import_batch_id == batch_id),
            select(PostMetrics.post_id).where(PostMetrics.import_batch_id == batch_id),
        ).subquery()
        _upsert_latest(conn, Post.id.in_(select(touched.c[0])))
        return
    if post_ids is None:
        conn.execute(delete(PostLatest))
        conn.execute(insert(PostLatest).from_select(_COLUMNS, _latest_select(true())))
        return
    ids = sorted(set(post_ids))
    if len(ids) > _CHUNK:  # an import's posts: one statement through a temporary table
        with _id_table(conn, ids) as table:
            # PostgreSQL: the range holds them all; a file's new posts have neighbouring
            # ids, so `post` is read over their own part of the key whatever its size
            # (SQLite looks each id up in the key already)
            pg = _dialect(conn) == "postgresql"
            _upsert_latest(conn, Post.id.between(ids[0], ids[-1]) if pg else true(), table)
        return
    for i in range(0, len(ids), _CHUNK):
        _upsert_latest(conn, Post.id.in_(ids[i : i + _CHUNK]))


_IDS = Table("_rollup_ids", MetaData(), Column("id", Integer, primary_key=True))


@contextmanager
def _id_table(conn: Conn, ids: list[int]) -> Iterator[Any]:
    """A temporary table holding `ids` for the transaction (filled through the driver:
    executemany on SQLite, COPY on PostgreSQL); its one column is `id`."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    raw = connection.connection.driver_connection
    assert raw is not None  # a connection in use holds its driver's
    dialect = connection.dialect.name
    cur = raw.cursor()
    try:
        cur.execute("DROP TABLE IF EXISTS _rollup_ids")
        cur.execute("CREATE TEMP TABLE _rollup_ids (id INTEGER PRIMARY KEY)")
        if dialect == "postgresql":
            with cur.copy("COPY _rollup_ids (id) FROM STDIN") as copy:
                for i in range(0, len(ids), 50_000):
                    copy.write("".join(f"{v}\n" for v in ids[i : i + 50_000]))
            cur.execute("ANALYZE _rollup_ids")
        else:  # one JSON array: half the cost of binding each id
            fill = "INSERT INTO _rollup_ids (id) SELECT value FROM json_each(?)"
            cur.execute(fill, (json.dumps(ids),))
    finally:
        cur.close()
    try:
        yield _IDS
    finally:
        conn.execute(text("DROP TABLE IF EXISTS _rollup_ids"))


def check_post_latest(conn: Conn, workspace_id: int | None = None) -> list[tuple[Any, ...]]:
    """The posts whose `post_latest` row disagrees with their snapshots, or is missing,
    or outlives its post (empty when all is well); of one workspace or of all."""
    where: Any = true()
    if workspace_id is not None:
        where = Post.account_id.in_(select(Account.id).where(Account.workspace_id == workspace_id))
    fresh = _latest_select(where).subquery()
    kept = PostLatest.__table__
    cols = list(fresh.c)
    differs = [
        func.coalesce(kept.c[name] != cols[i], kept.c[name].is_(None) != cols[i].is_(None))
        for i, name in enumerate(_COLUMNS)
        if i > 0
    ]
    stale = (
        select(cols[0])
        .select_from(fresh.outerjoin(kept, kept.c.post_id == cols[0]))
        .where(or_(kept.c.post_id.is_(None), *differs))
    )
    orphans = select(kept.c.post_id).where(~exists().where(Post.id == kept.c.post_id))
    return [tuple(r) for r in conn.execute(stale)] + [tuple(r) for r in conn.execute(orphans)]


# -- weeks ---------------------------------------------------------------------------------
WEEK_FLOWS: tuple[str, ...] = ("reach", "impressions", "engagements", "clicks")


def _dialect(conn: Conn) -> str:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return str(bind.dialect.name)


def week_of(column: Any, dialect: str) -> Any:
    """The Monday of the week of a date or timestamp column, as a date."""
    if dialect == "sqlite":
        # the coming Sunday (the day itself on a Sunday), six days back
        return func.date(column, "weekday 0", "-6 days")
    return cast(func.date_trunc("week", column), Date)


def _account_week_select(conn: Conn, where: Any) -> Any:
    week = week_of(AccountDay.date, _dialect(conn))
    cols: list[Any] = [AccountDay.account_id, week, func.max(AccountDay.followers)]
    for name in WEEK_FLOWS:
        col = metric_column(AccountDay, name)
        cols += [func.sum(col), func.count(col)]
    return select(*cols).where(where).group_by(AccountDay.account_id, week)


def _post_week_select(conn: Conn, where: Any) -> Any:
    week = week_of(PostLatest.published_at, _dialect(conn))
    return (
        select(
            PostLatest.account_id,
            week,
            func.count(),
            func.sum(PostLatest.reach),
            func.sum(PostLatest.engagements),
        )
        .where(PostLatest.published_at.is_not(None), where)
        .group_by(PostLatest.account_id, week)
    )


def ad_level(table: Any = AdDay) -> Any:
    """0 for a campaign's own row, 1 for an ad set's, 2 for an ad's."""
    return case((table.ad_id.is_not(None), 2), (table.ad_set_id.is_not(None), 1), else_=0)


def _ad_week_select(conn: Conn, where: Any) -> Any:
    week = week_of(AdDay.date_start, _dialect(conn))
    level = ad_level()
    currency = func.coalesce(AdDay.currency, "")
    return (
        select(AdDay.campaign_id, week, level, currency, func.sum(AdDay.spend))
        .where(AdDay.breakdown.is_(None), AdDay.date_start == AdDay.date_end, where)
        .group_by(AdDay.campaign_id, week, level, currency)
    )


_AD_WEEK_COLUMNS = ["campaign_id", "week", "level", "currency", "spend"]


_ACCOUNT_WEEK_COLUMNS = [
    "account_id",
    "week",
    "followers_max",
    *[c for name in WEEK_FLOWS for c in (name, f"{name}_days")],
]
_POST_WEEK_COLUMNS = ["account_id", "week", "posts", "reach", "engagements"]


def refresh_weeks(conn: Conn, account_ids: Iterable[int] | None = None) -> None:
    """Recompute `account_week`, `post_week` and `ad_week` for these accounts (None: all). A week is
    cheap to sum again, so a whole account is redone whenever any of its rows changed."""
    if account_ids is None:
        parts: list[list[int] | None] = [None]
    else:
        ids = sorted(set(account_ids))
        parts = [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    for part in parts:

        def only(column: Any, part: list[int] | None = part) -> Any:
            return true() if part is None else column.in_(part)

        conn.execute(delete(AccountWeek).where(only(AccountWeek.account_id)))
        conn.execute(
            insert(AccountWeek).from_select(
                _ACCOUNT_WEEK_COLUMNS, _account_week_select(conn, only(AccountDay.account_id))
            )
        )
        conn.execute(delete(PostWeek).where(only(PostWeek.account_id)))
        conn.execute(
            insert(PostWeek).from_select(
                _POST_WEEK_COLUMNS, _post_week_select(conn, only(PostLatest.account_id))
            )
        )
        campaigns = select(Campaign.id).where(only(Campaign.account_id))
        conn.execute(delete(AdWeek).where(AdWeek.campaign_id.in_(campaigns)))
        conn.execute(
            insert(AdWeek).from_select(
                _AD_WEEK_COLUMNS, _ad_week_select(conn, AdDay.campaign_id.in_(campaigns))
            )
        )


def check_weeks(conn: Conn, workspace_id: int | None = None) -> list[tuple[Any, ...]]:
    """The (table, owner, week, ...) whose weekly sums disagree with the rows they come from
    (empty when all is well); of one workspace or of all."""
    accounts: Any = select(Account.id)
    if workspace_id is not None:
        accounts = accounts.where(Account.workspace_id == workspace_id)
    out: list[tuple[Any, ...]] = []
    campaigns = select(Campaign.id).where(Campaign.account_id.in_(accounts))
    for table, fresh_select, where, n_keys in (
        (AccountWeek, _account_week_select, AccountDay.account_id.in_(accounts), 2),
        (PostWeek, _post_week_select, PostLatest.account_id.in_(accounts), 2),
        (AdWeek, _ad_week_select, AdDay.campaign_id.in_(campaigns), 4),
    ):
        cols = list(table.__table__.c)
        owner = cols[0]
        fresh = {
            tuple(str(v) for v in r[:n_keys]): tuple(r[n_keys:])
            for r in conn.execute(fresh_select(conn, where))
        }
        kept = {
            tuple(str(v) for v in r[:n_keys]): tuple(r[n_keys:])
            for r in conn.execute(
                select(*cols).where(owner.in_(campaigns if table is AdWeek else accounts))
            )
        }
        for key in sorted(fresh.keys() | kept.keys()):
            if fresh.get(key) != kept.get(key):
                out.append((table.__tablename__, *key))
    return out


def refresh_accounts(conn: Conn, account_ids: Iterable[int]) -> None:
    """Every derived table for these accounts' rows (after writing them outside the
    importers, as tests' seeding does)."""
    ids = sorted(set(account_ids))
    posts = conn.execute(select(Post.id).where(Post.account_id.in_(ids))).scalars().all()
    refresh_post_latest(conn, post_ids=posts)
    refresh_weeks(conn, ids)


def refresh_all(conn: Conn) -> None:
    """Every derived table, for the whole store (after a bulk write outside the importers)."""
    refresh_post_latest(conn)
    refresh_weeks(conn)
