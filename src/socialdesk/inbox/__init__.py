"""Skill 2, empathy: one inbox that triages comments and messages and helps answer them well.

    from socialdesk.inbox import triage_text
    triage_text("Nog steeds geen antwoord op mijn mail!")
    # Triage(language='nl', sentiment='negative', intent='complaint', urgency=0.95, ...)

Modules: language, sentiment, intent (rules), triage (all of it, plus priority), learning
(the workspace's own model), sla (response figures), drafts (reply drafts and saved
replies), alerts (crisis alerts), audiences (who reacts how to what), queries (the database)
and workflow (jobs over a workspace).

The names below are imported from their module when first asked for, not with the package
(issue #19 part 4): `socialdesk inbox classify` needs triage alone, and alerts would bring
pandas and numpy, learning scikit-learn, for nothing (about 1.5 s and 70 MB).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialdesk.inbox.alerts import CrisisAlert, crisis_alerts
    from socialdesk.inbox.audiences import AudienceCell, audience_reactions
    from socialdesk.inbox.drafts import Draft, Tone, draft_reply, fill_saved_reply, first_name
    from socialdesk.inbox.intent import INTENTS, read_intent
    from socialdesk.inbox.language import detect_language
    from socialdesk.inbox.learning import LearntModel, TrainResult, ask_for_labels, train
    from socialdesk.inbox.sentiment import SENTIMENTS, read_sentiment
    from socialdesk.inbox.sla import BusinessHours, first_responses, response_report, sla_clocks
    from socialdesk.inbox.triage import (
        TRIAGE_COLUMNS,
        Triage,
        prioritise,
        priority,
        triage_frame,
        triage_text,
    )

# name -> the submodule that defines it
_WHERE = {
    "CrisisAlert": "alerts",
    "crisis_alerts": "alerts",
    "AudienceCell": "audiences",
    "audience_reactions": "audiences",
    "Draft": "drafts",
    "Tone": "drafts",
    "draft_reply": "drafts",
    "fill_saved_reply": "drafts",
    "first_name": "drafts",
    "INTENTS": "intent",
    "read_intent": "intent",
    "detect_language": "language",
    "LearntModel": "learning",
    "TrainResult": "learning",
    "ask_for_labels": "learning",
    "train": "learning",
    "SENTIMENTS": "sentiment",
    "read_sentiment": "sentiment",
    "BusinessHours": "sla",
    "first_responses": "sla",
    "response_report": "sla",
    "sla_clocks": "sla",
    "TRIAGE_COLUMNS": "triage",
    "Triage": "triage",
    "prioritise": "triage",
    "priority": "triage",
    "triage_frame": "triage",
    "triage_text": "triage",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its submodule on first use (then kept on the package).

    Any other name raises AttributeError, so `from socialdesk.inbox import run` still finds
    the submodule."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "INTENTS",
    "SENTIMENTS",
    "TRIAGE_COLUMNS",
    "AudienceCell",
    "BusinessHours",
    "CrisisAlert",
    "Draft",
    "LearntModel",
    "Tone",
    "TrainResult",
    "Triage",
    "ask_for_labels",
    "audience_reactions",
    "crisis_alerts",
    "detect_language",
    "draft_reply",
    "fill_saved_reply",
    "first_name",
    "first_responses",
    "prioritise",
    "priority",
    "read_intent",
    "read_sentiment",
    "response_report",
    "sla_clocks",
    "train",
    "triage_frame",
    "triage_text",
]
