"""The socialdesk command line (Typer + Rich)."""

from __future__ import annotations

import typer

from socialdesk.cli import demo as _demo
from socialdesk.cli import imports as _imports

app = typer.Typer(
    name="socialdesk",
    help="socialdesk: one cockpit for a social media manager's data, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_imports.register(app)
_demo.register(app)


def main() -> None:
    app()


__all__ = ["app", "main"]
