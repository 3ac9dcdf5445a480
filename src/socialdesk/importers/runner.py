"""run_import(): hash -> batch -> detect -> read -> map -> upsert, in one transaction.

Re-importing the same file changes nothing (its hash is known). A newer export of the same
period updates rows in place on their natural keys, so counts never double. Any error rolls
the whole file back.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.errors import FileUnreadable, ImportError_
from socialdesk.importers import builtin_formats, limits
from socialdesk.importers.base import ExportFormat, ReadContext
from socialdesk.importers.detect import detect
from socialdesk.importers.limits import unsafe_member
from socialdesk.importers.load import Loader, Staged
from socialdesk.model import ImportBatch
from socialdesk.phrases import Phrase
from socialdesk.store.engine import tune_for_import, wait_for_write_turn

Progress = Callable[[str, int], None]  # (file, rows read so far)

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}

log = logging.getLogger("socialdesk.importers")


class _DryRun(Exception):
    """Raised to roll back a dry run once everything has been counted."""


@dataclass
class FileReport:
    """What happened to one file."""

    file: str
    status: str  # imported | unchanged | failed | not-recognised | would-import
    format: str | None = None
    format_title: str | None = None
    batch_id: int | None = None
    rows_read: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    rows_skipped: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    error_row: int | None = None
    error_column: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "unchanged", "would-import")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def date_from_name(name: str) -> dt.date | None:
    """The latest date written in a file name (2026-01-31, 20260131, Jan-31-2026, 1-Sep-2024)."""
    found: list[dt.date] = []
    low = name.lower()
    for y, m, d in re.findall(r"(?<!\d)(20\d\d)[-_]?(\d\d)[-_]?(\d\d)(?!\d)", low):
        try:
            found.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            pass
    for mon, d, y in re.findall(r"([a-z]{3})[-_ ](\d{1,2})[-_ ,]+(20\d\d)", low):
        if mon in _MONTHS:
            try:
                found.append(dt.date(int(y), _MONTHS[mon], int(d)))
            except ValueError:
                pass
    for d, mon, y in re.findall(r"(\d{1,2})[-_ ]([a-z]{3})[-_ ]?(20\d\d)", low):
        if mon in _MONTHS:
            try:
                found.append(dt.date(int(y), _MONTHS[mon], int(d)))
            except ValueError:
                pass
    return max(found) if found else None


def snapshot_date(path: Path, display: str) -> dt.date:
    named = date_from_name(Path(display).name)
    if named:
        return named
    return dt.datetime.fromtimestamp(path.stat().st_mtime).date()


_BLOCK = 1 << 20  # members are unpacked in blocks of 1 MB (bounds: see limits)


@dataclass(frozen=True)
class _Item:
    """One file to import: where it is, its name in reports, the zip it came from (its
    members are each other's siblings), or why it cannot be imported at all."""

    path: Path
    display: str
    archive: Path | None = None
    refused: str | None = None


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and zipfile.is_zipfile(path)


class _Overflow(Exception):
    """A member unpacked to more than its declared size allowed (never, with zipfile)."""


def _copy_member(src: IO[bytes], dst: IO[bytes], limit: int) -> int:
    """Copy a member in blocks, at most `limit` bytes: the bytes written."""
    written = 0
    while block := src.read(_BLOCK):
        written += len(block)
        if written > limit:
            raise _Overflow
        dst.write(block)
    return written


def _unzip(
    path: Path, prefix: str, whole: str, folder: Path, budget: int
) -> tuple[list[_Item], int]:
    """The members of one zip, unpacked into `folder`, named "<prefix>:<member>", and the
    bytes they took. A damaged or encrypted zip is the zip itself, named `whole` (import_file
    says what is wrong); one that would unpack to too much is refused, nothing unpacked.
    Members whose names climb out of the folder ('..', absolute paths) are reported, never
    unpacked; hidden files (.DS_Store, macOS' ._ resource forks) are left out silently."""
    items: list[_Item] = []
    used = 0
    try:
        with zipfile.ZipFile(path) as zf:
            infos = []
            for info in zf.infolist():
                if info.is_dir() or Path(info.filename).name.startswith("."):
                    if not unsafe_member(info.filename):
                        continue
                if unsafe_member(info.filename):
                    items.append(
                        _Item(
                            path,
                            f"{prefix}:{info.filename}",
                            archive=path,
                            refused=Phrase(
                                "skipped: unsafe path (a name with '..' or an absolute path "
                                "points outside the zip); nothing of it was imported."
                            ),
                        )
                    )
                    continue
                infos.append(info)
            problem = limits.zip_too_large(infos, budget)
            if problem:
                return [*items, _Item(path, whole, refused=problem)], 0
            limit = min(limits.MAX_UNZIPPED_BYTES, budget)
            for i, info in enumerate(infos):
                # a folder per zip and member: two zips may both hold Queries.csv
                target = folder / str(i) / Path(info.filename).name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as dst:
                    used += _copy_member(src, dst, min(limits.MAX_MEMBER_BYTES, limit - used))
                items.append(_Item(target, f"{prefix}:{info.filename}", archive=path))
    except _Overflow:
        return [
            _Item(
                path,
                whole,
                refused=Phrase(
                    "this zip unpacks to more than it declares: it is damaged or a zip bomb."
                ),
            )
        ], used
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError):
        return [_Item(path, whole)], used  # damaged or encrypted: import_file says so
    return items, used


@contextmanager
def _expanded(paths: Iterable[Path]) -> Iterator[list[_Item]]:
    """Files to import: a folder is walked (sub-folders too), and each zip, given or found
    in a folder, is opened: each of its members becomes its own file, "<zip>:<member>"."""
    with tempfile.TemporaryDirectory(prefix="socialdesk-zip-") as tmp:
        out: list[_Item] = []
        budget = limits.MAX_UNZIPPED_TOTAL
        for n, path in enumerate(paths):
            if path.is_dir():  # named by their path, as the folder's other files
                found = [(p, str(p), str(p)) for p in sorted(path.rglob("*")) if p.is_file()]
            else:  # a zip given by name: its members by the zip's name, itself by its path
                found = [(path, path.name, str(path))]
            for m, (file, prefix, whole) in enumerate(found):
                if not _is_zip(file):
                    out.append(_Item(file, whole))
                    continue
                items, used = _unzip(file, prefix, whole, Path(tmp) / f"{n}-{m}", budget)
                budget -= used
                out.extend(items)
        yield out


@dataclass
class Importer:
    """Imports files into one workspace of one database."""

    engine: Engine
    workspace_id: int
    formats: Sequence[ExportFormat] = field(default_factory=builtin_formats)
    imported_by: str = field(default_factory=lambda: _user())
    timezone: str = "Europe/Amsterdam"

    def import_paths(
        self,
        paths: Iterable[Path],
        *,
        dry_run: bool = False,
        account: str | None = None,
        as_of: dt.date | None = None,
        format_name: str | None = None,
        options: dict[str, str] | None = None,
        progress: Progress | None = None,
    ) -> list[FileReport]:
        reports = []
        with _expanded(paths) as files:
            for item in files:
                if item.refused:
                    reports.append(FileReport(item.display, "failed", error=item.refused))
                    continue
                siblings = {
                    other.path.name: other.path
                    for other in files
                    if item.archive is not None
                    and other.archive == item.archive
                    and other.path != item.path
                }
                reports.append(
                    self.import_file(
                        item.path,
                        item.display,
                        dry_run=dry_run,
                        account=account,
                        as_of=as_of,
                        format_name=format_name,
                        options=options,
                        progress=progress,
                        siblings=siblings,
                    )
                )
        return reports

    def import_file(
        self,
        path: Path,
        display: str | None = None,
        *,
        dry_run: bool = False,
        account: str | None = None,
        as_of: dt.date | None = None,
        format_name: str | None = None,
        options: dict[str, str] | None = None,
        progress: Progress | None = None,
        siblings: dict[str, Path] | None = None,
    ) -> FileReport:
        display = display or str(path)
        report = FileReport(file=display, status="failed")
        if options and options.get("mapping") and not format_name:
            from socialdesk.importers.generic_ads_mapped import format_for_mapping

            format_name = format_for_mapping(Path(options["mapping"]))  # kind = "ads" or posts
        formats = self.formats
        if format_name:
            formats = [f for f in formats if f.name == format_name]
            if not formats:
                report.error = f"unknown format {format_name!r}; see 'socialdesk formats'."
                return report
        try:
            digest = sha256_of(path)
            if options and options.get("mapping") and Path(options["mapping"]).is_file():
                # the same file read through another mapping is another import
                both = digest + sha256_of(Path(options["mapping"]))
                digest = hashlib.sha256(both.encode()).hexdigest()
            known = self._known_batch(digest)
            if known is not None:  # the same bytes again: nothing to read or detect
                batch_id, batch_format = known
                report.status, report.batch_id, report.format = "unchanged", batch_id, batch_format
                report.format_title = next(
                    (f.title for f in self.formats if f.name == batch_format), batch_format
                )
                report.notes.append(
                    f"this exact file was imported before (batch {batch_id}); nothing changed."
                )
                return report
            match = detect(path, formats, display)
        except FileUnreadable as exc:
            report.error = exc.message
            return report
        except ImportError_ as exc:
            report.status = "not-recognised"
            report.error = exc.message
            return report
        except OSError as exc:
            report.error = f"cannot be read ({exc.strerror})."
            return report
        fmt = match.format
        report.format, report.format_title = fmt.name, fmt.title
        factory = sessionmaker(self.engine, expire_on_commit=False)
        with factory() as session:
            ctx = ReadContext(
                file=display,
                as_of=as_of or snapshot_date(path, display),
                as_of_source="option"
                if as_of
                else ("file name" if date_from_name(Path(display).name) else "modified time"),
                timezone=self.timezone,
                account=account,
                options=options or {},
                siblings=siblings or {},
            )
            try:
                with session.begin():
                    self._run(session, path, display, digest, match, ctx, report, progress, dry_run)
                    if dry_run:
                        raise _DryRun  # nothing was written: a read-only transaction ends
            except _DryRun:
                report.status = "would-import"
                report.batch_id = None
            except ImportError_ as exc:
                report.status = "failed"
                report.error = exc.message
                report.error_row = getattr(exc, "row", None)
                report.error_column = getattr(exc, "column", None)
                report.rows_added = report.rows_updated = 0
                report.batch_id = None
            except Exception as exc:
                # A database or parsing fault: still atomic, still named.
                report.status = "failed"
                report.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
                report.rows_added = report.rows_updated = 0
                report.batch_id = None
        if report.status == "imported":
            refresh_statistics(self.engine, report.counts)
        report.notes.extend(ctx.notes)
        return report

    def _known_batch(self, digest: str) -> tuple[int, str] | None:
        """The batch that imported these exact bytes before, with its format."""
        with sessionmaker(self.engine)() as session:
            row = session.execute(
                select(ImportBatch.id, ImportBatch.format).where(
                    ImportBatch.workspace_id == self.workspace_id, ImportBatch.sha256 == digest
                )
            ).first()
        return (row[0], row[1]) if row else None

    def _run(
        self,
        session: Session,
        path: Path,
        display: str,
        digest: str,
        match,
        ctx: ReadContext,
        report: FileReport,
        progress: Progress | None,
        dry_run: bool = False,
    ) -> None:
        """Read, check and write one file. A dry run reads the file and counts what it would
        change with reads only: it takes no write lock, so it neither waits for another
        import nor holds one up."""
        batch = ImportBatch(
            workspace_id=self.workspace_id,
            sha256=digest,
            format=match.format.name,
            filename=Path(display).name[:500],
            size_bytes=path.stat().st_size,
            imported_by=self.imported_by,
            counts={},
            notes={},
        )
        with Staged() as staged:  # read and checked whole before the write lock is taken
            for chunk in match.format.read(match.table, ctx):
                report.rows_read += len(chunk.frame)
                report.rows_skipped += chunk.rows_skipped
                staged.add(chunk)
                if progress:
                    progress(display, report.rows_read)
            if dry_run:
                loader = Loader(session, self.workspace_id, None, dry_run=True)
            else:
                wait_for_write_turn(session, self.workspace_id)  # another import: queue
                tune_for_import(session)  # SQLite: a page cache for this transaction
                if (known := self._known_batch(digest)) is not None:  # imported meanwhile
                    report.status, report.batch_id, report.format = "unchanged", *known
                    report.notes.append(
                        f"this exact file was imported before (batch {known[0]}); nothing changed."
                    )
                    return
                session.add(batch)
                session.flush()
                loader = Loader(session, self.workspace_id, batch.id)
            for chunk in staged:
                loader.load(chunk)
            loader.finish()
        report.counts = {
            k: {"added": v.added, "updated": v.updated} for k, v in loader.counts.items()
        }
        main = next(
            (
                t
                for t in (
                    "post",
                    "account_day",
                    "ad_day",
                    "web_day",
                    "search_performance",
                    "audience_share",
                    "message",
                )
                if t in loader.counts
            ),
            None,
        )
        if main:
            report.rows_added = loader.counts[main].added
            report.rows_updated = loader.counts[main].updated
        if report.rows_read == 0:
            ctx.note("the file holds no data rows (only a header).")
        if dry_run:
            return
        batch.rows_read = report.rows_read
        batch.rows_added = report.rows_added
        batch.rows_updated = report.rows_updated
        batch.rows_skipped = report.rows_skipped
        batch.counts = report.counts
        batch.notes = {"notes": list(ctx.notes), "as_of": ctx.as_of.isoformat()}
        batch.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        report.batch_id = batch.id
        report.status = "imported"


# the tables an import's rows also change (kept by the store beside them)
_DERIVED = {
    "post": ("post_latest", "post_week"),
    "post_metrics": ("post_latest", "post_week"),
    "ad_day": ("ad_week",),
    "account_day": ("account_week",),
    "message": ("message_thread",),
}
STATISTICS_MIN_ROWS = 200  # fewer changed rows than this: PostgreSQL's autovacuum suffices


def refresh_statistics(engine: Engine, counts: dict[str, dict[str, int]]) -> None:
    """PostgreSQL: ANALYZE the tables an import changed a good part of (and those derived from
    them), right after it committed. The planner otherwise plans the next pages on the
    statistics of before the import (or on none, for new tables) until autovacuum comes by:
    the inbox's queue on the freshly imported demo took 4.3 s a request instead of 90 ms.
    SQLite's planner needs no statistics for these queries. Best-effort: a failure is logged."""
    if engine.dialect.name != "postgresql":
        return
    changed = {t: c.get("added", 0) + c.get("updated", 0) for t, c in counts.items()}
    candidates = [t for t, n in changed.items() if n >= STATISTICS_MIN_ROWS]
    if not candidates:
        return
    try:
        with engine.connect() as conn:
            known: dict[str, float] = dict(
                conn.execute(
                    text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
                    {"names": candidates},
                ).all()
            )
            tables: list[str] = []
            for t in candidates:
                if t in known and (known[t] <= 0 or changed[t] > 0.1 * known[t]):
                    tables += [t, *_DERIVED.get(t, ())]
            for t in dict.fromkeys(tables):  # the model's own table names, no user input
                conn.execute(text(f'ANALYZE "{t}"'))
            conn.commit()
    except Exception as exc:  # statistics are an optimisation: the import stands
        log.warning("ANALYZE after the import failed: %s", exc)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
