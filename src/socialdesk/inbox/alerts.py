"""Crisis alerts: negative messages on a topic rising far above that topic's baseline.

Topics of a message: its hashtags, the service signals it matches (delay, refund,
not_working...), and the post it comments on ("post:<id>"). For every topic and day the
negative messages are counted; the baseline is the mean daily count over the 28 days before
(at least 0.5, so a topic that was silent still needs several messages). A day is an alert
when its count is at least `min_count` and a Poisson distribution at the baseline makes a
count that high less likely than `p_alert` (one in a thousand by default), which keeps the
alarm quiet on ordinary busy days.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.inbox.sentiment import service_signals

_HASHTAG = re.compile(r"#(\w{2,})")
BASELINE_DAYS = 28


@dataclass(frozen=True)
class CrisisAlert:
    topic: str
    day: dt.date
    negative: int
    baseline: Estimate  # mean negative messages a day over the baseline window
    ratio: float
    p_value: float
    examples: tuple[str, ...]


def topics_of(text: str, post_external_id: str | None = None) -> list[str]:
    found = [f"#{t.lower()}" for t in _HASHTAG.findall(text or "")]
    found += list(service_signals(text or ""))
    if isinstance(post_external_id, str) and post_external_id:  # not None, not NaN
        found.append(f"post:{post_external_id}")
    return list(dict.fromkeys(found))


def crisis_alerts(
    messages: pd.DataFrame,
    *,
    since: dt.date | None = None,
    min_count: int = 5,
    p_alert: float = 0.001,
) -> list[CrisisAlert]:
    """Alerts on days from `since` on. `messages`: text, received_at, sentiment, is_from_org,
    and optionally post_external_id."""
    from scipy.stats import poisson

    if messages.empty:
        return []
    m = messages[~messages["is_from_org"].astype(bool)].copy()
    m["day"] = pd.to_datetime(m["received_at"]).dt.normalize()
    post = m["post_external_id"] if "post_external_id" in m else pd.Series(None, index=m.index)
    m["topic"] = [topics_of(t, p) for t, p in zip(m["text"], post, strict=True)]
    neg = m[m["sentiment"] == "negative"].explode("topic").dropna(subset=["topic"])
    if neg.empty:
        return []
    counts = neg.groupby(["topic", "day"]).size().rename("n").reset_index()
    first_day = pd.Timestamp(since) if since else counts["day"].min()
    # only topics with a day of at least min_count from first_day on can raise an alert
    hot = counts[(counts["n"] >= min_count) & (counts["day"] >= first_day)]["topic"].unique()
    alerts = []
    days = BASELINE_DAYS
    for topic, part in counts[counts["topic"].isin(hot)].groupby("topic"):
        series = part.set_index("day")["n"].asfreq("D", fill_value=0)
        # negative messages over the 28 days before each day (days before the first count: 0)
        before = series.shift(1, fill_value=0).rolling(days, min_periods=1).sum()
        lam = (before / days).clip(lower=0.5)
        check = (series.index >= first_day) & (series >= min_count)
        if not check.any():
            continue
        p_values = poisson.sf(series[check] - 1, lam[check])
        day: Any  # a Timestamp of the daily index (pandas-stubs types an index label Hashable)
        for (day, n), total, rate, p in zip(
            series[check].items(), before[check], lam[check], p_values, strict=True
        ):
            p = float(p)
            if p >= p_alert:
                continue
            mean = float(total) / days
            low, high = poisson.interval(0.95, total) if total else (0.0, 3.69)
            baseline = Estimate(
                mean,
                float(low) / days,
                float(high) / days,
                0.95,
                days,
                f"mean negative messages a day over the {days} days before",
            )
            texts = neg[(neg["topic"] == topic) & (neg["day"] == day)]["text"].head(3)
            alerts.append(
                CrisisAlert(
                    str(topic), day.date(), int(n), baseline, round(n / rate, 1), p, tuple(texts)
                )
            )
    return sorted(alerts, key=lambda a: (a.day, a.p_value), reverse=True)


__all__ = ["CrisisAlert", "crisis_alerts", "topics_of"]
