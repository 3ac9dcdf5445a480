"""Imports: upload export files or zips, see each file's result, and the import history."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from socialdesk.i18n import N_, gettext
from socialdesk.importers import run
from socialdesk.importers.runner import FileReport, Importer
from socialdesk.web.deps import (
    ConfigDep,
    CsrfDep,
    Editor,
    LocaleDep,
    SessionDep,
    Viewer,
    WebConfig,
    WorkspaceDep,
    is_htmx,
    render,
    render_json,
)
from socialdesk.web.exports import Column, Table
from socialdesk.web.pages import View, page

router = APIRouter()

MAX_FILES = 50


def _view(
    session: Session,
    ws: int,
    config: WebConfig,
    locale: str,
    can_upload: bool,
    results: list[FileReport] | None = None,
    error: str | None = None,
) -> View:
    """The seam's history and formats, with the upload form's state (the HTML's only)."""
    return View(
        run.imports(session, ws, translate=lambda m: gettext(locale, m)),
        can_upload=can_upload,
        max_upload_mb=config.max_upload_bytes // (1024 * 1024),
        results=results,
        error=error,
    )


def _history_tables(result: run.ImportsResult, locale: str) -> list[Table]:
    titles = result.format_titles
    rows = (
        (
            b.started_at,
            b.filename,
            titles.get(b.format, b.format),
            b.rows_read,
            b.rows_added,
            b.rows_updated,
            b.imported_by,
        )
        for b in result.history
    )
    columns = (
        Column("when", N_("When")),
        Column("file", N_("File")),
        Column("format", N_("Format")),
        Column("rows", N_("Rows")),
        Column("added", N_("Added")),
        Column("updated", N_("Updated")),
        Column("by", N_("By")),
    )
    return [Table("history", N_("Import history"), columns, rows)]


@page(router, "/imports", "imports/index.html", name="imports", tables=_history_tables)
def imports(
    session: SessionDep, ws: WorkspaceDep, config: ConfigDep, locale: LocaleDep, who: Viewer
) -> View:
    """The workspace's last imported files and the formats socialdesk reads (/imports,
    /imports.json; POST /imports answers with each file's result)."""
    return _view(session, ws, config, locale, who.can("editor"))


def safe_filename(name: str) -> str:
    """The last part of an uploaded file's name, without anything a path could use."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ()\[\]]+", "_", base).strip(" .")
    return base[:200] or "upload"


@router.post("/imports", name="imports_upload", dependencies=[CsrfDep])
async def upload(request: Request, session: SessionDep, config: ConfigDep, who: Editor) -> Response:
    length = int(request.headers.get("content-length") or 0)
    if length > config.max_upload_bytes:
        raise HTTPException(
            status_code=413, detail=N_("The upload is too large. Import the files in parts.")
        )
    form = await request.form(max_files=MAX_FILES, max_part_size=1024 * 1024)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    error = None
    results: list[FileReport] | None = None
    if not uploads:
        error = N_("Choose one or more export files (or a zip) first.")
    else:
        with tempfile.TemporaryDirectory(prefix="socialdesk-upload-") as tmp:
            paths: list[Path] = []
            for i, up in enumerate(uploads):
                folder = Path(tmp) / str(i)
                folder.mkdir()
                target = folder / safe_filename(up.filename or "")
                with target.open("wb") as out:
                    while chunk := await up.read(1 << 20):
                        out.write(chunk)
                paths.append(target)
            importer = Importer(
                config.workspace.engine, config.workspace.workspace_id, imported_by=who.username
            )
            from starlette.concurrency import run_in_threadpool

            results = await run_in_threadpool(importer.import_paths, paths)
            prefix = str(Path(tmp)) + "/"
            for report in results:  # show the name as uploaded, not the temp path
                if report.file.startswith(prefix):
                    report.file = report.file[len(prefix) :].split("/", 1)[-1]
    status = 400 if error else 200
    if request.headers.get("accept", "").startswith("application/json"):
        return render_json({"results": results, "error": error}, status_code=status)
    ws = config.workspace.workspace_id
    view = _view(session, ws, config, request.state.locale, True, results, error)
    if is_htmx(request):
        return render(request, "imports/_results.html", view, status_code=status)
    return render(request, "imports/index.html", view, status_code=status)
