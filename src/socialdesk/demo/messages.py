"""The demo's inbox: a year of Dutch and English comments with true labels and true reply times.

    files, truth = generate_messages(rng, organisation, end, folder)

writes one Meta Graph API comments file (JSON, the shape `meta_graph_comments_json` reads)
per month into `folder`, imported with account = the Facebook page's name, and returns the
truth the inbox must recover:
- every message's true sentiment and intent (truth["labels"]: external id -> [sentiment,
  intent]); the team "labels" some of them in tests by copying these;
- the true answer rate and the true median minutes to a first answer inside and outside
  business hours (answers are drawn from log-normal distributions with those medians);
- one planted crisis: a day on which complaints about refunds (#terugbetaling) flood in.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from socialdesk.demo.organisation import Organisation
    from socialdesk.demo.writers.base import ExportFile

TIMEZONE = "Europe/Amsterdam"
PER_DAY = 6.0  # mean comments a day
ANSWER_RATE = 0.85
MEDIAN_MINUTES_INSIDE = 45.0
MEDIAN_MINUTES_OUTSIDE = 14 * 60.0
CRISIS_EXTRA = 25  # extra negative refund messages on the crisis day

# (language, sentiment, intent) -> texts; {x} is filled with a topic word
_TEXTS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("nl", "negative", "complaint"): (
        "Al twee weken wacht ik op mijn {x}, nog steeds niets ontvangen. Belachelijk.",
        "Mijn {x} is kapot aangekomen, heel teleurstellend.",
        "Ik heb al drie keer gebeld over mijn {x} en nog steeds geen antwoord!",
        "Waardeloze service, de {x} werkt niet en niemand reageert.",
        "Waarom is mijn {x} weer vertraagd? Dit is de tweede keer.",
    ),
    ("en", "negative", "complaint"): (
        "Still no answer about my {x} after two weeks. Really disappointed.",
        "My {x} arrived broken, terrible experience.",
        "This is the third time I ask about my {x}, no reply at all!",
    ),
    ("nl", "neutral", "question"): (
        "Wanneer komt de nieuwe {x} uit?",
        "Hoe lang duurt de levering van een {x}?",
        "Kan ik een {x} ook ophalen in Utrecht?",
        "Is de {x} geschikt voor een plat dak?",
    ),
    ("en", "neutral", "question"): (
        "When will the {x} be available again?",
        "Do you ship the {x} to Belgium?",
        "How do I install the {x} on a flat roof?",
    ),
    ("nl", "positive", "praise"): (
        "Wat een mooi initiatief, bedankt!",
        "Mijn {x} staat er prachtig bij, top gedaan!",
        "Super blij met de {x}, dank jullie wel 💚",
        "Geweldige vrijwilligersdag, chapeau!",
    ),
    ("en", "positive", "praise"): (
        "Love the {x}, thank you so much!",
        "Great work on the volunteer day, amazing team 👏",
    ),
    ("nl", "neutral", "lead"): (
        "Wat kost een {x} voor een dak van 40 m2?",
        "Wij willen als bedrijf samenwerken, met wie kan ik bellen?",
        "Hoeveel kost een lidmaatschap?",
    ),
    ("en", "neutral", "lead"): ("How much does a {x} cost for a school roof?",),
    ("nl", "negative", "human"): (
        "Ik wil een medewerker spreken over mijn {x}, niet weer een standaardantwoord.",
    ),
    ("nl", "neutral", "spam"): (
        "Gratis volgers! Check my bio https://spam.example https://more.example",
    ),
}
_TOPICS = {
    "nl": ("sedummat", "insectenhotel", "zaadmix", "bestelling", "donatie"),
    "en": ("sedum mat", "insect hotel", "seed mix", "order", "donation"),
}
_MIX = [  # (language, sentiment, intent, weight)
    ("nl", "negative", "complaint", 0.22),
    ("en", "negative", "complaint", 0.05),
    ("nl", "neutral", "question", 0.22),
    ("en", "neutral", "question", 0.06),
    ("nl", "positive", "praise", 0.22),
    ("en", "positive", "praise", 0.05),
    ("nl", "neutral", "lead", 0.08),
    ("en", "neutral", "lead", 0.02),
    ("nl", "negative", "human", 0.04),
    ("nl", "neutral", "spam", 0.04),
]
_NAMES = (
    "Anna de Vries",
    "Sem Jansen",
    "Fleur Bakker",
    "Daan Visser",
    "Noor Smit",
    "Lucas Mulder",
    "Emma de Boer",
    "Tim Dekker",
    "Sophie Peters",
    "Jesse Hendriks",
    "Olivia Brown",
    "Liam Smith",
)
_REPLIES = {
    "nl": "Dank voor je bericht, {name}! We kijken ernaar en laten snel iets weten.",
    "en": "Thanks for your message, {name}! We're looking into it.",
}
_TEAM = ("anna", "bram", "chris")


def _inside(ts: dt.datetime) -> bool:
    import pandas as pd

    local = pd.Timestamp(ts).tz_localize("UTC").tz_convert(TIMEZONE)
    return local.day_of_week < 5 and 9 <= local.hour < 17


def generate_messages(
    rng: np.random.Generator,
    organisation: Organisation,
    end: dt.date,
    folder: Path,
    *,
    days: int = 365,
) -> tuple[list[ExportFile], dict[str, Any]]:
    """Write the demo's comments (Meta Graph JSON, one file a month) and return (files, truth).

    `files` are ExportFile(path, "facebook", as_of, page name) for the demo's importer.
    """
    from socialdesk.demo.writers.base import ExportFile

    page = organisation.handle("facebook")
    page_id = "1090000000000001"
    start = end - dt.timedelta(days=days - 1)
    crisis_day = start + dt.timedelta(days=int(rng.integers(days // 3, days - 30)))
    weights = np.array([w for *_k, w in _MIX])
    weights = weights / weights.sum()
    labels: dict[str, list[str]] = {}
    by_month: dict[tuple[int, int], list[dict[str, Any]]] = {}
    answered = inside_n = outside_n = 0
    serial = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        n = int(rng.poisson(PER_DAY))
        kinds = [_MIX[int(i)][:3] for i in rng.choice(len(_MIX), size=n, p=weights)]
        if day == crisis_day:
            kinds += [("nl", "negative", "complaint")] * CRISIS_EXTRA
        for lang, sentiment, intent in kinds:
            serial += 1
            post = f"{page_id}_{7000 + offset // 3}"
            cid = f"{post}_{serial}"
            minute = int(rng.integers(7 * 60, 23 * 60))
            at = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute - 60)  # ~UTC
            template = str(rng.choice(_TEXTS[(lang, sentiment, intent)]))
            text = template.format(x=str(rng.choice(_TOPICS[lang])))
            if day == crisis_day and intent == "complaint" and lang == "nl":
                text = "Waar blijft mijn terugbetaling? Al weken gewacht, schandalig #terugbetaling"
            name = str(rng.choice(_NAMES))
            author_id = str(5_000_000 + _NAMES.index(name) * 17 + int(rng.integers(0, 17)))
            comment = {
                "id": cid,
                "message": text,
                "created_time": at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "from": {"name": name, "id": author_id},
            }
            by_month.setdefault((day.year, day.month), []).append(comment)
            labels[cid] = [sentiment, intent]
            if intent == "spam" or rng.random() > ANSWER_RATE:
                continue
            inside = _inside(at)
            median = MEDIAN_MINUTES_INSIDE if inside else MEDIAN_MINUTES_OUTSIDE
            wait = float(np.exp(np.log(median) + 0.6 * rng.standard_normal()))
            reply_at = at + dt.timedelta(minutes=wait)
            answered += 1
            inside_n += inside
            outside_n += not inside
            by_month.setdefault((reply_at.year, reply_at.month), []).append(
                {
                    "id": f"{cid}_r",
                    "message": _REPLIES[lang].format(name=name.split()[0]),
                    "created_time": reply_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    "from": {"name": page, "id": page_id},
                    "parent": {"id": cid},
                }
            )
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for (year, month), comments in sorted(by_month.items()):
        path = folder / f"facebook_comments_{year}-{month:02d}.json"
        path.write_text(
            json.dumps({"data": comments, "paging": {}}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        files.append(ExportFile(path, "facebook", end, page))
    truth = {
        "messages": len(labels),
        "labels": labels,
        "answer_rate": ANSWER_RATE,
        "answer_rate_excludes": "spam",
        "median_first_response_minutes": {
            "inside": MEDIAN_MINUTES_INSIDE,
            "outside": MEDIAN_MINUTES_OUTSIDE,
        },
        "business_hours": "Mon-Fri 09:00-17:00 Europe/Amsterdam",
        "crisis": {"day": crisis_day.isoformat(), "topic": "#terugbetaling", "extra": CRISIS_EXTRA},
        "answered": answered,
        "answered_inside": inside_n,
        "answered_outside": outside_n,
    }
    return files, truth


__all__ = ["generate_messages"]
