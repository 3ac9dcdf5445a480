"""Backups of a workspace: its database and its folder's files in one archive, restored into
any folder with the workspace's identity (its uid) and its users.

The archive is a .tar.gz holding

    manifest.json            what is inside: format, socialdesk version, database kind and
                             scope, created at, the workspace (uid, slug, name), its post and
                             user counts in the copy, and every file with its size and sha256
    database/socialdesk.db   SQLite: a copy by SQLite's online backup API, consistent while
                             `serve` writes (copying the file would lose what is in the WAL)
    database/socialdesk.dump PostgreSQL: `pg_dump --format=custom` of the whole database, in
                             one snapshot (the counts in the manifest are read in that snapshot)
    files/...                the folder's files: the marker, secret.key (the credentials' key),
                             .socialdesk-secret (the cookies' key), exports, plan.yaml, ...

The database part is always the whole database the workspace uses (docs/decisions.md, "A
backup holds the whole database"): on a shared database the manifest names every workspace
in it, and a restore refuses to remove workspaces that are not in the backup. The archive
holds secrets and password hashes: it is written with 0600 rights.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import Connection, Engine, delete, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from socialdesk import __version__
from socialdesk.config import Settings, database_url_for
from socialdesk.errors import SocialdeskError
from socialdesk.model import Account, Base, Membership, Post, Workspace
from socialdesk.store.engine import MIGRATIONS, make_engine
from socialdesk.store.identity import MARKER_FILE, read_marker
from socialdesk.store.session import open_workspace

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/socialdesk.db"
PG_MEMBER = "database/socialdesk.dump"
FILES = "files/"
# made and kept by the database, the job queue or the logins, never copied as files: the
# database is copied through its backup API, the queue (jobs.db) holds pending jobs that must
# not run twice from a restored copy (a scheduled post would be published by both)
_NOT_FILES = {
    "socialdesk.db",
    "socialdesk.db-wal",
    "socialdesk.db-shm",
    "socialdesk.db-journal",
    "jobs.db",
    "jobs.db-wal",
    "jobs.db-shm",
    "jobs.db-journal",
    # the logins' own file (socialdesk.users.sessions): live sessions are never restored
    "socialdesk.sessions.db",
    "socialdesk.sessions.db-wal",
    "socialdesk.sessions.db-shm",
    "socialdesk.sessions.db-journal",
    # the inbox's sentence vectors (inbox/embeddings.py): a cache, made again when needed
    "socialdesk.vectors.db",
    "socialdesk.vectors.db-wal",
    "socialdesk.vectors.db-shm",
    "socialdesk.vectors.db-journal",
}
_SECRET_FILES = {MARKER_FILE, "secret.key", ".socialdesk-secret"}
_CHUNK = 1 << 20


class BackupError(SocialdeskError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    workspace: dict[str, str]  # uid, slug, name
    workspaces: list[dict[str, str]]  # every workspace in the database copied
    posts: int
    users: int
    files: int
    size: int


@dataclass
class RestoreResult:
    folder: Path
    kind: str
    workspace_id: int
    workspace: dict[str, str]
    posts: int
    users: int
    files: int
    created_at: str
    replaced: list[str] = field(default_factory=list)


# -- helpers ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _counts(conn: Connection, uid: str) -> tuple[int, int]:
    """Posts and users of the workspace of `uid`, read on `conn`."""
    ws_id = conn.scalar(select(Workspace.id).where(Workspace.uid == uid))
    if ws_id is None:
        return 0, 0
    posts = conn.scalar(
        select(func.count())
        .select_from(Post)
        .join(Account, Account.id == Post.account_id)
        .where(Account.workspace_id == ws_id)
    )
    users = conn.scalar(
        select(func.count()).select_from(Membership).where(Membership.workspace_id == ws_id)
    )
    return int(posts or 0), int(users or 0)


def _workspaces(conn: Connection) -> list[dict[str, str]]:
    if not inspect(conn).has_table("workspace"):
        return []
    rows = conn.execute(
        select(Workspace.uid, Workspace.slug, Workspace.name).order_by(Workspace.id)
    )
    return [{"uid": r.uid, "slug": r.slug, "name": r.name} for r in rows]


def _revisions(conn: Connection) -> list[str]:
    if not inspect(conn).has_table("alembic_version"):
        return []
    return sorted(conn.execute(text("select version_num from alembic_version")).scalars())


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore (without the password, which goes in
    the environment, so it never shows in a process list or a message)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools (Debian/Ubuntu: "
            "`apt install postgresql-client`, the same major version as the server or newer)."
        )
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or "").splitlines() if ln.strip()][-5:]
        raise BackupError(f"{what} failed: " + (" / ".join(lines) or f"exit {done.returncode}"))


def _folder_files(folder: Path, skip: set[Path]) -> Iterator[tuple[Path, str]]:
    """The folder's regular files (path, name in the archive), without the database, the
    job queue, temporary files and `skip`; symbolic links are not followed."""
    for root, dirs, names in os.walk(folder, followlinks=False):
        # our own temporary folders (a backup written into the folder itself) stay out
        dirs[:] = sorted(d for d in dirs if not d.startswith(_TEMP_PREFIXES))
        base = Path(root)
        for name in sorted(names):
            path = base / name
            rel = path.relative_to(folder).as_posix()
            if rel in _NOT_FILES or path in skip or name.endswith(".tmp"):
                continue
            if path.is_symlink() or not path.is_file() or _is_backup(path):
                continue
            yield path, rel


_TEMP_PREFIXES = (".socialdesk-backup-", ".socialdesk-restore-")


def _is_backup(path: Path) -> bool:
    """Whether `path` is a socialdesk backup (an earlier one kept in the folder: never
    packed into the next, which would grow with every backup)."""
    if not path.name.endswith((".tar.gz", ".tgz")):
        return False
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            first = tar.next()
            return first is not None and first.name == MANIFEST
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        return False


# -- backup -----------------------------------------------------------------------------------


def _sqlite_copy(engine: Engine, target: Path) -> None:
    """A consistent copy of the SQLite file by its online backup API: one step, under a read
    lock, so writers of `serve` wait a moment and the copy holds every committed row (also
    those still in the WAL)."""
    source = sqlite3.connect(str(Path(engine.url.database or "").expanduser()), timeout=60)
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    done = sqlite3.connect(str(target))
    try:
        done.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        done.close()


def backup_workspace(
    folder: Path,
    out: Path,
    settings: Settings | None = None,
    *,
    url: str | None = None,
) -> BackupResult:
    """Write the workspace in `folder` (its database and files) to the archive `out`."""
    out = out.expanduser().resolve()
    if out.exists():
        raise BackupError(f"{out} exists already: name a new file (backups are never overwritten)")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a folder: create it first")
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a workspace folder (it does not exist)")
    handle = open_workspace(folder, settings, url=url)  # at head, with its marker and uid
    engine = handle.engine
    kind = engine.dialect.name
    uid = handle.uid or ""
    try:
        with tempfile.TemporaryDirectory(prefix=".socialdesk-backup-", dir=out.parent) as tmp:
            work = Path(tmp)
            if kind == "sqlite":
                db_file, member = work / "socialdesk.db", SQLITE_MEMBER
                _sqlite_copy(engine, db_file)
                copy = make_engine(f"sqlite:///{db_file}")
                try:
                    with copy.connect() as conn:
                        posts, users = _counts(conn, uid)
                        spaces, revisions = _workspaces(conn), _revisions(conn)
                finally:
                    copy.dispose()
            elif kind == "postgresql":
                db_file, member = work / "socialdesk.dump", PG_MEMBER
                (posts, users), spaces, revisions = _pg_dump(engine, db_file, uid)
            else:
                raise BackupError(f"cannot back up a {kind} database (SQLite or PostgreSQL only)")
            skip = {out}
            if kind == "sqlite" and engine.url.database:
                skip.add(Path(engine.url.database).expanduser().resolve())
            files = [
                (p, rel, p.stat().st_size, _sha256(p)) for p, rel in _folder_files(folder, skip)
            ]
            me = next((w for w in spaces if w["uid"] == uid), None)
            if me is None:
                raise BackupError(f"workspace {handle.slug} is not in the copied database")
            manifest: dict[str, Any] = {
                "about": "A socialdesk workspace backup: `socialdesk restore` reads it.",
                "format": FORMAT,
                "socialdesk": __version__,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "workspace": me,
                "database": {
                    "kind": kind,
                    "scope": "whole database",
                    "member": member,
                    "sha256": _sha256(db_file),
                    "size": db_file.stat().st_size,
                    "revisions": revisions,
                    "workspaces": spaces,
                },
                "counts": {"posts": posts, "users": users},
                "files": [
                    {"path": rel, "size": size, "sha256": sha} for _p, rel, size, sha in files
                ],
            }
            partial = work / "archive.tar.gz"
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
                tar.add(db_file, arcname=member, recursive=False)
                for path, rel, _size, _sha in files:
                    tar.add(path, arcname=FILES + rel, recursive=False)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, out)  # the whole archive, or none
    finally:
        engine.dispose()
    return BackupResult(
        path=out,
        kind=kind,
        workspace=me,
        workspaces=spaces,
        posts=posts,
        users=users,
        files=len(files),
        size=out.stat().st_size,
    )


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _pg_dump(
    engine: Engine, target: Path, uid: str
) -> tuple[tuple[int, int], list[dict[str, str]], list[str]]:
    """pg_dump of the whole database in a snapshot this connection exported: the workspace
    list, the revisions and the counts are read in the very state the dump holds."""
    tool = _pg_tool("pg_dump")
    uri, env = _libpq(engine.url)
    with engine.connect() as conn:
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = conn.scalar(text("select pg_export_snapshot()"))
        _run(
            [
                tool,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={uri}",
            ],
            env,
            "pg_dump",
        )
        found = _counts(conn, uid), _workspaces(conn), _revisions(conn)
        conn.rollback()
    return found


# -- restore ----------------------------------------------------------------------------------


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, checked; BackupError naming the problem otherwise."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            try:
                member = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(f"{archive} is not a socialdesk backup (no {MANIFEST})") from None
            fh = tar.extractfile(member)
            if fh is None or member.size > 50 << 20:
                raise BackupError(f"{archive}: {MANIFEST} is not a readable file")
            data = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{archive} does not exist") from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{archive}: {MANIFEST} is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("format"), int):
        raise BackupError(f"{archive}: {MANIFEST} is not a socialdesk backup manifest")
    if data["format"] > FORMAT:
        raise BackupError(f"{archive} was written by a newer socialdesk (format {data['format']})")
    database, workspace = data.get("database"), data.get("workspace")
    if (
        not isinstance(database, dict)
        or database.get("kind") not in ("sqlite", "postgresql")
        or not isinstance(database.get("member"), str)
        or not isinstance(workspace, dict)
        or not isinstance(workspace.get("uid"), str)
        or not isinstance(data.get("files"), list)
    ):
        raise BackupError(f"{archive}: {MANIFEST} misses the database or the workspace")
    unknown = set(data["database"].get("revisions") or []) - _known_revisions()
    if unknown:
        raise BackupError(
            f"{archive} holds a database of a newer socialdesk (schema "
            f"{', '.join(sorted(unknown))}): update socialdesk to restore it"
        )
    return data


def _safe_name(name: str) -> str | None:
    """The relative path of an archive member under files/, None when it is unsafe."""
    if not name.startswith(FILES):
        return None
    rel = PurePosixPath(name[len(FILES) :])
    if rel.is_absolute() or not rel.parts or any(p in ("", ".", "..") for p in rel.parts):
        return None
    if rel.as_posix() in _NOT_FILES:
        return None
    return rel.as_posix()


def _copy_checked(src: IO[bytes], dest: Path, size: int, sha: str, what: str) -> None:
    """Stream `src` into `dest` (through a temporary file), checking its size and sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    digest, written = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > size:
                    break
                digest.update(chunk)
                out.write(chunk)
        if written != size or digest.hexdigest() != sha:
            raise BackupError(f"{what} in the backup is damaged (its size or checksum differs)")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _target_state(url: str) -> tuple[list[dict[str, str]], list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _workspaces(conn), _revisions(conn)
    finally:
        engine.dispose()


def _drop_ours() -> str:
    """SQL dropping socialdesk's tables (and nothing else), run in the restore's transaction
    before the dump's statements make them again."""
    names = [t.name for t in reversed(Base.metadata.sorted_tables)] + ["alembic_version"]
    quoted = ['"' + name.replace('"', '""') + '"' for name in names]
    return "".join(f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in quoted)


def restore_workspace(
    archive: Path,
    folder: Path,
    settings: Settings | None = None,
    *,
    url: str | None = None,
    force: bool = False,
) -> RestoreResult:
    """Restore the backup `archive` into `folder`: its database, then its files (the marker
    with the workspace's uid last), then open it at head."""
    archive = archive.expanduser().resolve()
    manifest = read_manifest(archive)
    folder = folder.expanduser().resolve()
    target_url = url or database_url_for(folder, settings)
    parsed = make_url(target_url)  # no engine yet: it would create the SQLite file
    kind, target_file = parsed.get_backend_name(), parsed.database
    want = manifest["database"]["kind"]
    if kind != want:
        raise BackupError(
            f"this backup holds a {want} database, but {folder} uses {kind} "
            "(SOCIALDESK_DATABASE_URL): restore it where the workspace used the same kind"
        )
    replaced: list[str] = []
    if folder.exists() and any(folder.iterdir()):
        held = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
        if not force:
            shown = ", ".join(held[:5]) + (", ..." if len(held) > 5 else "")
            raise BackupError(
                f"{folder} is not empty (it holds {shown}): restoring replaces its workspace. "
                "Restore into a new folder, or add --force to replace it."
            )
        replaced = held
    own = (
        kind == "sqlite"
        and target_file is not None
        and (Path(target_file).expanduser().resolve() == folder / "socialdesk.db")
    )
    if not own:  # a shared database: the backup replaces it whole
        present, _revs = _target_state(target_url)
        mine = {w["uid"] for w in manifest["database"].get("workspaces", [])}
        others = [w["slug"] for w in present if w["uid"] not in mine]
        if others:
            raise BackupError(
                "the database this workspace uses also holds workspaces that are not in the "
                f"backup ({', '.join(others[:5])}{', ...' if len(others) > 5 else ''}); a "
                "restore replaces the whole database and would remove them. Restore into an "
                "empty database (set SOCIALDESK_DATABASE_URL to a new one)."
            )
        if present and not force:
            raise BackupError(
                "the database this workspace uses holds the backup's workspaces already; add "
                "--force to replace them with the backup's state."
            )
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f["path"]: f for f in manifest["files"] if isinstance(f, dict) and "path" in f}
    db = manifest["database"]
    restored = 0
    try:
        with (
            tarfile.open(archive, mode="r:gz") as tar,
            tempfile.TemporaryDirectory(prefix=".socialdesk-restore-", dir=folder) as tmp,
        ):
            # first every member, checked against the manifest, into the temporary folder:
            # a damaged or incomplete backup stops here, before anything is replaced
            staged = Path(tmp) / "files"
            dump: Path | None = None
            files: list[str] = []
            for member in tar:
                if member.name == db["member"]:
                    if not member.isfile():
                        raise BackupError(f"{archive}: the database in the backup is not a file")
                    dump = Path(tmp) / Path(db["member"]).name
                    _copy_checked(
                        tar.extractfile(member),  # type: ignore[arg-type]
                        dump,
                        int(db["size"]),
                        db["sha256"],
                        "the database",
                    )
                    continue
                rel = _safe_name(member.name)
                if rel is None or not member.isfile() or rel not in wanted:
                    continue  # the manifest, or a member no backup of ours writes: not copied
                (staged / rel).parent.mkdir(parents=True, exist_ok=True)
                _copy_member(tar, member, staged / rel, wanted[rel])
                files.append(rel)
            if dump is None:
                raise BackupError(f"{archive} holds no database")
            if MARKER_FILE not in files:
                raise BackupError(f"{archive} holds no workspace marker ({MARKER_FILE})")
            # then the database, then the files, the marker last: the folder names the
            # workspace once all is in
            if kind == "sqlite":
                _restore_sqlite(dump, Path(target_file or ""))
            else:
                _restore_pg(dump, target_url)
            root = folder.resolve()
            for rel in sorted(files, key=lambda r: r == MARKER_FILE):
                dest = folder / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if root not in dest.parent.resolve().parents and dest.parent.resolve() != root:
                    raise BackupError(f"{rel}: a folder in the way leads outside {folder}")
                if dest.is_symlink():
                    dest.unlink()
                os.replace(staged / rel, dest)
                restored += 1
            for name in ("jobs.db", "jobs.db-wal", "jobs.db-shm"):  # the replaced one's queue
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"{archive} is damaged ({exc})") from None
    marker = read_marker(folder)
    if marker is None or marker.uuid != manifest["workspace"]["uid"]:
        raise BackupError(f"{archive}: its marker does not name the backup's workspace")
    handle = open_workspace(folder, settings, url=target_url)
    try:
        _forget_logins(handle.engine)
        with handle.engine.connect() as conn:
            posts, users = _counts(conn, marker.uuid)
    finally:
        handle.engine.dispose()
    return RestoreResult(
        folder=folder,
        kind=kind,
        workspace_id=handle.workspace_id,
        workspace=manifest["workspace"],
        posts=posts,
        users=users,
        files=restored,
        created_at=str(manifest.get("created_at", "")),
        replaced=replaced,
    )


def _copy_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, meta: dict[str, Any]
) -> None:
    src = tar.extractfile(member)
    if src is None:
        return
    _copy_checked(src, dest, int(meta.get("size", -1)), str(meta.get("sha256", "")), meta["path"])
    os.chmod(dest, 0o600 if dest.name in _SECRET_FILES else (member.mode & 0o644) or 0o644)


def _restore_sqlite(copy: Path, target: Path) -> None:
    """Write the copy into the target file by SQLite's backup API: a server that has the
    file open sees the old or the new database, and no stale WAL is left behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(copy))
    dest = sqlite3.connect(str(target), timeout=60)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=WAL")
    finally:
        dest.close()
        source.close()
    os.chmod(target, 0o600)


def _restore_pg(dump: Path, url: str) -> None:
    """Restore the dump in one transaction: psql runs what pg_restore writes (the dump as
    SQL, streamed), after dropping socialdesk's tables (restore_workspace has made sure the
    database holds no workspace but the backup's, and --force if it holds those): exactly
    the backup's rows after, no merge, no duplicate keys. psql stops at the first error and
    COMMIT is sent only once pg_restore wrote all of the dump, so a restore that fails midway
    changes nothing: the old tables and rows are still there."""
    reader_tool, psql_tool = _pg_tool("pg_restore"), _pg_tool("psql")
    uri, env = _libpq(make_url(url))
    head = "SET client_min_messages = warning;\nBEGIN;\n" + _drop_ours()
    with tempfile.TemporaryFile() as reader_err, tempfile.TemporaryFile() as psql_err:
        reader = subprocess.Popen(
            [reader_tool, "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=reader_err,
        )
        psql = subprocess.Popen(
            [psql_tool, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={uri}"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
        )
        assert reader.stdout is not None and psql.stdin is not None
        committed = False
        try:
            psql.stdin.write(head.encode())
            while chunk := reader.stdout.read(_CHUNK):
                psql.stdin.write(chunk)
            if reader.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
                committed = True
        except BrokenPipeError:
            pass  # psql stopped at an error (rolled back): its message says which
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            psql.wait()
        if committed and psql.returncode == 0:
            return
        lines = _last_lines(psql_err) or _last_lines(reader_err)
        raise BackupError(
            "pg_restore failed: "
            + (" / ".join(lines) or f"exit {psql.returncode or reader.returncode}")
            + ". Nothing was changed: the database is as it was (the restore runs in one "
            "transaction)."
        )


def _last_lines(fh: IO[bytes]) -> list[str]:
    fh.seek(0)
    text_ = fh.read().decode("utf-8", "replace")
    return [ln.strip() for ln in text_.splitlines() if ln.strip()][-5:]


def _forget_logins(engine: Engine) -> None:
    """Nobody stays logged in across a restore: the sessions and failed logins of the
    replaced state (SQLite: the logins' own file) and those the backup held (PostgreSQL:
    its tables) are forgotten."""
    from socialdesk.model import LoginFailure, UserSession
    from socialdesk.store.session import sessions_file

    with engine.begin() as conn:
        conn.execute(delete(UserSession))
        conn.execute(delete(LoginFailure))
    path = sessions_file(engine)
    if path is None or not path.exists():
        return
    side = sqlite3.connect(str(path), timeout=60)
    try:
        for table in ("user_session", "login_failure"):
            with contextlib.suppress(sqlite3.OperationalError):  # a file without it
                side.execute(f"DELETE FROM {table}")  # our own names
        side.commit()
    finally:
        side.close()
