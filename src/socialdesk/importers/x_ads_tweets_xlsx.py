"""X (Twitter) Ads → Campaigns → Tweets → Export: the promoted-tweets report (.xlsx).

Real file seen: one 2017 export, `<start>-to-<end>-<random>.xlsx` (FORMATS.md 4d). One sheet,
"results", whose `<dimension ref="A1">` is wrong (the table reader resets it). Each row is
one promoted tweet (an ad) of one ad group of one campaign over the `Time period` of the
report ("Apr 1, 2017 - Apr 30, 2017"). `Tweet publish date` is a date cell (or its Excel
serial number); `-` stands for a figure that does not apply (NULL, never 0).

Stored as ad delivery per reporting period, like the other ad exports: the campaign is the
`Campaign ID`, the ad set the `Ad Group ID`, the ad the tweet (`Tweet ID`; its text is the
ad's name, as Ads Manager shows it) with `post_external_id` = the tweet id, which is the
post id X's own analytics exports use, so the ad meets its post once the account's organic
export is imported. The report names no campaign or ad group by name: their ids stand in.
`Placement` "All" is the whole delivery; any other placement becomes the row's breakdown
(`placement=…`). Impressions, Spend and Link clicks fill the canonical columns; Likes,
Retweets and Replies, the tweet's status and publish time go to extra.

The tweet is not stored as a post of the X account: the report does not name the account
that published it (a post under a guessed account would duplicate the tweet when the
account's own export arrives), and its figures are paid delivery over a period, not the
lifetime totals a post snapshot holds.

The report does not say its currency. The reader takes it from the import option
`currency` (a three-letter code) when given; otherwise the rows' currency stays NULL (noted)
and the figures take the ad account's currency where the account has one. Platform "x_ads";
the ad account is the user's --account, else "X ad account".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import ImportError_, RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, cleaned, file_row, ids, numbers, text

PLATFORM = "x_ads"
DEFAULT_HANDLE = "X ad account"
NAME_LENGTH = 500  # ad.name

COLUMNS: dict[str, tuple[str, ...]] = {
    "time_period": ("Time period",),
    "placement": ("Placement",),
    "tweet_text": ("Tweet Text",),
    "campaign_id": ("Campaign ID",),
    "ad_group_id": ("Ad Group ID",),
    "tweet_status": ("Tweet status",),
    "tweet_id": ("Tweet ID",),
    "publish_date": ("Tweet publish date",),
    "impressions": ("Impressions",),
    "spend": ("Spend",),
    "likes": ("Likes",),
    "retweets": ("Retweets",),
    "replies": ("Replies",),
    "link_clicks": ("Link clicks",),
}

METRICS = {"impressions": "impressions", "spend": "spend", "link_clicks": "link_clicks"}
EXTRAS = {"likes": "extra:likes", "retweets": "extra:retweets", "replies": "extra:replies"}

PERIOD_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%m/%d/%Y")
_PERIOD = re.compile(r"^\s*(?P<start>.+?)\s+[-–]\s+(?P<end>.+?)\s*$")
_WHOLE = frozenset({"all", "alle"})
_ISO = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def _fail(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    if bad.any():
        idx = bad[bad].index[0]
        value = frame.at[idx, column]
        raise RowInvalid(file, file_row(frame, idx), column, message.format(value=value))


def _day(value: str) -> dt.date | None:
    for fmt in PERIOD_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_period(value: str) -> tuple[dt.date, dt.date] | None:
    """("Apr 1, 2017 - Apr 30, 2017") -> (start, end); None when it is not a period."""
    m = _PERIOD.match(value)
    if not m:
        return None
    start, end = _day(m.group("start")), _day(m.group("end"))
    if start is None or end is None or end < start:
        return None
    return start, end


def periods(frame: pd.DataFrame, column: str, file: str) -> tuple[pd.Series, pd.Series]:
    values = cleaned(frame[column])
    parsed = {v: parse_period(str(v)) for v in values.dropna().unique()}
    _fail(frame, values.isna(), file, column, "the time period is empty.")
    bad = values.map(lambda v: parsed.get(v) is None)
    _fail(
        frame,
        bad.astype(bool),
        file,
        column,
        "{value!r} is not a time period like 'Apr 1, 2017 - Apr 30, 2017'.",
    )
    spans = {v: span for v, span in parsed.items() if span is not None}  # all, by now
    start = values.map(lambda v: pd.Timestamp(spans[v][0]))
    end = values.map(lambda v: pd.Timestamp(spans[v][1]))
    return start.astype("datetime64[ns]"), end.astype("datetime64[ns]")


def publish_times(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """ISO text (a date cell) or an Excel serial number, as "YYYY-MM-DDTHH:MM:SS" as written:
    in the ad account's time zone (the 2017 sample is 7 hours behind the UTC time in its
    tweet ids: US Pacific summer time)."""
    s = cleaned(frame[column])
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in _ISO:
        todo = s.notna() & out.isna()
        if todo.any():
            out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    serial = s.notna() & out.isna()
    if serial.any():
        nums = numbers(frame.loc[serial], column, file)
        ok = nums.between(1, 2958465)  # 1900-01-01 .. 9999-12-31
        _fail(frame.loc[serial], ~ok, file, column, "{value!r} is not a date.")
        days = pd.to_timedelta(nums.to_numpy(float), unit="D")
        out[serial] = (pd.Timestamp("1899-12-30") + days).round("s")
    iso = out.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return iso.astype(object).where(out.notna(), None)


def _hierarchy(out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], file: str) -> None:
    campaign = ids(frame, f["campaign_id"], file)
    out["campaign_external_id"] = campaign
    out["campaign_name"] = campaign  # the report names campaigns by id only
    group = ids(frame, f["ad_group_id"], file)
    out["ad_set_external_id"] = group
    out["ad_set_name"] = group
    tweet = ids(frame, f["tweet_id"], file)
    bad = ~tweet.astype(str).str.fullmatch(r"\d{1,19}")
    _fail(frame, bad, file, f["tweet_id"], "{value!r} is not a tweet id (digits only).")
    out["ad_external_id"] = tweet
    out["post_external_id"] = tweet
    name = text(frame, f["tweet_text"]) if "tweet_text" in f else tweet
    name = name.where(name.notna(), tweet)
    out["ad_name"] = name.map(lambda v: str(v)[:NAME_LENGTH])


def _breakdown(frame: pd.DataFrame, f: dict[str, str]) -> pd.Series | None:
    if "placement" not in f:
        return None
    values = cleaned(frame[f["placement"]])
    whole = values.isna() | values.str.casefold().isin(_WHOLE).fillna(False)
    parts = ("placement=" + values).astype(object)
    return parts.where(~whole.astype(bool), None)


def _check_unique(
    out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], file: str, seen: dict[int, int]
) -> None:
    cols = [
        c
        for c in (
            "campaign_external_id",
            "ad_set_external_id",
            "ad_external_id",
            "breakdown",
            "date_start",
            "date_end",
        )
        if c in out
    ]
    keys = pd.util.hash_pandas_object(out[cols].astype(str), index=False).to_numpy()
    for key, row in zip(keys.tolist(), frame[ROW_COL].tolist(), strict=True):
        if key in seen:
            raise RowInvalid(
                file,
                int(row),
                f["tweet_id"],
                f"this row repeats the campaign, ad group, tweet, placement and time period of "
                f"row {seen[key]}.",
            )
        seen[key] = int(row)


def currency_option(ctx: ReadContext) -> str | None:
    """The currency the user gave for the file (option `currency`), checked."""
    given = (ctx.options.get("currency") or "").strip().upper()
    if not given:
        return None
    if not re.fullmatch(r"[A-Z]{3}", given):
        raise ImportError_(
            ctx.file, f"the currency {given!r} is not a three-letter code such as EUR or USD."
        )
    return given


def account_ref(ctx: ReadContext, currency: str | None) -> AccountRef:
    if ctx.account:
        return AccountRef(PLATFORM, ctx.account, name=ctx.account, currency=currency)
    ctx.note(
        f"the report does not name the ad account; filed under {DEFAULT_HANDLE!r}. "
        "Import with --account <name> to file it under the right account."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE, currency=currency)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    currency = currency_option(ctx)
    account = account_ref(ctx, currency)
    if currency is None:
        ctx.note(
            "the report does not say its currency: the spend is stored without one and takes "
            "the ad account's currency where the account has one."
        )
    seen: dict[int, int] = {}
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        _hierarchy(out, frame, f, ctx.file)
        out["date_start"], out["date_end"] = periods(frame, f["time_period"], ctx.file)
        parts = _breakdown(frame, f)
        if parts is not None:
            out["breakdown"] = parts
        if currency:
            out["currency"] = currency
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        if "tweet_status" in f:
            out["extra:tweet_status"] = text(frame, f["tweet_status"])
        if "publish_date" in f:
            out["extra:tweet_published_at"] = publish_times(frame, f["publish_date"], ctx.file)
        _check_unique(out, frame, f, ctx.file, seen)
        yield Chunk("ad_days", account, out)


FORMAT = ExportFormat(
    name="x_ads_tweets_xlsx",
    platform=PLATFORM,
    title=N_("X Ads – promoted tweets report (.xlsx)"),
    how_to=N_(
        "ads.x.com (ads.twitter.com) → Campaigns → choose the date range → the Tweets (Ads) "
        "tab → Export → Excel."
    ),
    columns=COLUMNS,
    required=("time_period", "campaign_id", "ad_group_id", "tweet_id", "impressions", "spend"),
    read=read,
    extensions=(".xlsx",),
    file_pattern=r"\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}",
)
