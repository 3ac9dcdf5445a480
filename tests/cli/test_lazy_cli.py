"""The command line imports a command's module only when it runs (issue #19 part 4)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from socialdesk.cli import COMMANDS


def test_the_table_matches_the_modules() -> None:
    """Every module's top-level commands are in COMMANDS with their module and first paragraph
    of help, and COMMANDS names no command that a module does not register."""
    found: dict[str, tuple[str, str]] = {}
    for module in sorted({m for m, _ in COMMANDS.values()}):
        holder = typer.Typer()
        importlib.import_module(f"socialdesk.cli.{module}").register(holder)
        for name, command in typer.main.get_group(holder).commands.items():
            found[name] = (module, " ".join((command.help or "").split("\n\n")[0].split()))
    assert found == COMMANDS


def test_help_and_classify_import_no_command_module() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from socialdesk.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0 and 'inbox' in r.output, r.output\n"
        "heavy = sorted(m for m in ('pandas', 'sqlalchemy', 'pydantic_settings', 'sklearn',"
        " 'socialdesk.cli.imports', 'socialdesk.cli.inbox') if m in sys.modules)\n"
        "print(heavy)\n"
        "r = CliRunner().invoke(app, ['inbox', '--help'])\n"
        "assert r.exit_code == 0 and 'classify' in r.output, r.output\n"
        "print(sorted(m for m in sys.modules if m.startswith('socialdesk.cli.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    first, second = done.stdout.splitlines()
    assert first == "[]"
    assert second == "['socialdesk.cli.console', 'socialdesk.cli.inbox']"
