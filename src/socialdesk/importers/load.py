"""Writing canonical chunks into the store with natural-key upserts (both databases).

An import reads and checks its whole file into `Staged` before it writes anything, so the
write lock (SQLite has one writer) is held only while the rows are written, not while the file
is parsed (docs/decisions.md, "Writers wait their turn").
"""

from __future__ import annotations

import json
import math
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import select, tuple_
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
from socialdesk.store.rollups import refresh_post_latest, refresh_weeks
from socialdesk.store.upsert import upsert, upsert_frame

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

    def _count(self, table: str, pair: tuple[int, int]) -> None:
        self.counts.setdefault(table, Counts()).add(pair)

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
        pair = upsert(
            self.session,
            Account.__table__,
            [row],
            keys=("workspace_id", "platform", "handle"),
            update=update,
        )
        self._count("account", pair)
        acc_id = self.session.scalar(
            select(Account.id).where(
                Account.workspace_id == self.workspace_id,
                Account.platform == ref.platform,
                Account.handle == ref.handle,
            )
        )
        assert acc_id is not None
        self._accounts[key] = acc_id
        return acc_id

    def finish(self) -> None:
        """After the file's last chunk: refresh what the store derives from its rows."""
        if self._posts:  # every post this file wrote, or wrote a snapshot of
            refresh_post_latest(self.session, post_ids=self._posts)
        elif self.batch_id is not None and ("post" in self.counts or "post_metrics" in self.counts):
            refresh_post_latest(self.session, batch_id=self.batch_id)
        if {"post", "post_metrics", "account_day", "ad_day"} & set(self.counts):
            refresh_weeks(self.session, self._accounts.values())

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
        res = upsert_frame(
            self.session, Post.__table__, posts, keys=("account_id", "external_id"), return_ids=True
        )
        self._count("post", res.pair)
        assert res.ids is not None
        ids = {ext: pid for (_acc, ext), pid in res.ids.items()}
        self._posts.update(ids.values())
        metric_cols = [c for c in POST_METRICS if c in frame.columns]
        if not metric_cols:
            return
        rows = self._frame(
            frame, ["as_of", *metric_cols], extra=True, import_batch_id=self.batch_id
        )
        rows.insert(0, "post_id", frame["external_id"].map(ids).astype("int64"))
        self._count(
            "post_metrics",
            upsert_frame(
                self.session,
                PostMetrics.__table__,
                rows,
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
            upsert_frame(
                self.session,
                AccountDay.__table__,
                rows,
                keys=("account_id", "date"),
                encoded_json=ENCODED,
            ).pair,
        )

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
            upsert_frame(self.session, AudienceShare.__table__, rows, keys=keys).pair,
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
            upsert_frame(self.session, SearchPerformance.__table__, rows, keys=keys).pair,
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
            upsert_frame(
                self.session, WebDay.__table__, rows, keys=keys, encoded_json=ENCODED
            ).pair,
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
            upsert(self.session, Campaign.__table__, camp_rows, keys=("account_id", "key")),
        )
        camp_ids = dict(
            self.session.execute(
                select(Campaign.key, Campaign.id).where(
                    Campaign.account_id == account_id,
                    Campaign.key.in_([r["key"] for r in camp_rows]),
                )
            ).all()
        )
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
                upsert(self.session, AdSet.__table__, set_rows, keys=("campaign_id", "key")),
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
            self._count(
                "ad", upsert(self.session, Ad.__table__, ad_rows, keys=("ad_set_id", "key"))
            )
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
            upsert_frame(self.session, AdDay.__table__, rows, keys=keys, encoded_json=ENCODED).pair,
        )

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
        return out


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
