"""A small, fully known workspace for the page tests: every figure below is checkable by hand.

Facebook page "Stichting Voorbeeld": 120 days of account figures up to END, growing by a
fixed amount per day; Instagram "@voorbeeld": only the last 20 days (an incomplete period);
two ad accounts in EUR and USD; posts with texts that try to inject HTML.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert

from socialdesk.model import Account, AccountDay, AdDay, Campaign, Post, PostMetrics
from socialdesk.store.rollups import refresh_accounts
from socialdesk.store.session import session_scope

END = dt.date(2026, 11, 20)
XSS_TEXT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
XSS_NAME = "<b>Bold</b> & Co"


def seed(engine: Engine, workspace_id: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    with session_scope(engine) as s:

        def account(
            key: str, platform: str, handle: str, name: str | None, currency: str | None = None
        ) -> int:
            acc = Account(
                workspace_id=workspace_id,
                platform=platform,
                handle=handle,
                name=name,
                currency=currency,
                timezone="Europe/Amsterdam",
            )
            s.add(acc)
            s.flush()
            ids[key] = acc.id
            return acc.id

        fb = account("fb", "facebook", "voorbeeld", "Stichting Voorbeeld", "EUR")
        ig = account("ig", "instagram", "@voorbeeld", XSS_NAME)
        ads_eur = account("ads_eur", "meta_ads", "act_1", "Ads NL", "EUR")
        ads_usd = account("ads_usd", "meta_ads", "act_2", "Ads US", "USD")

        days = []
        for i in range(120):  # END-119 .. END
            day = END - dt.timedelta(days=119 - i)
            days.append(
                {
                    "account_id": fb,
                    "date": day,
                    "followers": 1000.0 + i,
                    "reach": 100.0 + i,
                    "impressions": 200.0,
                    "engagements": 10.0,
                    "clicks": None,
                }
            )
        for i in range(20):
            day = END - dt.timedelta(days=19 - i)
            days.append(
                {
                    "account_id": ig,
                    "date": day,
                    "followers": 500.0,
                    "reach": 50.0,
                    "impressions": 80.0,
                    "engagements": 5.0,
                    "clicks": 1.0,
                }
            )
        s.execute(insert(AccountDay), days)

        posts = []
        texts = [
            XSS_TEXT,
            XSS_ATTR,
            "Bomen planten in Utrecht #groen",
            '=HYPERLINK("http://x")',
            "Vrijwilligers gezocht",
            None,
        ]
        media = ["photo", "video", "link", "text", "reel", "photo"]
        for i in range(30):
            posts.append(
                {
                    "account_id": fb if i % 3 else ig,
                    "external_id": f"p{i}",
                    "published_at": dt.datetime.combine(
                        END - dt.timedelta(days=i * 3), dt.time(9, 30)
                    ),
                    "text": texts[i % len(texts)],
                    "media_type": media[i % len(media)],
                    "permalink": "javascript:alert(1)" if i == 1 else f"https://example.org/p{i}",
                }
            )
        s.execute(insert(Post), posts)
        post_ids = {
            p.external_id: p.id for p in s.query(Post).filter(Post.account_id.in_([fb, ig]))
        }
        ids.update({f"post_{k}": v for k, v in post_ids.items()})
        snaps = []
        for i in range(30):
            pid = post_ids[f"p{i}"]
            # an older snapshot and a newer one: the newer must win everywhere
            snaps.append(
                {
                    "post_id": pid,
                    "as_of": END - dt.timedelta(days=10),
                    "reach": 10.0 * i,
                    "impressions": 20.0 * i,
                    "engagements": 1.0 * i,
                    "clicks": 1.0,
                }
            )
            snaps.append(
                {
                    "post_id": pid,
                    "as_of": END,
                    "reach": 100.0 + i,
                    "impressions": 300.0 + i,
                    "engagements": 10.0 + 2 * i,
                    "clicks": None if i == 0 else float(i),
                }
            )
        s.execute(insert(PostMetrics), snaps)

        for key, acc, cur in (("eur", ads_eur, "EUR"), ("usd", ads_usd, "USD")):
            camp = Campaign(account_id=acc, key=f"c-{key}", name=f"Campaign {key}")
            s.add(camp)
            s.flush()
            rows = []
            for i in range(60):
                day = END - dt.timedelta(days=59 - i)
                rows.append(
                    {
                        "campaign_id": camp.id,
                        "grain": "campaign",
                        "date_start": day,
                        "date_end": day,
                        "currency": cur,
                        "spend": 10.0,
                        "ad_id": None,
                        "ad_set_id": None,
                        "breakdown": None,
                    }
                )
                # ad-level rows of the same campaign must not be added on top
                rows.append(
                    {
                        "campaign_id": camp.id,
                        "grain": "ad:x",
                        "date_start": day,
                        "date_end": day,
                        "currency": cur,
                        "spend": 10.0,
                        "ad_id": None,
                        "ad_set_id": None,
                        "breakdown": "age=25-34",
                    }
                )
            s.execute(insert(AdDay), rows)
        # written here, not imported: keep what the store derives from these rows
        refresh_accounts(s, ids.values())
    return ids
