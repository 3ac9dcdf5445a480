"""socialdesk audit: the five-skills scorecard (issue #16, docs/audit.md).

Calls the audit's seam (socialdesk.audit.run) once and prints a table per skill: each check's
points, or "not judged", with its evidence, and the skill's three most valuable next steps;
with `--json` the result through `print_json`, the serializer of the web's `.json` twins.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    parse_day,
    print_json,
    workspace_session,
)

Lang = Annotated[str, typer.Option(help="Language of the scorecard: nl or en.")]
Today = Annotated[
    str | None, typer.Option(help="Judge as of this day, YYYY-MM-DD (default: today).")
]


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)


def audit_command(
    workspace: WorkspaceOpt = None,
    lang: Lang = "en",
    today: Today = None,
    as_json: JsonOpt = False,
) -> None:
    """Rate the five skills of the social media work from the workspace's own data: visual,
    empathy, advertising, online marketing and analytics, each with its evidence and the
    three most valuable next steps."""
    from socialdesk import i18n
    from socialdesk.audit import run

    locale = i18n.normalise(lang) or "en"
    with workspace_session(workspace) as (session, ws):
        result = run.audit(session, ws, today=parse_day(today, "--today"))
    if as_json:
        print_json(result)
        return
    _ = i18n.translations(locale).gettext
    fmt = i18n.formats(locale)
    not_judged = _("Not judged")
    for skill in result.skills:
        score = not_judged if skill.score is None else fmt.number(skill.score)
        table = Table(
            title=f"{escape(skill.title.say(_, fmt))}: {score} · "
            f"{escape(skill.level_words.say(_, fmt))}",
            title_justify="left",
        )
        table.add_column(_("Check"))
        table.add_column(_("Points"), justify="right")
        table.add_column(_("Evidence"))
        for check in skill.checks:
            points = (
                not_judged
                if check.points is None
                else f"{fmt.decimal(check.points, 1)} / {fmt.number(check.possible)}"
            )
            table.add_row(
                escape(check.title.say(_, fmt)), points, escape(check.evidence.say(_, fmt))
            )
        console.print(table)
        for i, step in enumerate(skill.next_steps, 1):
            console.print(f"  {i}. {escape(step.say(_, fmt))}")
        console.print()
