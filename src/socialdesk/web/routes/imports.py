"""Imports: upload export files or zips, see each file's result, and the import history."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from socialdesk.i18n import N_, gettext
from socialdesk.importers import builtin_formats
from socialdesk.importers.runner import FileReport, Importer
from socialdesk.overview import queries as q
from socialdesk.web.deps import (
    ConfigDep,
    CsrfDep,
    Editor,
    SessionDep,
    Viewer,
    is_htmx,
    render,
    render_json,
)

router = APIRouter()

MAX_FILES = 50


@dataclass
class FormatInfo:
    name: str
    platform: str
    title: str
    how_to: str


@dataclass
class ImportsPage:
    """The imports page (/imports, /imports.json; POST /imports answers with the results)."""

    can_upload: bool = field(metadata={"help": "Whether this person may import (editor, admin)"})
    max_upload_mb: int
    history: list[q.ImportRow] = field(metadata={"help": "The workspace's last 100 imported files"})
    formats: list[FormatInfo] = field(metadata={"help": "Every export format socialdesk reads"})
    format_titles: dict[str, str] = field(metadata={"help": "Format name -> its title"})
    results: list[FileReport] | None = field(
        default=None, metadata={"help": "After an upload: what happened to each file"}
    )
    error: str | None = None


def _page(
    session: object,
    config: object,
    can_upload: bool,
    results: list[FileReport] | None = None,
    error: str | None = None,
    locale: str = "en",
) -> ImportsPage:
    # titles and how-to texts are N_() in the importer modules: shown in the page's language
    fmts = [
        FormatInfo(f.name, f.platform, gettext(locale, f.title), gettext(locale, f.how_to))
        for f in sorted(builtin_formats(), key=lambda f: (f.platform, f.title))
    ]
    return ImportsPage(
        can_upload=can_upload,
        max_upload_mb=config.max_upload_bytes // (1024 * 1024),  # type: ignore[attr-defined]
        history=q.import_history(session, config.workspace.workspace_id),  # type: ignore[arg-type, attr-defined]
        formats=fmts,
        format_titles={f.name: f.title for f in fmts},
        results=results,
        error=error,
    )


@router.get("/imports", name="imports")
def imports(request: Request, session: SessionDep, config: ConfigDep, who: Viewer) -> Response:
    page = _page(session, config, who.can("editor"), locale=request.state.locale)
    return render(request, "imports/index.html", page)


@router.get("/imports.json", name="imports_json")
def imports_json(request: Request, session: SessionDep, config: ConfigDep, who: Viewer) -> Response:
    return render_json(_page(session, config, who.can("editor"), locale=request.state.locale))


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
    page = _page(session, config, True, results, error, locale=request.state.locale)
    status = 400 if error else 200
    if request.headers.get("accept", "").startswith("application/json"):
        return render_json(page, status_code=status)
    if is_htmx(request):
        return render(request, "imports/_results.html", page, status_code=status)
    return render(request, "imports/index.html", page, status_code=status)
