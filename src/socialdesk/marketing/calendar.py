"""The content calendar: the status flow, clashes and gaps, ICS and CSV, and matching the
posts that arrive by import to the plan items they came from.

Times: plan items are stored in UTC (as posts are); clashes, exports and the calendar view
use the workspace's time zone (Europe/Amsterdam by default).

- Status flow: idea -> draft -> review -> approved -> scheduled -> published (or failed, set
  by the publishing worker). A step forward goes one status at a time (a draft may be
  approved without a review; approving needs the right to approve, publishing/run.py); a step
  back to draft or idea is always allowed (a rejected draft goes back); a failed item may be
  scheduled again.
- Clash: two items (ideas excepted) on the same platform in the same local clock hour.
- Gap: a pillar of the plan with nothing dated for `gap_days` (21) days or more inside the
  window, counting both plan items and the published posts counted to that pillar.
- Matching: a plan item without a post is matched to an imported post of the same platform
  published within 36 hours of its time, by the score
      0.5 · text similarity (difflib ratio of the normalised texts)
    + 0.3 · link (the item's link, without its query, appears in the post's text or link)
    + 0.2 · closeness in time (1 at the same minute, 0 at 36 hours);
  pairs are taken best score first, each item and post once, at a score of 0.5 or more.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from socialdesk.model import PLAN_ITEM_STATUSES
from socialdesk.sheets import CsvStyle, csv_text, neutralise

TIMEZONE = "Europe/Amsterdam"
GAP_DAYS = 21
MATCH_HOURS = 36.0
MATCH_THRESHOLD = 0.5
CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "platform",
    "date",
    "time",
    "pillar",
    "audience",
    "objective",
    "owner",
    "text",
    "link",
)
# Meta Business Suite → Planner → Bulk upload: best knowledge of its template's columns, not
# checked against a downloaded template; compare with the template Meta offers before the
# first upload.
META_BULK_COLUMNS = (
    "Text",
    "Link",
    "Media URL",
    "Scheduling date (MM/DD/YYYY)",
    "Scheduling time (HH:MM)",
)
META_PLATFORMS = ("facebook", "instagram")


FLOW = ("idea", "draft", "review", "approved", "scheduled", "published")


def can_move(current: str, target: str) -> bool:
    """Whether a plan item may go from `current` to `target`: one step forward along FLOW (a
    draft may skip review), back to draft or idea, and a failed item scheduled again."""
    if current not in PLAN_ITEM_STATUSES or target not in PLAN_ITEM_STATUSES:
        return False
    if current == target:
        return True
    if target in ("idea", "draft"):
        return True
    if current == "failed":
        return target == "scheduled"
    if target == "failed":
        return False  # only the worker says a publication failed
    i, j = FLOW.index(current), FLOW.index(target)
    return j == i + 1 or (current, target) == ("draft", "approved")


def _local(ts: dt.datetime | float | None, tz: str) -> dt.datetime | None:
    if ts is None or pd.isna(ts):
        return None
    t = pd.Timestamp(ts).to_pydatetime()
    return t.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip (02:30 on the last Sunday of March in Europe)."""


def to_utc(local: dt.datetime, tz: str = TIMEZONE) -> dt.datetime:
    """A wall-clock time in `tz` as the naive UTC the store keeps. A time that does not exist
    there (the hour the clocks skip in spring) is refused with NonexistentTime rather than
    moved silently; a time that exists twice (the hour repeated in autumn) is its first."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz), fold=0)
        back = local.astimezone(dt.UTC).astimezone(ZoneInfo(tz))
        if back.replace(tzinfo=None) != local.replace(tzinfo=None):
            raise NonexistentTime(
                f"{local:%Y-%m-%d %H:%M} does not exist in {tz}: the clocks go forward that "
                f"night ({local:%H:%M} would be {back:%H:%M}); choose another time"
            )
    return local.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Clash:
    platform: str
    hour: str  # local "YYYY-MM-DD HH:00"
    items: tuple[int, ...]


@dataclass(frozen=True)
class PillarGap:
    pillar: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def clashes(items: pd.DataFrame, tz: str = TIMEZONE) -> tuple[Clash, ...]:
    """Items (not ideas) on the same platform in the same local hour."""
    if items.empty:
        return ()
    f = items[
        (items["status"] != "idea") & items["scheduled_at"].notna() & items["platform"].notna()
    ]
    groups: dict[tuple[str, str], list[int]] = {}
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    for r in f.itertuples(index=False):
        local = _local(r.scheduled_at, tz)
        assert local is not None
        groups.setdefault((str(r.platform), local.strftime("%Y-%m-%d %H:00")), []).append(int(r.id))
    return tuple(Clash(p, h, tuple(ids)) for (p, h), ids in sorted(groups.items()) if len(ids) > 1)


def gaps(
    pillar_days: Mapping[str, Iterable[dt.date]],
    pillars: Iterable[str],
    start: dt.date,
    end: dt.date,
    gap_days: int = GAP_DAYS,
) -> tuple[PillarGap, ...]:
    """Stretches of `gap_days` or more in [start, end] with nothing dated for a pillar."""
    out = []
    for pillar in pillars:
        days = sorted({d for d in pillar_days.get(pillar, ()) if start <= d <= end})
        edges = [start - dt.timedelta(days=1), *days, end + dt.timedelta(days=1)]
        for a, b in itertools.pairwise(edges):
            empty = (b - a).days - 1
            if empty >= gap_days:
                out.append(PillarGap(pillar, a + dt.timedelta(days=1), b - dt.timedelta(days=1)))
    return tuple(out)


def to_ics(items: pd.DataFrame, name: str = "socialdesk", minutes: int = 30) -> bytes:
    """An iCalendar feed of the dated items (subscribe to it from any calendar app)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//socialdesk//content calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    for r in items.itertuples(index=False):
        if r.scheduled_at is None or pd.isna(r.scheduled_at):
            continue
        begin = pd.Timestamp(r.scheduled_at).to_pydatetime().replace(tzinfo=dt.UTC)
        ev = Event()
        ev.add("uid", f"plan-item-{int(r.id)}@socialdesk")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + dt.timedelta(minutes=minutes))
        ev.add("summary", f"[{r.platform or '-'}] {r.title}")
        lines = [str(r.text or ""), str(r.link or ""), f"status: {r.status}"]
        lines += [
            f"{k}: {getattr(r, k)}"
            for k in ("pillar", "objective", "audience", "owner")
            if getattr(r, k, None)
        ]
        ev.add("description", "\n".join(line for line in lines if line))
        ev.add("status", "CONFIRMED" if r.status in ("scheduled", "published") else "TENTATIVE")
        if getattr(r, "pillar", None):
            ev.add("categories", [str(r.pillar)])
        cal.add_component(ev)
    return cal.to_ical()


# Both CSVs go through socialdesk.sheets, the one formula-safe writer: a text cell that starts
# with = + - @ (a tab, a carriage return, also after spaces) gets a leading ', the defence
# OWASP recommends for a file a person opens in a spreadsheet; numbers, dates, hashtags and
# every other text are written as they are.
#
# - The calendar CSV is for people: opened in Excel or Sheets, shared with a team.
# - The Meta bulk file is uploaded to Meta, but Meta's bulk-upload flow is a template filled in
#   and checked in a spreadsheet before the upload, so it is opened by a person too, and a
#   plan item's text may come from anyone who may edit the plan. It is neutralised the same
#   way. The price: the rare post text that starts with = + - @ ("-20% korting!") arrives in
#   Meta with the ' in front, visible in the upload's preview, where it can be taken out
#   (`meta_bulk_neutralised` counts them so a face can say so). Running a formula on the
#   machine of whoever opens the file is worse than a quote to remove by hand.
def _rows(items: pd.DataFrame, tz: str) -> Iterator[list[Any]]:
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    for r in items.itertuples(index=False):
        local = _local(r.scheduled_at, tz)
        yield [
            r.id,
            r.title,
            r.status,
            r.platform,
            local.strftime("%Y-%m-%d") if local else "",
            local.strftime("%H:%M") if local else "",
            r.pillar,
            r.audience,
            r.objective,
            r.owner,
            r.text,
            r.link,
        ]


def to_csv(items: pd.DataFrame, tz: str = TIMEZONE) -> str:
    """Every plan item in CSV_COLUMNS, formula-safe (see above)."""
    return csv_text(CSV_COLUMNS, _rows(items, tz), CsvStyle(lineterminator="\n"))


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def _meta_rows(items: pd.DataFrame, tz: str) -> Iterator[list[Any]]:
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    for r in items.itertuples(index=False):
        if r.platform not in META_PLATFORMS or r.status not in ("approved", "scheduled"):
            continue
        local = _local(r.scheduled_at, tz)
        media = getattr(r, "media", None)
        first = (media or {}).get("files", [""])[0] if isinstance(media, dict) else ""
        text = "" if _missing(r.text) else str(r.text)
        yield [
            text or r.title,
            r.link,
            first,
            local.strftime("%m/%d/%Y") if local else "",
            local.strftime("%H:%M") if local else "",
        ]


def to_meta_bulk_csv(items: pd.DataFrame, tz: str = TIMEZONE) -> str:
    """Approved/scheduled Facebook and Instagram items in the bulk-upload layout (see
    META_BULK_COLUMNS); the media column holds the first media file or URL when one is set.
    Formula-safe, texts that start with = + - @ with a leading ' (see above)."""
    return csv_text(META_BULK_COLUMNS, _meta_rows(items, tz), CsvStyle(lineterminator="\n"))


def meta_bulk_neutralised(items: pd.DataFrame, tz: str = TIMEZONE) -> int:
    """How many cells of `to_meta_bulk_csv` got a leading ' (a post text that starts with
    = + - @ arrives in Meta with it: worth telling the person who uploads it)."""
    return sum(
        1 for row in _meta_rows(items, tz) for v in row if isinstance(v, str) and neutralise(v) != v
    )


# -- matching published posts to plan items ------------------------------------------------
_SPACE = re.compile(r"\s+")


def _norm(text: object) -> str:
    return _SPACE.sub(" ", str(text or "").lower()).strip()


def _link_key(link: object) -> str:
    s = _norm(link).split("?")[0].split("#")[0]
    return re.sub(r"^https?://(www\.)?", "", s).rstrip("/")


@dataclass(frozen=True)
class Match:
    item_id: int
    post_id: int
    score: float
    text_similarity: float
    link: bool
    hours_apart: float


def match_posts(items: pd.DataFrame, posts: pd.DataFrame) -> tuple[Match, ...]:
    """Plan items (without a post) matched to imported posts; see the module docstring."""
    if items.empty or posts.empty:
        return ()
    open_items = items[
        items["post_id"].isna() & items["scheduled_at"].notna() & (items["status"] != "idea")
    ]
    taken = set(items["post_id"].dropna().astype(int))
    p = posts[~posts["post_id"].isin(taken) & posts["published_at"].notna()]
    cands: list[Match] = []
    it: Any  # a row: its columns' types, which pandas-stubs can't know
    for it in open_items.itertuples(index=False):
        when = pd.Timestamp(it.scheduled_at)
        near = p[
            (p["platform"] == it.platform)
            & ((pd.to_datetime(p["published_at"]) - when).abs() <= pd.Timedelta(hours=MATCH_HOURS))
        ]
        link = _link_key(it.link) if it.link else ""
        text = _norm(it.text or it.title)
        post: Any  # a row: its columns' types, which pandas-stubs can't know
        for post in near.itertuples(index=False):
            body = _norm(" ".join(str(v) for v in (post.title, post.text, post.permalink) if v))
            sim = difflib.SequenceMatcher(None, text, _norm(post.text)).ratio() if text else 0.0
            has_link = bool(link) and link in body
            hours = abs((pd.Timestamp(post.published_at) - when).total_seconds()) / 3600
            score = 0.5 * sim + 0.3 * has_link + 0.2 * (1 - hours / MATCH_HOURS)
            if score >= MATCH_THRESHOLD:
                cands.append(
                    Match(
                        int(it.id),
                        int(post.post_id),
                        round(score, 4),
                        round(sim, 4),
                        has_link,
                        round(hours, 2),
                    )
                )
    out, used_items, used_posts = [], set(), set()
    for m in sorted(cands, key=lambda m: -m.score):
        if m.item_id in used_items or m.post_id in used_posts:
            continue
        out.append(m)
        used_items.add(m.item_id)
        used_posts.add(m.post_id)
    return tuple(out)


__all__ = [
    "CSV_COLUMNS",
    "META_BULK_COLUMNS",
    "Clash",
    "Match",
    "PillarGap",
    "can_move",
    "clashes",
    "gaps",
    "match_posts",
    "meta_bulk_neutralised",
    "to_csv",
    "to_ics",
    "to_meta_bulk_csv",
    "to_utc",
]
