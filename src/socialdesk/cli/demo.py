"""socialdesk demo: build (and later serve) the demo organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from socialdesk.cli.console import WorkspaceOpt, console, resolve_workspace, triage_new_messages


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    workspace: WorkspaceOpt = None,
    seed: Annotated[int, typer.Option(help="Random seed of the generated organisation.")] = 7,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the workspace only; do not serve it.")
    ] = False,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Serve, but do not open a browser.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the cockpit on 127.0.0.1.")] = 8765,
) -> None:
    """Build a realistic demo organisation from a seed, through the real importers."""
    from socialdesk.demo import build_demo

    if not no_serve:  # before the build: a port in use should not cost the wait
        from socialdesk.cli.serve import check_port_or_exit

        check_port_or_exit("127.0.0.1", port, "socialdesk demo")
    folder = resolve_workspace(workspace)
    result = build_demo(folder, seed=seed, console=console)
    triaged = triage_new_messages(result.folder)
    if triaged:
        console.print(f"Triaged {triaged:,} comments and messages for the inbox.")
    if _save_demo_plan(result.folder):
        console.print("Saved the demo's marketing plan (exports/plan.yaml) as version 1.")
    console.print(f"Demo workspace ready in [bold]{escape(str(result.folder))}[/]")
    if not no_serve:
        from socialdesk.cli.serve import run_server

        run_server(
            result.folder,
            host="127.0.0.1",
            port=port,
            open_browser=not no_browser,
            command="socialdesk demo",
        )


def _save_demo_plan(folder: Path) -> bool:
    """The demo's marketing plan as the workspace's first version, unless it has a plan."""
    from socialdesk.marketing import run
    from socialdesk.marketing.plan import from_yaml
    from socialdesk.store import open_workspace, session_scope

    path = folder / "exports" / "plan.yaml"
    if not path.is_file():
        return False
    handle = open_workspace(folder)
    with session_scope(handle.engine) as s:
        if run.current_plan(s, handle.workspace_id)[0]:
            return False
        plan = from_yaml(path.read_text(encoding="utf-8"))
        run.save_plan(s, handle.workspace_id, plan, "demo", "the demo organisation's plan")
    return True
