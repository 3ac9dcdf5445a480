"""The five-skills audit as a report for stakeholders (issue #16, docs/audit.md).

`audit_report(session, workspace_id, lang, today=...)` runs the audit's seam
(`socialdesk.audit.run.audit`) and returns an `AuditReport`: the audit itself and three to five
opening sentences (the strongest and the weakest skill, then the most valuable next steps over
all five skills, each worth the points it would gain). `render.audit_html` lays it out with
one section per skill: its score, its checks with their points and evidence, its next steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from socialdesk.audit import run as audit_run
from socialdesk.audit.scorecard import Audit
from socialdesk.phrases import Join, Num, Phrase
from socialdesk.reports.monthly import organisation_name

MOST = 5
STEPS = 3


@dataclass(frozen=True)
class AuditReport:
    organisation: str
    lang: str
    made_on: dt.date
    headline: tuple[Phrase, ...]
    audit: Audit
    branding: Any = field(default=None, metadata={"json": False})

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(s.skill for s in self.audit.skills)


def audit_headline(audit: Audit) -> tuple[Phrase, ...]:
    """The strongest and weakest judged skill, the skills not judged, then the checks whose
    next step gains the most points, over all skills."""
    judged = [s for s in audit.skills if s.score is not None]
    out: list[Phrase] = []
    if judged:
        best = max(judged, key=lambda s: s.score or 0.0)
        worst = min(judged, key=lambda s: s.score or 0.0)
        if best is worst:
            out.append(
                Phrase(
                    "Of the five skills only %(skill)s could be judged: %(score)s of 100.",
                    skill=best.title,
                    score=Num(best.score or 0.0, ",.0f"),
                )
            )
        else:
            out.append(
                Phrase(
                    "The strongest of the five skills is %(best)s (%(best_score)s of 100), the "
                    "one with the most room %(worst)s (%(worst_score)s).",
                    best=best.title,
                    best_score=Num(best.score or 0.0, ",.0f"),
                    worst=worst.title,
                    worst_score=Num(worst.score or 0.0, ",.0f"),
                )
            )
    missing = [s.title for s in audit.skills if s.score is None]
    if missing:
        out.append(
            Phrase(
                "Not judged, for want of data: %(skills)s.",
                skills=Join.of(missing),
            )
        )
    ranked = sorted(
        (
            (c.gain, s.title, c.next_step)
            for s in audit.skills
            for c in s.checks
            if c.next_step is not None and c.gain > 0
        ),
        key=lambda t: -t[0],
    )
    room = max(1, min(STEPS, MOST - len(out)))
    for _gain, skill, step in ranked[:room]:
        out.append(Phrase("%(skill)s: %(step)s", skill=skill, step=step))
    if not ranked:
        out.append(Phrase("Every judged check has its points: no next step."))
    return tuple(out[:MOST])


def audit_report(
    session: Session,
    workspace_id: int,
    lang: str,
    *,
    today: dt.date | None = None,
    organisation: str | None = None,
    branding: Any = None,
) -> AuditReport:
    """The audit as of `today` (default: the real today) as a report in `lang`."""
    found = audit_run.audit(session, workspace_id, today=today)
    return AuditReport(
        organisation=organisation or organisation_name(session, workspace_id),
        lang=lang,
        made_on=dt.date.today(),
        headline=audit_headline(found),
        audit=found,
        branding=branding,
    )
