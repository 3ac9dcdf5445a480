"""What keeps an import's cost per row flat as the store grows (issue #18): the rollup of the
touched posts leaves unchanged rows alone, posts go into their indexes in key order, and an
SQLite import has a page cache of its own for its transaction only."""

from __future__ import annotations

import csv
import datetime as dt

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from socialdesk.model import Account, Post
from socialdesk.store.engine import IMPORT_CACHE_KIB, make_engine, tune_for_import
from socialdesk.store.rollups import check_post_latest, refresh_post_latest
from socialdesk.store.session import session_scope
from tests.conftest import fixture_path

FILE = ("meta", "meta_business_suite_facebook_posts_en.csv")


def _post_ids(ws) -> list[int]:
    with ws.engine.connect() as conn:
        return list(
            conn.scalars(
                select(Post.id)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
                .order_by(Post.id)
            )
        )


def test_refreshing_unchanged_posts_rewrites_no_latest_row(ws, importer):
    report = importer.import_file(fixture_path(*FILE), as_of=dt.date(2026, 1, 1))
    assert report.status == "imported", report.error
    ids = _post_ids(ws)
    assert ids
    with session_scope(ws.engine) as s:
        if s.get_bind().dialect.name == "postgresql":  # a rewritten row has a new ctid
            where = {"ids": ids}
            q = text("SELECT post_id, ctid::text FROM post_latest WHERE post_id = ANY(:ids)")
            before = dict(s.execute(q, where).all())
            refresh_post_latest(s, post_ids=ids)
            assert dict(s.execute(q, where).all()) == before
        else:  # SQLite counts every row inserted, updated or deleted
            before = s.execute(text("SELECT total_changes()")).scalar()
            refresh_post_latest(s, post_ids=ids)
            assert s.execute(text("SELECT total_changes()")).scalar() == before
        assert check_post_latest(s, ws.workspace_id) == []


def test_a_files_new_posts_get_ids_in_order_of_publication(ws, importer, tmp_path):
    # the fixture's rows, newest first (as Meta lists them)
    with fixture_path(*FILE).open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    newest_first = tmp_path / "Jan-01-2026_Mar-31-2026_posts.csv"
    with newest_first.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *reversed(rows)])
    report = importer.import_file(newest_first)
    assert report.status == "imported", report.error
    with ws.engine.connect() as conn:
        published = list(
            conn.scalars(
                select(Post.published_at)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
                .order_by(Post.id)
            )
        )
        assert len(published) == len(rows) >= 2
        assert published == sorted(published)
        assert check_post_latest(conn, ws.workspace_id) == []


def test_an_sqlite_import_has_a_page_cache_for_its_transaction_only(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with Session(engine) as session, session.begin():
            tune_for_import(session)
            size = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
            assert size == -IMPORT_CACHE_KIB != default
        with engine.connect() as conn:  # the same pooled connection, given back its size
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default
    finally:
        engine.dispose()
