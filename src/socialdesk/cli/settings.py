"""socialdesk settings: the workspace's settings, as the cockpit's /settings page has them.

socialdesk settings branding [--name N] [--logo FILE] [--remove-logo] [--primary #hex]
                             [--accent #hex] [--json]      (no options: show them)

The mail server and the report schedules: `socialdesk report mail-settings|schedule`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialdesk.cli.console import JsonOpt, WorkspaceOpt, console, err_console, print_json

settings_app = typer.Typer(
    help="The workspace's settings: how the reports present the organisation.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(settings_app, name="settings")


def _fail(message: str, code: int = 2) -> None:
    from rich.markup import escape

    err_console.print(f"[red]✗[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


@settings_app.command("branding")
def branding_command(
    workspace: WorkspaceOpt = None,
    name: Annotated[
        str | None, typer.Option(help="The organisation's name on the reports (1-120 characters).")
    ] = None,
    logo: Annotated[
        Path | None,
        typer.Option(
            help="A PNG or JPEG logo (at most 2 MB; stored shrunk to 600x200 px as PNG).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    remove_logo: Annotated[bool, typer.Option("--remove-logo", help="Remove the logo.")] = False,
    primary: Annotated[
        str | None,
        typer.Option(help="Main colour, #rrggbb: the headings (at least 4.5:1 on white)."),
    ] = None,
    accent: Annotated[str | None, typer.Option(help="Accent colour, #rrggbb.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The organisation's name, logo and colours on the reports; without options, shows them."""
    from socialdesk.cli.console import workspace_session
    from socialdesk.reports import branding

    data: bytes | None = None
    if logo is not None:
        if logo.stat().st_size > branding.MAX_LOGO_UPLOAD:
            _fail(f"{logo}: larger than 2 MB. Export it smaller and try again.")
        data = logo.read_bytes()
    changing = remove_logo or any(v is not None for v in (name, data, primary, accent))
    with workspace_session(workspace) as (session, ws):
        try:
            if changing:
                got = branding.save(
                    session,
                    ws,
                    name=name,
                    logo=data,
                    remove_logo=remove_logo,
                    primary=primary,
                    accent=accent,
                )
            else:
                got = branding.load(session, ws)
        except branding.BrandingError as exc:
            session.rollback()
            _fail(str(exc))
    if as_json:
        print_json(
            {
                "name": got.name,
                "logo": got.logo is not None,
                "logo_bytes": len(got.logo) if got.logo else 0,
                "primary": got.primary,
                "accent": got.accent,
            }
        )
        return
    if changing:
        console.print("[green]✓[/] branding saved")
    console.print(f"name:    {got.name}", markup=False, highlight=False)
    shown = f"PNG, {len(got.logo):,} bytes" if got.logo else "none"
    console.print(f"logo:    {shown}", markup=False, highlight=False)
    console.print(f"primary: {got.primary}", markup=False, highlight=False)
    console.print(f"accent:  {got.accent}", markup=False, highlight=False)
