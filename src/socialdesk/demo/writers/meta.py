"""Meta's exports: Business Suite posts (Facebook in the Dutch UI, Instagram in English) and
Ads Manager delivery per ad per day.

Bytes as Meta writes them: UTF-8 with a BOM, LF, a field quoted when it holds a space,
comma, quote or line break (header cells too), captions with real line breaks. Publish time
is MM/DD/YYYY HH:MM even in the Dutch UI; "Datum"/"Date" says Looptijd/Lifetime. The Ads
Manager file carries the currency only in "Amount spent (EUR)" and unrounded rates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from socialdesk.demo.fileformats import csv_text, integer, trimmed, write_text
from socialdesk.demo.organisation import rng_for
from socialdesk.demo.world import World, increasing_ids
from socialdesk.demo.writers.base import ID_ALPHABET, ExportFile, mon_dd_yyyy, records

FB_HEADER = (
    "Bericht-ID",
    "Pagina-ID",
    "Naam van pagina",
    "Titel",
    "Omschrijving",
    "Duur (sec.)",
    "Publicatietijdstip",
    "Type onderschrift",
    "Permalink",
    "Is gecrosspost",
    "Is een gedeeld bericht",
    "Berichttype",
    "Talen",
    "Aangepaste labels",
    "Status gefinancierde content",
    "Opmerking data",
    "Datum",
    "Weergaven",
    "Bereik",
    "Reacties, opmerkingen en deelacties",
    "Reacties",
    "Opmerkingen",
    "Deelacties",
    "Totaal aantal klikken",
    "Consumptie overeenkomend met doelgroeptargeting (Photo Click)",
    "Overige klikken",
    "Negatieve feedback van gebruikers: Alles verbergen",
)
FB_TYPES = {
    "photo": "Foto's",
    "video": "Video's",
    "reel": "Reels",
    "link": "Links",
    "text": "Tekst",
}
IG_HEADER = (
    "Post ID",
    "Account ID",
    "Account username",
    "Account name",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Permalink",
    "Post type",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Shares",
    "Follows",
    "Comments",
    "Saves",
)
IG_TYPES = {"photo": "IG image", "carousel": "IG carousel", "reel": "IG reel"}
ADS_HEADER = (
    "Reporting starts",
    "Reporting ends",
    "Campaign name",
    "Campaign ID",
    "Ad set name",
    "Ad set ID",
    "Ad name",
    "Ad ID",
    "Objective",
    "Delivery status",
    "Delivery level",
    "Reach",
    "Impressions",
    "Frequency",
    "Attribution setting",
    "Result Type",
    "Results",
    "Amount spent (EUR)",
    "Cost per result",
    "Starts",
    "Ends",
    "Link clicks",
    "CPC (cost per link click)",
    "CPM (cost per 1,000 impressions)",
    "CTR (all)",
    "Clicks (all)",
    "Purchases conversion value",
)


def _token(rng: np.random.Generator, n: int) -> str:
    return "".join(ID_ALPHABET[i] for i in rng.integers(0, len(ID_ALPHABET), n))


def _meta_time(value: pd.Timestamp) -> str:
    return value.strftime("%m/%d/%Y %H:%M")


def _file_name(world: World, rng: np.random.Generator) -> str:
    start, end = world.period.start, world.period.end
    return f"{mon_dd_yyyy(start)}_{mon_dd_yyyy(end)}_{rng.integers(10**16, 10**17)}.csv"


def write_facebook(world: World, folder: Path) -> ExportFile:
    posts = world.posts["facebook"]
    rng = rng_for(world.seed, "write:facebook")
    page_id = str(rng.integers(10**14, 10**15))
    ids = increasing_ids(rng, len(posts), 1180000000000000, 4_000_000_000)
    rows: list[list[str]] = [list(FB_HEADER)]
    for i, p in enumerate(records(posts)):
        video = p.media_type in ("video", "reel")
        title, description = ("", p.text) if video else (p.text, "")
        clicks = p.photo_clicks + p.other_clicks + p.site_clicks
        rows.append(
            [
                ids[i],
                page_id,
                world.org.handle("facebook"),
                title,
                description,
                integer(p.duration),
                _meta_time(p.published_at),
                "N/A",
                f"https://www.facebook.com/stichtinggroendak/posts/pfbid0{_token(rng, 50)}",
                "1" if p.media_type == "reel" and rng.random() < 0.3 else "0",
                "0",
                FB_TYPES[p.media_type],
                "",
                "",
                "",
                "",
                "Looptijd",
                integer(p.exposure + p.repeat_views),
                integer(p.exposure),
                integer(p.interactions),
                integer(p.reactions),
                integer(p.comments),
                integer(p.shares),
                integer(clicks),
                integer(p.photo_clicks),
                integer(p.other_clicks + p.site_clicks),
                integer(p.negative_feedback) if p.negative_feedback else "",
            ]
        )
    path = folder / "facebook" / _file_name(world, rng)
    write_text(path, csv_text(rows, "meta"), bom=True)
    return ExportFile(path, "facebook", world.period.end, world.org.handle("facebook"))


def write_instagram(world: World, folder: Path) -> ExportFile:
    posts = world.posts["instagram"]
    rng = rng_for(world.seed, "write:instagram")
    account_id = str(rng.integers(17841400000000000, 17841499999999999))
    ids = increasing_ids(rng, len(posts), 18040000000000000, 90_000_000_000)
    rows: list[list[str]] = [list(IG_HEADER)]
    for i, p in enumerate(records(posts)):
        kind = "reel" if p.media_type == "reel" else "p"
        rows.append(
            [
                ids[i],
                account_id,
                world.org.handle("instagram"),
                world.org.name,
                p.text,
                integer(p.duration),
                _meta_time(p.published_at),
                f"https://www.instagram.com/{kind}/{_token(rng, 11)}/",
                IG_TYPES[p.media_type],
                "",
                "Lifetime",
                integer(p.exposure + p.repeat_views),
                integer(p.exposure),
                integer(p.likes),
                integer(p.shares),
                integer(p.follows),
                integer(p.comments),
                integer(p.saves),
            ]
        )
    path = folder / "instagram" / _file_name(world, rng)
    write_text(path, csv_text(rows, "meta"), bom=True)
    return ExportFile(path, "instagram", world.period.end, world.org.handle("instagram"))


def _ratio(a: float, b: float, places: int = 8, scale: float = 1.0) -> str:
    return trimmed(a / b * scale, places) if b else ""


def write_meta_ads(world: World, folder: Path) -> ExportFile:
    """Ads Manager → Reports → export with the Day breakdown, at ad level."""
    rows: list[list[str]] = [list(ADS_HEADER)]
    body = []
    end = world.period.end
    for camp, _ in world.campaigns:
        if camp.spec.platform != "meta_ads":
            continue
        ads = world.meta_ads[camp.name]
        status = "active" if camp.end >= end else "inactive"
        ends = "Ongoing" if camp.spec.window is None else camp.end.isoformat()
        sales = camp.spec.conversion_rate is not None
        for a in records(ads):
            day = a.date.isoformat()
            body.append(
                (
                    day,
                    camp.name,
                    a.ad_set,
                    a.ad,
                    [
                        day,
                        day,
                        camp.name,
                        camp.campaign_id,
                        a.ad_set,
                        a.ad_set_id,
                        a.ad,
                        a.ad_id,
                        camp.spec.objective,
                        status,
                        "ad",
                        integer(a.reach),
                        integer(a.impressions),
                        _ratio(a.impressions, a.reach),
                        "7-day click or 1-day view" if sales else "-",
                        camp.spec.result_type if a.results else "",
                        integer(a.results) if a.results else "",
                        trimmed(a.spend, 2),
                        _ratio(a.spend, a.results),
                        camp.start.isoformat(),
                        ends,
                        integer(a.link_clicks) if a.link_clicks else "",
                        _ratio(a.spend, a.link_clicks),
                        _ratio(a.spend, a.impressions, scale=1000),
                        _ratio(a.clicks_all, a.impressions, scale=100),
                        integer(a.clicks_all),
                        trimmed(a.conversion_value, 2) if sales else "",
                    ],
                )
            )
    body.sort(key=lambda r: r[:4])
    rows.extend(r[4] for r in body)
    start = world.period.start
    name = (
        f"Stichting-Groen-Dak-Ads-{start.day}-{mon_dd_yyyy(start)[:3]}-{start.year}"
        f"{end.day}-{mon_dd_yyyy(end)[:3]}-{end.year}.csv"
    )
    path = folder / "meta_ads" / name
    write_text(path, csv_text(rows, "meta"), bom=True)
    return ExportFile(path, "meta_ads", end, world.org.handle("meta_ads"))
