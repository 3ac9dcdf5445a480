"""Figures the store keeps derived from the imported rows, refreshed by every import.

`post_latest` holds each post's latest snapshot, `account_week` and `post_week` the days
and posts of each account summed per week (see the model). The importer refreshes them in
the import's own transaction; whatever writes posts, snapshots or account days outside the
importers (a benchmark's bulk build, a test's seeding) calls `refresh_all` afterwards.
`check_post_latest` and `check_weeks` say whether the tables agree with the rows they
come from, and the tests hold every import to them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    union,
    union_all,
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


@dataclass
class TouchedWeeks:
    """The weeks whose sums an import or an undo may have changed: (owner id, Monday) pairs
    per weekly table (`account_week` and `post_week` by account, `ad_week` by campaign).
    `refresh_weeks(conn, weeks=...)` sums those weeks again, and no others."""

    account: set[tuple[int, dt.date]] = field(default_factory=set)
    post: set[tuple[int, dt.date]] = field(default_factory=set)
    ad: set[tuple[int, dt.date]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.account or self.post or self.ad)


def post_weeks(conn: Conn, post_ids: Iterable[int]) -> set[tuple[int, dt.date]]:
    """The (account, week) pairs of these posts' `post_week` rows, before and after their
    `post_latest` rows are refreshed: the week of each post's publication date as
    `post_latest` holds it (the old one) and as `post` holds it (the new one; the same
    unless the post was moved). Read by key, so it costs what the posts do, not the store.
    Call it before `refresh_post_latest` (a post's old week is gone after it) and before
    posts are deleted."""
    ids = sorted(set(post_ids))
    out: set[tuple[int, dt.date]] = set()
    dialect = _dialect(conn)
    sources: tuple[tuple[Any, Any, Any], ...] = (
        (PostLatest.__table__, PostLatest.account_id, PostLatest.published_at),
        (Post.__table__, Post.account_id, Post.published_at),
    )

    def read(where: Any, ids_table: Any = None) -> None:
        for table, account, published in sources:
            key = table.c.post_id if table is PostLatest.__table__ else table.c.id
            rows: Any = table if ids_table is None else ids_table.join(table, key == ids_table.c.id)
            q = (
                select(account, week_of(published, dialect))
                .select_from(rows)
                .where(published.is_not(None), where(key))
                .distinct()
            )
            out.update((int(a), _as_date(w)) for a, w in conn.execute(q))

    if len(ids) > _CHUNK:  # an import's posts: through a temporary table
        with _id_table(conn, ids) as table:
            if dialect == "postgresql":  # into each table by key, over the ids' own range
                read(lambda key: key.between(ids[0], ids[-1]), table)
            else:  # SQLite looks each id up in the key already
                read(lambda key: key.in_(select(table.c.id)))
        return out
    for i in range(0, len(ids), _CHUNK):
        part = ids[i : i + _CHUNK]
        read(lambda key, part=part: key.in_(part))
    return out


def weeks_where(conn: Conn, owner: Any, day: Any, where: Any) -> set[tuple[int, dt.date]]:
    """The (owner, week) pairs of the rows matching `where`, `day` their date column (an
    undo's: the weeks of the rows it is about to delete)."""
    found = select(owner, week_of(day, _dialect(conn))).where(where).distinct()
    return {(int(o), _as_date(w)) for o, w in conn.execute(found)}


def _as_date(value: Any) -> dt.date:
    """A week as the engine gives it back (SQLite: ISO text) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_WEEK = dt.timedelta(days=7)


def _week_ranges(pairs: Iterable[tuple[int, dt.date]]) -> list[tuple[int, dt.date, dt.date]]:
    """(owner, first Monday, Monday after the last) per run of consecutive weeks."""
    out: list[tuple[int, dt.date, dt.date]] = []
    for owner, week in sorted(set(pairs)):
        if out and out[-1][0] == owner and out[-1][2] == week:
            out[-1] = (owner, out[-1][1], week + _WEEK)
        else:
            out.append((owner, week, week + _WEEK))
    return out


_RANGES = 50  # week ranges per statement (SQLite takes 500 parts of a compound select)


def _in_weeks(owner: Any, column: Any, dialect: str, run: tuple[int, dt.date, dt.date]) -> Any:
    """Rows of one owner whose `column` (a date or timestamp) falls in a run of weeks (from
    the Monday `lo` up to the Monday `hi`): a range of the (owner, date) key, exactly the
    rows `week_of` puts in those weeks. PostgreSQL compares dates and timestamps; SQLite
    stores both as text that opens with the ISO date, so the bounds are the dates' text:
    a time on `lo` sorts after "lo" and one on `hi` after "hi" (no `week_of` per row)."""
    o, lo, hi = run

    def bound(day: dt.date) -> Any:
        return literal(day.isoformat(), String()) if dialect == "sqlite" else literal(day, Date())

    return and_(owner == o, column >= bound(lo), column < bound(hi))


def _kept_weeks(owner: Any, week: Any, ranges: list[tuple[int, dt.date, dt.date]]) -> Any:
    """Rows of a weekly table in the week ranges."""
    return or_(
        *(
            and_(owner == o, week >= literal(lo, Date()), week < literal(hi, Date()))
            for o, lo, hi in ranges
        )
    )


def _refresh_touched(conn: Conn, weeks: TouchedWeeks) -> None:
    """Sum again only the weeks in `weeks` (deleted first: a week left without rows goes)."""
    dialect = _dialect(conn)
    for pairs, table, columns, select_rows, owner, column in (
        (
            weeks.account,
            AccountWeek,
            _ACCOUNT_WEEK_COLUMNS,
            _account_week_select,
            AccountDay.account_id,
            AccountDay.date,
        ),
        (
            weeks.post,
            PostWeek,
            _POST_WEEK_COLUMNS,
            _post_week_select,
            PostLatest.account_id,
            PostLatest.published_at,
        ),
        (
            weeks.ad,
            AdWeek,
            _AD_WEEK_COLUMNS,
            _ad_week_select,
            AdDay.campaign_id,
            AdDay.date_start,
        ),
    ):
        ranges = _week_ranges(pairs)
        kept_owner = table.__table__.c[columns[0]]
        for i in range(0, len(ranges), _RANGES):
            part = ranges[i : i + _RANGES]
            conn.execute(delete(table).where(_kept_weeks(kept_owner, table.week, part)))
            # one select per run of weeks, each read by its own range of the key (an OR of
            # them let SQLite's planner read from the first run's start to the owner's end)
            # (typed Any: mypy 2.4 crashed inferring union_all's generic row type here)
            runs: list[Any] = [
                select_rows(conn, _in_weeks(owner, column, dialect, run)) for run in part
            ]
            rows: Any = runs[0] if len(runs) == 1 else union_all(*runs)
            conn.execute(insert(table).from_select(columns, rows))


def add_new_posts(conn: Conn, post_ids: Iterable[int]) -> None:
    """Add posts that are new to the store (written by this import, none of them stored
    before) to their weeks' `post_week` rows: their count and their latest reach and
    engagements, grouped by week and added to what the row holds (a new row where there was
    none). Costs what the new posts do, not what their accounts hold; call it after their
    `post_latest` rows are written. A week that a post stored before also touched is to be
    summed again afterwards (`refresh_weeks(weeks=...)`), which overwrites it whole. The
    figures are whole counts, so added up they equal a fresh sum exactly."""
    ids = sorted(set(post_ids))
    if not ids:
        return
    dialect = _dialect(conn)
    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PostWeek)

    def added(name: str) -> Any:
        kept, new = PostWeek.__table__.c[name], stmt.excluded[name]
        return case((new.is_(None), kept), (kept.is_(None), new), else_=kept + new)

    def write(where: Any, ids_table: Any = None) -> None:
        latest: Any = PostLatest.__table__
        rows: Any = latest if ids_table is None else ids_table.join(latest, where)
        week = week_of(PostLatest.published_at, dialect)
        grouped = (
            select(
                PostLatest.account_id,
                week,
                func.count(),
                func.sum(PostLatest.reach),
                func.sum(PostLatest.engagements),
            )
            .select_from(rows)
            .where(PostLatest.published_at.is_not(None), true() if ids_table is not None else where)
            .group_by(PostLatest.account_id, week)
        )
        upsert = stmt.from_select(_POST_WEEK_COLUMNS, grouped).on_conflict_do_update(
            index_elements=["account_id", "week"],
            set_={
                "posts": PostWeek.__table__.c.posts + stmt.excluded.posts,
                "reach": added("reach"),
                "engagements": added("engagements"),
            },
        )
        conn.execute(upsert)

    if len(ids) > _CHUNK:  # an import's posts: through a temporary table
        with _id_table(conn, ids) as table:
            if dialect == "postgresql":  # into post_latest by key, over the ids' own range
                key = and_(
                    PostLatest.post_id == table.c.id, PostLatest.post_id.between(ids[0], ids[-1])
                )
                write(key, table)
            else:  # SQLite looks each id up in the key (a join let it read all post_latest)
                write(PostLatest.post_id.in_(select(table.c.id)))
        return
    for i in range(0, len(ids), _CHUNK):
        write(PostLatest.post_id.in_(ids[i : i + _CHUNK]))


def refresh_weeks(
    conn: Conn, account_ids: Iterable[int] | None = None, *, weeks: TouchedWeeks | None = None
) -> None:
    """Recompute `account_week`, `post_week` and `ad_week`: with `weeks`, the weeks it names
    and no others (an import's or an undo's: the same rows as summing everything again,
    at the cost of the weeks touched, not of the accounts' whole history); otherwise every
    week of these accounts (None: of all)."""
    if weeks is not None:
        _refresh_touched(conn, weeks)
        return
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
