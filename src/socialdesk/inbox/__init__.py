"""Skill 2, empathy: one inbox that triages comments and messages and helps answer them well.

    from socialdesk.inbox import triage_text
    triage_text("Nog steeds geen antwoord op mijn mail!")
    # Triage(language='nl', sentiment='negative', intent='complaint', urgency=0.95, ...)

Modules: language, sentiment, intent (rules), triage (all of it, plus priority), learning
(the workspace's own model), sla (response figures), drafts (reply drafts and saved
replies), alerts (crisis alerts), audiences (who reacts how to what), queries (the database)
and workflow (jobs over a workspace).
"""

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
