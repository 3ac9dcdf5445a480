"""build_demo(): generate the organisation, write its exports, import them for real.

The demo goes through the same path as a user's files: every export is written into
<workspace>/exports in the platform's own format and then imported by the real importers
(detection included). The true effects are stored as the workspace fact "demo.truth" and in
exports/TRUTH.json. The same seed and end date give byte-identical files, so building twice
imports nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import select

from socialdesk.demo.messages import generate_messages
from socialdesk.demo.organisation import DEFAULT_END, rng_for
from socialdesk.demo.plan import FILE_NAME as PLAN_FILE
from socialdesk.demo.plan import plan_yaml
from socialdesk.demo.truth import FACT_KEY, build_truth, dumps
from socialdesk.demo.world import World, generate_world
from socialdesk.demo.writers import WRITERS, ExportFile, write_all
from socialdesk.errors import ConfigError, SocialdeskError
from socialdesk.importers.runner import FileReport, Importer
from socialdesk.model import Account, WorkspaceFact
from socialdesk.store import open_workspace, session_scope, upsert
from socialdesk.store.session import WorkspaceHandle

OK_STATUSES = ("imported", "unchanged")


class DemoImportFailed(SocialdeskError):
    """A demo export did not import: the demo and an importer disagree about a format."""

    def __init__(self, failed: Sequence[FileReport]) -> None:
        self.failed = list(failed)
        lines = [f"{len(self.failed)} demo export file(s) did not import:"]
        lines += [f"  {r.file}: {r.status}: {r.error}" for r in self.failed]
        lines.append("The demo writes each platform's own format; please report this as a bug.")
        super().__init__("\n".join(lines))


@dataclass
class DemoResult:
    folder: Path
    files: list[Path]
    reports: list[FileReport]
    truths: dict[str, Any] = field(default_factory=dict)


def _check_same_demo(handle: WorkspaceHandle, seed: int, end: dt.date) -> None:
    """Refuse to mix two different demos (or a demo and real data) in one workspace."""
    with session_scope(handle.engine) as session:
        value = session.scalar(
            select(WorkspaceFact.value).where(
                WorkspaceFact.workspace_id == handle.workspace_id, WorkspaceFact.key == FACT_KEY
            )
        )
    if not value:
        return
    org = value.get("organisation", {})
    if (org.get("seed"), org.get("end")) != (seed, end.isoformat()):
        raise ConfigError(
            f"{handle.folder} already holds the demo built with seed {org.get('seed')} ending "
            f"{org.get('end')}; build seed {seed} ending {end} in a new workspace folder."
        )


def _store_truth(handle: WorkspaceHandle, truth: dict[str, Any]) -> None:
    row = {"workspace_id": handle.workspace_id, "key": FACT_KEY, "value": truth}
    with session_scope(handle.engine) as session:
        upsert(session, WorkspaceFact.__table__, [row], keys=("workspace_id", "key"))


def _import(
    handle: WorkspaceHandle, files: Sequence[ExportFile], progress: Progress, task: TaskID
) -> list[FileReport]:
    importer = Importer(handle.engine, handle.workspace_id, imported_by="socialdesk demo")
    reports: list[FileReport] = []

    def group_key(f: ExportFile) -> tuple[str, str, dt.date]:
        return f.platform, f.account, f.as_of

    for (_platform, account, as_of), group in groupby(files, key=group_key):
        paths = [f.path for f in group]
        progress.update(task, description=f"Importing {paths[0].parent.name}")
        reports += importer.import_paths(paths, account=account, as_of=as_of)
        progress.advance(task, len(paths))
    return reports


def write_exports(
    folder: Path, seed: int = 7, end: dt.date = DEFAULT_END, progress: Progress | None = None
) -> tuple[World, list[ExportFile]]:
    """Generate the world and write its export files into `folder` (nothing is imported),
    with the demo's marketing plan as plan.yaml next to them."""
    if progress is not None:
        progress.add_task(
            f"Generated Stichting Groen Dak (seed {seed}, year to {end})", total=1, completed=1
        )
    world = generate_world(seed, end)
    task = progress.add_task("Writing exports", total=len(WRITERS)) if progress else None
    files: list[ExportFile] = []
    for label, written in write_all(world, folder):
        files += written
        if progress is not None and task is not None:
            progress.update(task, description=f"Wrote {label}", advance=1)
    # a year of comments on the Facebook page, with their true labels (the inbox)
    message_files, message_truth = generate_messages(
        rng_for(seed, "messages"), world.org, end, folder / "inbox"
    )
    files += message_files
    world.message_truth = message_truth
    # the marketing plan, naming the campaigns the ad exports above hold (not imported)
    campaigns = [camp for camp, _days in world.campaigns]
    (folder / PLAN_FILE).write_text(
        plan_yaml(world.org, world.period, campaigns, seed), encoding="utf-8"
    )
    return world, files


def _stored_accounts(handle: WorkspaceHandle) -> dict[str, list[str]]:
    with session_scope(handle.engine) as session:
        rows = session.execute(
            select(Account.platform, Account.handle)
            .where(Account.workspace_id == handle.workspace_id)
            .order_by(Account.platform, Account.handle)
        ).all()
    out: dict[str, list[str]] = {}
    for platform, name in rows:
        out.setdefault(platform, []).append(name)
    return out


def build_demo(
    folder: Path,
    *,
    seed: int = 7,
    console: Console | None = None,
    end: dt.date = DEFAULT_END,
    url: str | None = None,
    strict: bool = True,
) -> DemoResult:
    """Build the demo organisation for `seed` (a year ending on `end`) into `folder`.

    `url` points the workspace at another database (e.g. PostgreSQL). With `strict`, any
    file that does not import raises DemoImportFailed and no truth is stored.
    """
    handle = open_workspace(folder, url=url)
    try:
        _check_same_demo(handle, seed, end)
        exports = handle.folder / "exports"
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console or Console(quiet=True)) as progress:
            world, files = write_exports(exports, seed, end, progress)
            task = progress.add_task("Importing", total=len(files))
            reports = _import(handle, files, progress, task)
            progress.update(task, description="Imported")
        failed = [r for r in reports if r.status not in OK_STATUSES]
        if failed and strict:
            raise DemoImportFailed(failed)
        truth = build_truth(world, files, exports, _stored_accounts(handle))
        truth["messages"] = world.message_truth
        truth = json.loads(dumps(truth))
        (exports / "TRUTH.json").write_text(dumps(truth), encoding="utf-8")
        _store_truth(handle, truth)
    finally:
        handle.engine.dispose()
    return DemoResult(handle.folder, [f.path for f in files], reports, truth)
