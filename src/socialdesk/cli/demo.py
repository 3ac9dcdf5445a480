"""socialdesk demo: build (and later serve) the demo organisation."""

from __future__ import annotations

from typing import Annotated

import typer

from socialdesk.cli.console import WorkspaceOpt, console, resolve_workspace


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    workspace: WorkspaceOpt = None,
    seed: Annotated[int, typer.Option(help="Random seed of the generated organisation.")] = 7,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the workspace only; do not serve it.")] = False,
) -> None:
    """Build a realistic demo organisation from a seed, through the real importers."""
    from socialdesk.demo import build_demo

    folder = resolve_workspace(workspace)
    result = build_demo(folder, seed=seed, console=console)
    console.print(f"Demo workspace ready in [bold]{result.folder}[/]")
