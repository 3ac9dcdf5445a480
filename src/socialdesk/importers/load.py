"""Writing canonical chunks into the store with natural-key upserts (both databases).

An import reads and checks its whole file into `Staged` before it writes anything, so the
write lock (SQLite has one writer) is held only while the rows are written, not while the file
is parsed (docs/decisions.md, "Writers wait their turn").

A dry run (`Loader(..., dry_run=True)`) goes through the same steps but writes nothing and
takes no write lock: each upsert looks up which of its natural keys are stored already (reads
only) and counts those as updated and the others as added, as the real upsert would. Rows it
would add get ids of their own (negative, never stored) so that the rows under them (a new
post's snapshots, a new campaign's ad sets) are counted too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Date, DateTime, Integer, Table, select, tuple_
from sqlalchemy.orm import Session

from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.model import (
    ACCOUNT_DAY_METRICS,
    AD_METRICS,
    POST_METRICS,
    SEARCH_METRICS,
    WEB_METRICS,
    Account,
    AccountDay,
    Ad,
    AdDay,
    AdSet,
    AudienceShare,
    Campaign,
    Post,
    PostMetrics,
    SearchPerformance,
    WebDay,
)
from socialdesk.store.rollups import (
    TouchedWeeks,
    add_new_posts,
    post_weeks,
    refresh_post_latest,
    refresh_weeks,
)
from socialdesk.store.upsert import UpsertResult, existing_keys, upsert, upsert_frame

POST_FIELDS = (
    "published_at",
    "text",
    "title",
    "media_type",
    "source_type",
    "permalink",
    "language",
    "is_paid",
    "duration_seconds",
)
DATE_FIELDS = ("as_of", "date", "date_start", "date_end", "start_date", "end_date")
EXTRA_PREFIX = "extra:"


@dataclass
class Counts:
    added: int = 0
    updated: int = 0

    def add(self, pair: tuple[int, int]) -> None:
        self.added += pair[0]
        self.updated += pair[1]


class Staged:
    """A file's chunks, read and checked, spooled to an unnamed temporary file (0600, gone
    when closed) so that memory stays flat whatever the file's size; read back in order.

        with Staged() as staged:
            for chunk in fmt.read(table, ctx):
                staged.add(chunk)
            ...take the write lock...
            for chunk in staged:
                loader.load(chunk)
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="socialdesk-stage-")
        self._count = 0

    def add(self, chunk: Chunk) -> None:
        pickle.dump(chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Chunk]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # our own file, written just now

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class Loader:
    """Writes chunks of one file inside the caller's transaction, counting what changed."""

    session: Session
    workspace_id: int
    batch_id: int | None
    counts: dict[str, Counts] = field(default_factory=dict)
    _accounts: dict[tuple[str, str], int] = field(default_factory=dict)
    _posts: set[int] = field(default_factory=set)  # the posts this file touched
    # the posts among them that may have been stored before (of chunks that updated any):
    # their old weeks are read at the end, before their post_latest rows change
    _known: set[int] = field(default_factory=set)
    # the weeks whose sums the rows written so far may have changed
    _weeks: TouchedWeeks = field(default_factory=TouchedWeeks)
    dry_run: bool = False  # count what would change, reading only (see the module docstring)
    # dry run: the natural keys it would have added, per table, with their made-up ids
    _added: dict[str, dict[tuple[Any, ...], int]] = field(default_factory=dict)
    _fake_ids: Iterator[int] = field(default_factory=lambda: itertools.count(-1, -1))

    def _count(self, table: str, pair: tuple[int, int]) -> None:
        self.counts.setdefault(table, Counts()).add(pair)

    # -- writing, or (dry run) counting what would be written --------------------------
    def upsert(
        self,
        table: Table,
        rows: Sequence[dict[str, Any]],
        *,
        keys: Sequence[str],
        update: Sequence[str] | None = None,
    ) -> tuple[int, int]:
        """store.upsert.upsert in this transaction; (added, updated)."""
        if not self.dry_run:
            return upsert(self.session, table, rows, keys=keys, update=update)
        if not rows:
            return 0, 0
        wanted = list({tuple(r[k] for k in keys): None for r in rows})
        found = existing_keys(self.session, table, keys, rows)
        added = self._added.setdefault(table.name, {})
        before = 0
        for key in wanted:
            if key in found or key in added:
                before += 1
            elif None not in key:
                added[key] = next(self._fake_ids)
        return len(wanted) - before, before

    def upsert_frame(
        self,
        table: Table,
        frame: pd.DataFrame,
        *,
        keys: Sequence[str],
        return_ids: bool = False,
        encoded_json: Sequence[str] = (),
    ) -> UpsertResult:
        """store.upsert.upsert_frame in this transaction: added, updated (and ids by key)."""
        if not self.dry_run:
            return upsert_frame(
                self.session,
                table,
                frame,
                keys=keys,
                return_ids=return_ids,
                encoded_json=encoded_json,
            )
        if frame.empty:
            return UpsertResult(0, 0, {} if return_ids else None)
        frame = frame.drop_duplicates(subset=list(keys), keep="last")
        wanted = list(zip(*(_key_values(frame[k], table) for k in keys), strict=True))
        found = self._stored_ids(table, keys, wanted)
        added = self._added.setdefault(table.name, {})
        ids: dict[tuple[Any, ...], int] = {}
        before = 0
        for key in wanted:
            if key in found or key in added:
                before += 1
                ids[key] = found[key] if key in found else added[key]
            else:
                ids[key] = next(self._fake_ids)
                if None not in key:  # NULL is never a conflict: such a row is always new
                    added[key] = ids[key]
        return UpsertResult(len(wanted) - before, before, ids if return_ids else None)

    def _stored_ids(
        self, table: Table, keys: Sequence[str], wanted: Sequence[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], int]:
        """The stored rows among these natural keys: key -> id (0 for a table without ids)."""
        cols = [table.c[k] for k in keys]
        has_id = "id" in table.c and "id" not in keys
        out: dict[tuple[Any, ...], int] = {}
        present = [w for w in wanted if None not in w]
        step = max(1, 10_000 // len(keys))
        for i in range(0, len(present), step):
            part = present[i : i + step]
            cond = cols[0].in_([p[0] for p in part]) if len(cols) == 1 else tuple_(*cols).in_(part)
            query = select(*cols, table.c.id) if has_id else select(*cols)
            for row in self.session.execute(query.where(cond)):
                key = tuple(_key_value(v, table.c[k]) for k, v in zip(keys, row, strict=False))
                out[key] = row[-1] if has_id else 0
        return out

    def made_up_id(self, table: Table, key: tuple[Any, ...]) -> int:
        """Dry run: the id a row this run would have added has (its natural key)."""
        return self._added[table.name][key]

    # -- accounts --------------------------------------------------------------------
    def account_id(self, ref: AccountRef) -> int:
        key = (ref.platform, ref.handle)
        if key in self._accounts:
            return self._accounts[key]
        row: dict[str, Any] = {
            "workspace_id": self.workspace_id,
            "platform": ref.platform,
            "handle": ref.handle,
            "timezone": "Europe/Amsterdam",
        }
        update = []
        for attr in ("name", "external_id", "currency"):
            value = getattr(ref, attr)
            if value is not None:
                row[attr] = value
                update.append(attr)
        pair = self.upsert(
            Account.__table__, [row], keys=("workspace_id", "platform", "handle"), update=update
        )
        self._count("account", pair)
        acc_id = self.session.scalar(
            select(Account.id).where(
                Account.workspace_id == self.workspace_id,
                Account.platform == ref.platform,
                Account.handle == ref.handle,
            )
        )
        if acc_id is None and self.dry_run:
            acc_id = self.made_up_id(Account.__table__, (self.workspace_id, *key))
        assert acc_id is not None
        self._accounts[key] = acc_id
        return acc_id

    def finish(self) -> None:
        """After the file's last chunk: refresh what the store derives from its rows (a dry
        run has nothing to refresh)."""
        if self.dry_run:
            return
        weeks: TouchedWeeks | None = self._weeks
        new_posts: set[int] = set()
        if self._posts:  # every post this file wrote, or wrote a snapshot of
            # a post stored before may have changed its figures or left its old week (its
            # date changed): the weeks of those posts as post_latest still has them and as
            # post has them now are summed again; the posts new to the store are added to
            # their weeks (at their own cost, not their accounts' history)
            self._weeks.post = post_weeks(self.session, self._known)
            new_posts = self._posts - self._known
            refresh_post_latest(self.session, post_ids=self._posts)
            add_new_posts(self.session, new_posts)
        elif self.batch_id is not None and ("post" in self.counts or "post_metrics" in self.counts):
            refresh_post_latest(self.session, batch_id=self.batch_id)
            weeks = None  # posts not known one by one: every week of the file's accounts
        if {"post", "post_metrics", "account_day", "ad_day"} & set(self.counts):
            refresh_weeks(self.session, self._accounts.values(), weeks=weeks)

    # -- dispatch ---------------------------------------------------------------------
    def load(self, chunk: Chunk) -> None:
        frame = chunk.frame
        if frame.empty:
            return
        if chunk.kind == "posts" and "account_handle" in frame.columns:
            for (handle,), part in frame.groupby(["account_handle"], sort=False):
                first = part.iloc[0]
                ref = AccountRef(
                    chunk.account.platform,
                    str(handle),
                    name=_opt(first.get("account_name")) or chunk.account.name,
                    external_id=_opt(first.get("account_external_id")),
                    currency=chunk.account.currency,
                )
                self._load_posts(self.account_id(ref), part)
            return
        if chunk.kind == "messages":  # threads and accounts resolved per row: see messages.py
            from socialdesk.importers.messages import load_messages

            load_messages(self, chunk)
            return
        account_id = self.account_id(chunk.account)
        getattr(self, f"_load_{chunk.kind}")(account_id, frame)

    # -- kinds ------------------------------------------------------------------------
    def _frame(
        self, frame: pd.DataFrame, columns: Sequence[str], *, extra: bool = False, **const: Any
    ) -> pd.DataFrame:
        """The named columns that the frame has, plus constants, ready for upsert_frame
        (`extra` as JSON text: pass encoded_json=ENCODED)."""
        out = frame[[c for c in columns if c in frame.columns]].copy()
        for name, value in const.items():
            out[name] = value
        if extra:
            extras = _extras_json(frame)
            if extras is not None:
                out["extra"] = extras
        return out

    def _load_posts(self, account_id: int, frame: pd.DataFrame) -> None:
        posts = self._frame(
            frame,
            ["external_id", *POST_FIELDS],
            account_id=account_id,
            import_batch_id=self.batch_id,
        )
        posts = _by_time(posts)
        res = self.upsert_frame(
            Post.__table__, posts, keys=("account_id", "external_id"), return_ids=True
        )
        self._count("post", res.pair)
        assert res.ids is not None
        ids = {ext: pid for (_acc, ext), pid in res.ids.items()}
        self._posts.update(ids.values())
        if res.updated:  # some were stored before (a chunk of new posts has no old weeks)
            self._known.update(ids.values())
        metric_cols = [c for c in POST_METRICS if c in frame.columns]
        if not metric_cols:
            return
        rows = self._frame(
            frame, ["as_of", *metric_cols], extra=True, import_batch_id=self.batch_id
        )
        rows.insert(0, "post_id", frame["external_id"].map(ids).astype("int64"))
        # in key order: each index page is visited once, in turn (the last row of a key wins)
        rows = rows.drop_duplicates(subset=["post_id", "as_of"], keep="last")
        self._count(
            "post_metrics",
            self.upsert_frame(
                PostMetrics.__table__,
                rows.sort_values("post_id", kind="stable"),
                keys=("post_id", "as_of"),
                encoded_json=ENCODED,
            ).pair,
        )

    def _load_account_days(self, account_id: int, frame: pd.DataFrame) -> None:
        rows = self._frame(
            frame,
            ["date", *ACCOUNT_DAY_METRICS],
            extra=True,
            account_id=account_id,
            import_batch_id=self.batch_id,
        )
        self._count(
            "account_day",
            self.upsert_frame(
                AccountDay.__table__,
                rows,
                keys=("account_id", "date"),
                encoded_json=ENCODED,
            ).pair,
        )
        self._weeks.account |= _weeks_of(rows["account_id"], rows["date"])

    def _load_audience(self, account_id: int, frame: pd.DataFrame) -> None:
        rows = self._frame(
            frame,
            ["as_of", "dimension", "bucket", "share", "count"],
            account_id=account_id,
            import_batch_id=self.batch_id,
        )
        keys = ("account_id", "as_of", "dimension", "bucket")
        self._count(
            "audience_share",
            self.upsert_frame(AudienceShare.__table__, rows, keys=keys).pair,
        )

    def _load_search(self, account_id: int, frame: pd.DataFrame) -> None:
        rows = self._frame(
            frame,
            ["dimension", "value", "date_start", "date_end", *SEARCH_METRICS],
            account_id=account_id,
            import_batch_id=self.batch_id,
        )
        keys = ("account_id", "dimension", "value", "date_start", "date_end")
        self._count(
            "search_performance",
            self.upsert_frame(SearchPerformance.__table__, rows, keys=keys).pair,
        )

    def _load_web_days(self, account_id: int, frame: pd.DataFrame) -> None:
        dims = ("source", "medium", "campaign", "page_path", "event_name", "channel_group")
        rows = self._frame(
            frame,
            ["report", "dimension_key", "date_start", "date_end", *dims, *WEB_METRICS],
            extra=True,
            account_id=account_id,
            import_batch_id=self.batch_id,
        )
        keys = ("account_id", "report", "dimension_key", "date_start", "date_end")
        self._count(
            "web_day",
            self.upsert_frame(WebDay.__table__, rows, keys=keys, encoded_json=ENCODED).pair,
        )

    def _load_ad_days(self, account_id: int, frame: pd.DataFrame) -> None:
        frame = frame.copy()
        if "campaign_key" not in frame.columns:
            ext = frame["campaign_external_id"] if "campaign_external_id" in frame.columns else None
            frame["campaign_key"] = (
                ext.fillna(frame["campaign_name"]) if ext is not None else frame["campaign_name"]
            )
        camp_cols = [
            c
            for c in (
                "campaign_external_id",
                "campaign_name",
                "objective",
                "status",
                "budget",
                "budget_type",
                "start_date",
                "end_date",
            )
            if c in frame.columns
        ]
        camps = _records(
            frame.drop_duplicates("campaign_key", keep="last"), ["campaign_key", *camp_cols]
        )
        camp_rows = [
            {
                "account_id": account_id,
                "key": r["campaign_key"],
                "name": r.get("campaign_name") or r["campaign_key"],
                **{
                    k: r[k]
                    for k in (
                        "objective",
                        "status",
                        "budget",
                        "budget_type",
                        "start_date",
                        "end_date",
                    )
                    if k in r
                },
                **(
                    {"external_id": r["campaign_external_id"]}
                    if "campaign_external_id" in r
                    else {}
                ),
            }
            for r in camps
        ]
        self._count(
            "campaign",
            self.upsert(Campaign.__table__, camp_rows, keys=("account_id", "key")),
        )
        camp_ids = dict(
            self.session.execute(
                select(Campaign.key, Campaign.id).where(
                    Campaign.account_id == account_id,
                    Campaign.key.in_([r["key"] for r in camp_rows]),
                )
            ).all()
        )
        if self.dry_run:
            for r in camp_rows:
                if r["key"] not in camp_ids:
                    camp_ids[r["key"]] = self.made_up_id(Campaign.__table__, (account_id, r["key"]))
        frame["campaign_id"] = frame["campaign_key"].map(camp_ids)
        frame["ad_set_id"] = None
        frame["ad_id"] = None
        if "ad_set_name" in frame.columns or "ad_set_external_id" in frame.columns:
            frame["ad_set_key"] = _key(frame, "ad_set")
            has = frame["ad_set_key"].notna()
            sets = frame[has].drop_duplicates(["campaign_id", "ad_set_key"], keep="last")
            set_rows = [
                {
                    "campaign_id": int(r["campaign_id"]),
                    "key": r["ad_set_key"],
                    "name": _opt(r.get("ad_set_name")) or r["ad_set_key"],
                    "external_id": _opt(r.get("ad_set_external_id")),
                }
                for _, r in sets.iterrows()
            ]
            self._count(
                "ad_set",
                self.upsert(AdSet.__table__, set_rows, keys=("campaign_id", "key")),
            )
            set_ids = self._ids(AdSet, "campaign_id", set_rows)
            frame.loc[has, "ad_set_id"] = [
                set_ids[(int(c), k)]
                for c, k in zip(
                    frame.loc[has, "campaign_id"], frame.loc[has, "ad_set_key"], strict=True
                )
            ]
        if "ad_name" in frame.columns or "ad_external_id" in frame.columns:
            frame["ad_key"] = _key(frame, "ad")
            has = frame["ad_key"].notna() & frame["ad_set_id"].notna()
            ads = frame[has].drop_duplicates(["ad_set_id", "ad_key"], keep="last")
            ad_rows = [
                {
                    "ad_set_id": int(r["ad_set_id"]),
                    "key": r["ad_key"],
                    "name": _opt(r.get("ad_name")) or r["ad_key"],
                    "external_id": _opt(r.get("ad_external_id")),
                    "post_external_id": _opt(r.get("post_external_id")),
                }
                for _, r in ads.iterrows()
            ]
            self._count("ad", self.upsert(Ad.__table__, ad_rows, keys=("ad_set_id", "key")))
            ad_ids = self._ids(Ad, "ad_set_id", ad_rows)
            frame.loc[has, "ad_id"] = [
                ad_ids[(int(s), k)]
                for s, k in zip(frame.loc[has, "ad_set_id"], frame.loc[has, "ad_key"], strict=True)
            ]
        frame["grain"] = _grain(frame)
        cols = [
            c
            for c in (*AD_METRICS, "currency", "result_type", "attribution_setting", "breakdown")
            if c in frame.columns
        ]
        rows = self._frame(
            frame,
            ["campaign_id", "ad_set_id", "ad_id", "grain", "date_start", "date_end", *cols],
            extra=True,
            import_batch_id=self.batch_id,
        )
        for c in ("campaign_id", "ad_set_id", "ad_id"):
            rows[c] = rows[c].astype("Int64")
        keys = ("campaign_id", "grain", "date_start", "date_end")
        self._count(
            "ad_day",
            self.upsert_frame(AdDay.__table__, rows, keys=keys, encoded_json=ENCODED).pair,
        )
        self._weeks.ad |= _weeks_of(rows["campaign_id"], rows["date_start"])

    def _ids(
        self, model: Any, parent: str, rows: Sequence[dict[str, Any]]
    ) -> dict[tuple[int, str], int]:
        wanted = list({(r[parent], r["key"]) for r in rows})
        out: dict[tuple[int, str], int] = {}
        pcol = getattr(model, parent)
        for i in range(0, len(wanted), 2000):
            part = wanted[i : i + 2000]
            q = select(pcol, model.key, model.id).where(tuple_(pcol, model.key).in_(part))
            out.update({(p, k): i_ for p, k, i_ in self.session.execute(q)})
        if self.dry_run:
            for key in wanted:
                if key not in out:
                    out[key] = self.made_up_id(model.__table__, key)
        return out


def _weeks_of(owners: pd.Series, dates: pd.Series) -> set[tuple[int, dt.date]]:
    """The (owner, Monday) pairs of a frame's rows: each date or time as upsert_frame stores
    it (the wall-clock day of `pd.to_datetime`), and the Monday of its week (`week_of`'s);
    none for a missing date."""
    days = pd.to_datetime(dates)
    if days.dt.tz is not None:
        days = days.dt.tz_localize(None)
    days = days.dt.floor("D")
    mondays = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    pairs = pd.DataFrame({"owner": owners.to_numpy(), "week": mondays.to_numpy()})
    pairs = pairs.dropna().drop_duplicates()
    return {(int(o), pd.Timestamp(w).date()) for o, w in pairs.itertuples(index=False)}


def _by_time(posts: pd.DataFrame) -> pd.DataFrame:
    """A chunk's posts, one per external id (the last one wins, as in the upsert), in order
    of publication: new posts get ids in that order, so the post and `post_latest` rows go
    into their (account, published_at) indexes in key order, each index page visited once
    instead of once per row at a random place (the store's cost per row grew with its size)."""
    posts = posts.drop_duplicates(subset=["external_id"], keep="last")
    if "published_at" not in posts.columns:
        return posts
    return posts.sort_values("published_at", kind="stable", na_position="last")


def _key_value(value: Any, column: Any) -> Any:
    """A natural key's value as the store gives it back: a date, an int, text; None for a
    missing one (a dry run matches the keys of its rows against the stored ones)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(column.type, DateTime):
        return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)
    if isinstance(column.type, Date):
        return value if type(value) is dt.date else pd.Timestamp(value).date()
    if isinstance(column.type, Integer):
        return int(value)
    return str(value)


def _key_values(series: pd.Series, table: Table) -> list[Any]:
    """A frame's key column as `_key_value`s."""
    column = table.c[str(series.name)]
    return [_key_value(v, column) for v in series.astype(object).tolist()]


def _key(frame: pd.DataFrame, level: str) -> pd.Series:
    ext = frame.get(f"{level}_external_id")
    name = frame.get(f"{level}_name")
    if ext is not None and name is not None:
        return ext.where(ext.notna(), name)
    return ext if ext is not None else name  # type: ignore[return-value]


def _grain(frame: pd.DataFrame) -> pd.Series:
    parts = pd.Series("campaign", index=frame.index, dtype=object)
    if "ad_set_key" in frame.columns:
        parts = parts.where(frame["ad_set_key"].isna(), "ad_set:" + frame["ad_set_key"].astype(str))
    if "ad_key" in frame.columns:
        parts = parts.where(frame["ad_key"].isna(), parts + "|ad:" + frame["ad_key"].astype(str))
    if "breakdown" in frame.columns:
        parts = parts.where(frame["breakdown"].isna(), parts + "|" + frame["breakdown"].astype(str))
    return parts


def _opt(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


ENCODED = ("extra",)  # the columns _frame gives as JSON text


def _extras_json(frame: pd.DataFrame) -> pd.Series | None:
    """The `extra:` columns of a frame as one JSON object per row (None when it has no
    values), the text json.dumps gives `_extras`' dicts, built column by column."""
    extras = [c for c in frame.columns if c.startswith(EXTRA_PREFIX)]
    if not extras:
        return None
    n = len(frame)
    body = np.full(n, "", dtype=object)  # '"a": 1.0, "b": "x"' so far
    for column in extras:
        values = frame[column]
        present = values.notna().to_numpy()
        if not present.any():
            continue
        key = json.dumps(column[len(EXTRA_PREFIX) :]) + ": "
        items = np.full(n, "", dtype=object)
        items[present] = [key + v for v in _json_values(values[present])]
        gap = np.where((body != "") & present, ", ", "")
        body = body + gap + items
    out = np.full(n, None, dtype=object)
    filled = body != ""
    out[filled] = "{" + body[filled] + "}"
    return pd.Series(out, index=frame.index, dtype=object)


def _json_values(values: pd.Series) -> list[str]:
    """Present cells as JSON, as json.dumps writes them."""
    if values.dtype.kind == "f" and np.isfinite(values.to_numpy()).all():
        return [float.__repr__(v) for v in values.tolist()]
    return [json.dumps(v) for v in values.astype(object).tolist()]


def _records(
    frame: pd.DataFrame, columns: Iterable[str], *, extra: bool = False
) -> list[dict[str, Any]]:
    """Plain dict rows: NaN/NA -> None, timestamps -> dates for date columns, extras -> JSON."""
    cols = [c for c in columns if c in frame.columns]
    sub = frame[cols].copy()
    for c in cols:
        if c in DATE_FIELDS:
            sub[c] = pd.to_datetime(sub[c]).dt.date
        elif c == "published_at":
            sub[c] = pd.to_datetime(sub[c]).astype(object).where(sub[c].notna(), None)
            sub[c] = sub[c].map(lambda v: v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
    sub = sub.astype(object).where(sub.notna(), None)
    # keyed by column name (pandas-stubs keys a record by any Hashable)
    rows = cast(list[dict[str, Any]], sub.to_dict("records"))
    if extra:
        extras = [c for c in frame.columns if c.startswith(EXTRA_PREFIX)]
        if extras:
            ex = cast(
                list[dict[str, Any]],
                frame[extras].astype(object).where(frame[extras].notna(), None).to_dict("records"),
            )
            for r, e in zip(rows, ex, strict=True):
                kept = {k[len(EXTRA_PREFIX) :]: v for k, v in e.items() if v is not None}
                r["extra"] = kept or None
    return rows
