"""What a post is besides its media type: the controls the uplift model adjusts for.

Pure functions over the frame of `queries.posts()`:
- `interactions`: socialdesk's catalogue count, (reactions, else likes) + comments + shares +
  saves; a post whose platform gave none of them has none (NaN), never zero.
- `exposure_of`: reach, else impressions, else views, else the followers the account had on
  the day of the post: the first that at least half of the posts have.
- `timing`: hour, weekday and trend (years since the first post) from the publish time, or,
  where a mapped import has no publish time, from the extra figures post_hour, post_weekday
  (1-7) and post_month.
- `topics`: posts carry no topic column, so topics are derived from the hashtags in the
  text: each hashtag used by at least MIN_TOPIC_POSTS posts (and by at most 90 % of them)
  becomes a yes/no column. Without hashtags, an extra figure named "category" (e.g. from a
  mapped research data set) is used as the topic.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from socialdesk.phrases import Phrase

INTERACTION_TERMS = (("reactions", "likes"), ("comments",), ("shares",), ("saves",))
EXPOSURES = ("reach", "impressions", "views", "followers")
VIEWS_FIRST = ("views", "reach", "impressions", "followers")
MIN_TOPIC_POSTS = 8
MAX_TOPICS = 8
HASHTAG = re.compile(r"#(\w[\w-]*)", re.UNICODE)
# Hours fall in four blocks so that a small account does not spend 23 parameters on them.
HOUR_BLOCKS = ((0, 7, "night"), (7, 12, "morning"), (12, 17, "afternoon"), (17, 24, "evening"))


def interactions(frame: pd.DataFrame) -> pd.Series:
    """The catalogue's interactions per post, NaN where the platform gave none of its terms."""
    total = pd.Series(0.0, index=frame.index)
    any_term = pd.Series(False, index=frame.index)
    for alternatives in INTERACTION_TERMS:
        value = pd.Series(np.nan, index=frame.index)
        for col in alternatives:
            if col in frame:
                value = value.fillna(frame[col])
        total = total + value.fillna(0.0)
        any_term = any_term | value.notna()
    return total.where(any_term)


def metric_values(frame: pd.DataFrame, metric: str) -> pd.Series:
    if metric == "interactions":
        return interactions(frame)
    if metric not in frame:
        return pd.Series(np.nan, index=frame.index)
    return frame[metric].astype("float64")


def followers_at_post(posts: pd.DataFrame, followers: pd.DataFrame) -> pd.Series:
    """The followers of each post's account on the last day with a figure before or on the
    publish day; for mapped data without that, an extra figure page_total_likes."""
    out = pd.Series(np.nan, index=posts.index, dtype="float64")
    if not followers.empty and posts["published_at"].notna().any():
        # only the two columns the match needs (a copy of every column of a million posts
        # was a few hundred MB at once)
        published = posts["published_at"]
        known = published.notna()
        dated = pd.DataFrame(
            {
                "_i": posts.index[known.to_numpy()],
                "_day": published[known].dt.normalize().astype("datetime64[ns]").to_numpy(),
                "account_id": posts.loc[known, "account_id"].to_numpy(),
            }
        )
        f = followers.assign(date=followers["date"].astype("datetime64[ns]")).sort_values("date")
        merged = pd.merge_asof(
            dated.sort_values("_day"),
            f,
            left_on="_day",
            right_on="date",
            by="account_id",
            direction="backward",
        )
        # a post before the first follower figure takes the first one
        first = f.groupby("account_id")["followers"].first()
        merged["followers"] = merged["followers"].fillna(merged["account_id"].map(first))
        out.loc[merged["_i"].to_numpy()] = merged["followers"].to_numpy()
    extra = posts["extra"].map(lambda e: e.get("page_total_likes") if isinstance(e, dict) else None)
    return out.fillna(pd.to_numeric(extra, errors="coerce"))


def exposure_of(frame: pd.DataFrame, platform: str | None = None) -> tuple[pd.Series, str]:
    """(the exposure of each post, its name): the first of EXPOSURES (for YouTube and TikTok
    views come first: their "impressions" are showings of a thumbnail in a list, not of the
    video) that at least half the posts have with a positive value; ("none") when none does."""
    order = VIEWS_FIRST if platform in ("youtube", "tiktok") else EXPOSURES
    for col in order:
        if col in frame:
            values = frame[col].astype("float64")
            if len(frame) and (values > 0).mean() >= 0.5:
                return values.where(values > 0), col
    return pd.Series(np.nan, index=frame.index), "none"


def _extra(frame: pd.DataFrame, key: str) -> pd.Series:
    raw = frame["extra"].map(lambda e: e.get(key) if isinstance(e, dict) else None)
    return pd.to_numeric(raw, errors="coerce")


def timing(frame: pd.DataFrame) -> pd.DataFrame:
    """hour (0-23), weekday (0 = Monday) and trend (years since the first post) per post."""
    published = frame["published_at"]
    has_time = published.notna() & (published.dt.normalize() != published)
    hour = published.dt.hour.where(has_time).astype("float64")
    weekday = published.dt.day_of_week.astype("float64")
    start = published.min()
    trend = (published - start).dt.total_seconds() / (365.25 * 86400)
    if "extra" in frame:
        hour = hour.fillna(_extra(frame, "post_hour"))
        weekday = weekday.fillna(_extra(frame, "post_weekday") - 1)  # UCI: 1-7
        month = _extra(frame, "post_month")
        trend = trend.fillna((month - month.min()) / 12.0)
    return pd.DataFrame({"hour": hour, "weekday": weekday, "trend": trend}, index=frame.index)


def hour_block(hour: pd.Series) -> pd.Series:
    out = pd.Series(None, index=hour.index, dtype=object)
    for lo, hi, name in HOUR_BLOCKS:
        out = out.where(~((hour >= lo) & (hour < hi)), name)
    return out


def hashtags(text: str | None) -> list[str]:
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys(t.casefold() for t in HASHTAG.findall(text)))


def topics(frame: pd.DataFrame, min_posts: int = MIN_TOPIC_POSTS) -> tuple[pd.DataFrame, str]:
    """Yes/no topic columns (named "#tag" or "category=x") and a sentence saying how they
    were derived; an empty frame when nothing qualifies."""
    n = len(frame)
    if "text" in frame:
        tags = frame["text"].map(hashtags)
    else:
        tags = pd.Series([[]] * n, index=frame.index)
    counts = Counter(t for ts in tags for t in ts)
    usable = [t for t, c in counts.most_common() if c >= min_posts and c <= 0.9 * n][:MAX_TOPICS]
    if usable:
        cols = {f"#{t}": tags.map(lambda ts, t=t: float(t in ts)) for t in usable}
        return (
            pd.DataFrame(cols, index=frame.index),
            Phrase(
                "topics from hashtags used by at least %(n)s posts: %(tags)s",
                n=min_posts,
                tags=", ".join(f"#{t}" for t in usable),
            ),
        )
    category = frame["extra"].map(lambda e: e.get("category") if isinstance(e, dict) else None)
    if category.notna().mean() >= 0.5:
        values = category.astype(str).where(category.notna())
        found = values.value_counts()
        # the most common category is the reference level (no column of its own)
        keep = [v for v, c in found.items() if c >= min_posts][1 : MAX_TOPICS + 1]
        if keep:
            cols = {f"category={v}": (values == v).astype(float) for v in keep}
            return (
                pd.DataFrame(cols, index=frame.index),
                Phrase("topics from the 'category' figure of the mapped import (no hashtags)"),
            )
    return (
        pd.DataFrame(index=frame.index),
        Phrase("no topics: no hashtag is used by enough posts"),
    )
