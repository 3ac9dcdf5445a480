"""A small client for driving the local AT Protocol network (tests/connectors/pds/start.mjs).

Plain XRPC over httpx, no atproto SDK: the tests that use it check the connector, not a
second client. Everything here writes with com.atproto.repo.createRecord / applyWrites and
reads with whatever XRPC method a test names, so what a test seeds is what any client would see.

    net = PdsNetwork.start()            # or the `pds` fixture in conftest.py
    alice = net.new_account("alice")    # did, handle, password, tokens, an app password
    p = net.client.post(alice, "hello")
    net.process_all()                   # parents indexed before replies (see process_all)
    net.client.like(bob, p)
    net.client.reply(bob, p, "hi")
    net.process_all()                   # wait until the AppView has indexed every write
    net.client.query("app.bsky.feed.getAuthorFeed", {"actor": alice.did}, auth=alice)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

PDS_DIR = Path(__file__).parent / "pds"
START_SCRIPT = PDS_DIR / "start.mjs"
MAX_APPLY_WRITES = 200  # com.atproto.repo.applyWrites refuses more in one call

POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"


class PdsUnavailable(RuntimeError):
    """Node, the installed packages or (for the AppView) PostgreSQL are missing."""


class XrpcError(RuntimeError):
    def __init__(self, nsid: str, status: int, error: str | None, message: str | None) -> None:
        super().__init__(f"{nsid}: HTTP {status} {error or ''}: {message or ''}".strip())
        self.nsid = nsid
        self.status = status
        self.error = error
        self.message = message


def now_iso(dt: datetime | None = None) -> str:
    """An AT Protocol datetime: UTC, milliseconds, 'Z'."""
    dt = (dt or datetime.now(UTC)).astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def timeline(
    n: int, *, end: datetime | None = None, step: timedelta = timedelta(seconds=1)
) -> list[datetime]:
    """n distinct createdAt times, oldest first, `step` apart, the last at `end` (default:
    one second ago). Give bulk records these: the AppView sorts and pages notifications by
    min(createdAt, indexedAt) with no tie-breaker, so records that share a millisecond (as a
    batch built in a loop with now_iso() does) drop out of listNotifications' pages."""
    end = (end or datetime.now(UTC) - timedelta(seconds=1)).astimezone(UTC)
    return [end - step * (n - 1 - i) for i in range(n)]


@dataclass(frozen=True)
class Ref:
    """A strong reference to a record; for a post also the root of its thread."""

    uri: str
    cid: str
    root: Ref | None = None  # None: this record is its own root (not a reply)

    @property
    def strong(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}

    @property
    def rkey(self) -> str:
        return self.uri.rsplit("/", 1)[-1]

    @property
    def thread_root(self) -> Ref:
        return self.root or self


@dataclass
class Account:
    did: str
    handle: str
    password: str
    access_jwt: str
    refresh_jwt: str
    app_password: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _token(auth: Account | str | None) -> str | None:
    if auth is None:
        return None
    return auth if isinstance(auth, str) else auth.access_jwt


class PdsClient:
    """XRPC against one PDS (app.bsky.* reads are proxied by the PDS to the AppView)."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    # -- raw XRPC ------------------------------------------------------------------------
    def _check(self, nsid: str, resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = {}
            raise XrpcError(nsid, resp.status_code, body.get("error"), body.get("message"))
        if not resp.content:
            return {}
        return resp.json()

    def query(
        self, nsid: str, params: dict[str, Any] | None = None, *, auth: Account | str | None = None
    ) -> Any:
        """GET /xrpc/<nsid>; list values repeat the parameter (uris=a&uris=b)."""
        headers = {"authorization": f"Bearer {_token(auth)}"} if auth else {}
        resp = self.http.get(f"/xrpc/{nsid}", params=params or {}, headers=headers)
        return self._check(nsid, resp)

    def procedure(
        self,
        nsid: str,
        body: dict[str, Any] | None = None,
        *,
        auth: Account | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        h = dict(headers or {})
        if auth:
            h["authorization"] = f"Bearer {_token(auth)}"
        if body is None:  # e.g. refreshSession: the PDS refuses a body it does not expect
            resp = self.http.post(f"/xrpc/{nsid}", headers=h)
        else:
            resp = self.http.post(f"/xrpc/{nsid}", json=body, headers=h)
        return self._check(nsid, resp)

    # -- accounts ------------------------------------------------------------------------
    def create_account(self, handle: str, password: str, *, email: str | None = None) -> Account:
        """com.atproto.server.createAccount (the test PDS requires no invite code)."""
        out = self.procedure(
            "com.atproto.server.createAccount",
            {"handle": handle, "password": password, "email": email or f"{handle}@example.com"},
        )
        return Account(
            did=out["did"],
            handle=out["handle"],
            password=password,
            access_jwt=out["accessJwt"],
            refresh_jwt=out["refreshJwt"],
        )

    def create_session(self, identifier: str, password: str) -> dict[str, Any]:
        """com.atproto.server.createSession: how the product logs in with an app password."""
        return self.procedure(
            "com.atproto.server.createSession", {"identifier": identifier, "password": password}
        )

    def create_app_password(self, account: Account, name: str = "socialdesk") -> str:
        """com.atproto.server.createAppPassword; also stored on the account."""
        out = self.procedure("com.atproto.server.createAppPassword", {"name": name}, auth=account)
        account.app_password = out["password"]
        return out["password"]

    # -- records -------------------------------------------------------------------------
    def create_record(
        self,
        account: Account,
        collection: str,
        record: dict[str, Any],
        *,
        rkey: str | None = None,
        root: Ref | None = None,
    ) -> Ref:
        body: dict[str, Any] = {"repo": account.did, "collection": collection, "record": record}
        if rkey:
            body["rkey"] = rkey
        out = self.procedure("com.atproto.repo.createRecord", body, auth=account)
        return Ref(out["uri"], out["cid"], root)

    def delete_record(self, account: Account, ref: Ref | str) -> None:
        uri = ref.uri if isinstance(ref, Ref) else ref
        _, _, _repo, collection, rkey = uri.split("/", 4)
        self.procedure(
            "com.atproto.repo.deleteRecord",
            {"repo": account.did, "collection": collection, "rkey": rkey},
            auth=account,
        )

    def post(
        self,
        account: Account,
        text: str,
        *,
        reply_to: Ref | None = None,
        quote: Ref | None = None,
        mentions: Iterable[Account] = (),
        created_at: str | datetime | None = None,
    ) -> Ref:
        """An app.bsky.feed.post; `mentions` become mention facets for every '@handle' in text
        (the handle must be written in the text)."""
        record = post_record(
            text, reply_to=reply_to, quote=quote, mentions=mentions, created_at=created_at
        )
        root = reply_to.thread_root if reply_to else None
        return self.create_record(account, POST, record, root=root)

    def reply(self, account: Account, parent: Ref, text: str, **kw: Any) -> Ref:
        return self.post(account, text, reply_to=parent, **kw)

    def like(self, account: Account, subject: Ref) -> Ref:
        return self.create_record(
            account, LIKE, {"$type": LIKE, "subject": subject.strong, "createdAt": now_iso()}
        )

    def repost(self, account: Account, subject: Ref) -> Ref:
        return self.create_record(
            account, REPOST, {"$type": REPOST, "subject": subject.strong, "createdAt": now_iso()}
        )

    def follow(self, account: Account, subject: Account | str) -> Ref:
        did = subject if isinstance(subject, str) else subject.did
        return self.create_record(
            account, FOLLOW, {"$type": FOLLOW, "subject": did, "createdAt": now_iso()}
        )

    # -- bulk ----------------------------------------------------------------------------
    def apply_writes(
        self, account: Account, creates: Sequence[tuple[str, dict[str, Any]]]
    ) -> list[Ref]:
        """One com.atproto.repo.applyWrites call (one commit) of up to 200 creates
        (collection, record); returns their refs in order."""
        if len(creates) > MAX_APPLY_WRITES:
            raise ValueError(f"applyWrites takes at most {MAX_APPLY_WRITES} writes")
        writes = [
            {"$type": "com.atproto.repo.applyWrites#create", "collection": c, "value": v}
            for c, v in creates
        ]
        out = self.procedure(
            "com.atproto.repo.applyWrites", {"repo": account.did, "writes": writes}, auth=account
        )
        return [Ref(r["uri"], r["cid"]) for r in out["results"]]

    def bulk_posts(
        self,
        account: Account,
        records: Iterable[dict[str, Any]],
        *,
        batch: int = MAX_APPLY_WRITES,
    ) -> Iterator[Ref]:
        """Create many app.bsky.feed.post records with applyWrites, `batch` per commit.
        Build the records with post_record(); a reply's Ref carries its thread root."""
        chunk: list[dict[str, Any]] = []

        def flush() -> list[Ref]:
            refs = self.apply_writes(account, [(POST, r) for r in chunk])
            out = []
            for rec, ref in zip(chunk, refs, strict=True):
                root = rec.get("reply", {}).get("root")
                out.append(Ref(ref.uri, ref.cid, Ref(root["uri"], root["cid"]) if root else None))
            chunk.clear()
            return out

        for rec in records:
            chunk.append(rec)
            if len(chunk) >= batch:
                yield from flush()
        if chunk:
            yield from flush()

    def list_records(self, repo: str, collection: str, *, limit: int = 100) -> list[dict]:
        """Every record of a collection (com.atproto.repo.listRecords, paged by cursor)."""
        out: list[dict] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"repo": repo, "collection": collection, "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = self.query("com.atproto.repo.listRecords", params)
            out.extend(page["records"])
            cursor = page.get("cursor")
            if not cursor or not page["records"]:
                return out


def mention_facets(text: str, mentions: Iterable[Account]) -> list[dict[str, Any]]:
    """Mention facets with UTF-8 byte offsets for each '@handle' in text."""
    raw = text.encode("utf-8")
    facets = []
    for acct in mentions:
        needle = f"@{acct.handle}".encode()
        start = raw.find(needle)
        if start < 0:
            raise ValueError(f"text does not mention @{acct.handle}")
        while start >= 0:
            facets.append(
                {
                    "index": {"byteStart": start, "byteEnd": start + len(needle)},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": acct.did}],
                }
            )
            start = raw.find(needle, start + len(needle))
    facets.sort(key=lambda f: f["index"]["byteStart"])
    return facets


def post_record(
    text: str,
    *,
    reply_to: Ref | None = None,
    quote: Ref | None = None,
    mentions: Iterable[Account] = (),
    created_at: str | datetime | None = None,
    langs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The app.bsky.feed.post record that post() writes (for bulk_posts / applyWrites)."""
    if isinstance(created_at, datetime):
        created_at = now_iso(created_at)
    record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": created_at or now_iso()}
    facets = mention_facets(text, mentions)
    if facets:
        record["facets"] = facets
    if reply_to is not None:
        record["reply"] = {"root": reply_to.thread_root.strong, "parent": reply_to.strong}
    if quote is not None:
        record["embed"] = {"$type": "app.bsky.embed.record", "record": quote.strong}
    if langs:
        record["langs"] = list(langs)
    return record


# -- the network process -------------------------------------------------------------------


def node_problem() -> str | None:
    """Why the local network cannot start here, or None."""
    node = shutil.which("node")
    if not node:
        return "node is not installed (the Bluesky connector tests run a real PDS on Node.js)"
    if not (PDS_DIR / "node_modules" / "@atproto" / "dev-env").is_dir():
        return f"the PDS packages are not installed: run scripts/pds-setup ({PDS_DIR})"
    return None


class PdsNetwork:
    """A running start.mjs: PLC directory, PDS and (unless appview=False) the Bluesky AppView."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        info: dict[str, Any],
        workdir: Path,
        db_url: str | None = None,
    ) -> None:
        self.proc = proc
        self.info = info
        self.workdir = workdir
        self.pds_url: str = info["pds"]
        self.plc_url: str = info["plc"]
        self.appview_url: str | None = info.get("appview")
        self.control_url: str = info["control"]
        self.startup_seconds: float = info.get("wall_seconds", 0.0)
        self.client = PdsClient(self.pds_url)
        self._control = httpx.Client(base_url=self.control_url, timeout=60)
        self._db_url = db_url

    @classmethod
    def start(
        cls,
        *,
        appview: bool = True,
        db_url: str | None = None,
        timeout: float = 120.0,
        env: dict[str, str] | None = None,
    ) -> PdsNetwork:
        problem = node_problem()
        if problem:
            raise PdsUnavailable(problem)
        workdir = Path(tempfile.mkdtemp(prefix="socialdesk-pds-run-"))
        args = ["node", str(START_SCRIPT), "--watch-stdin"]
        if not appview:
            args.append("--no-appview")
        if db_url:
            # an SQLAlchemy URL (postgresql+psycopg://) -> a libpq one for node-postgres
            scheme, sep, rest = db_url.partition("://")
            args += ["--db", scheme.split("+", 1)[0] + sep + rest]
        out_path, err_path = workdir / "stdout.log", workdir / "stderr.log"
        t0 = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            # stdin stays open as a pipe: when this process dies, start.mjs sees EOF and stops.
            proc = subprocess.Popen(
                args,
                cwd=PDS_DIR,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        deadline = t0 + timeout
        while True:
            for line in out_path.read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    try:
                        info = json.loads(line)
                    except ValueError:
                        continue
                    if info.get("ready"):
                        info["wall_seconds"] = time.monotonic() - t0
                        return cls(proc, info, workdir, db_url)
            if proc.poll() is not None:
                tail = err_path.read_text(errors="replace")[-3000:]
                shutil.rmtree(workdir, ignore_errors=True)
                why = next(
                    (ln for ln in tail.splitlines() if "start-up failed" in ln),
                    tail.strip().splitlines()[-1] if tail.strip() else "",
                )
                raise PdsUnavailable(f"start.mjs exited with {proc.returncode}: {why}\n{tail}")
            if time.monotonic() > deadline:
                tail = err_path.read_text(errors="replace")[-3000:]
                cls._kill(proc)
                shutil.rmtree(workdir, ignore_errors=True)
                raise PdsUnavailable(f"start.mjs not ready after {timeout:.0f} s:\n{tail}")
            time.sleep(0.1)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes], grace: float = 25.0) -> None:
        if proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def stop(self) -> None:
        self.client.close()
        self._control.close()
        self._kill(self.proc)
        if self.proc.stdin:
            self.proc.stdin.close()
        if self.proc.returncode != 0:
            self._drop_schemas()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _drop_schemas(self) -> None:
        """start.mjs drops its schemas on exit; if it was killed, do it from here."""
        schema = self.info.get("schema")
        if not schema or not self._db_url:
            return
        from sqlalchemy import text

        from socialdesk.store.engine import make_engine

        try:
            engine = make_engine(self._db_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                for name in (f"appview_{schema}", f"ozone_{schema}"):
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            engine.dispose()
        except Exception:  # best effort: a throw-away database
            pass

    @property
    def log(self) -> str:
        """start.mjs's stderr so far (for a failing test's message)."""
        try:
            return (self.workdir / "stderr.log").read_text(errors="replace")
        except OSError:
            return ""

    def process_all(self, timeout_ms: int = 60000) -> float:
        """Wait until the AppView has indexed every write so far; returns seconds taken.

        The AppView indexes each repo's writes in parallel with other repos'. A reply indexed
        before its parent post gets no reply notification (the parent's author is looked up
        in the index), so call this between writing posts and writing replies to them."""
        resp = self._control.post(
            "/process-all", params={"timeout_ms": timeout_ms}, timeout=timeout_ms / 1000 + 30
        )
        body = resp.json()
        if resp.status_code != 200 or not body.get("ok"):
            raise RuntimeError(f"process-all failed: {body}")
        return body["ms"] / 1000

    def unique_handle(self, prefix: str = "user") -> str:
        """A handle on the PDS's .test domain; the PDS allows 3..18 characters before it."""
        prefix = "".join(ch for ch in prefix.lower() if ch.isalnum())[:10] or "user"
        return f"{prefix}{secrets.token_hex(4)}.test"

    def new_account(self, prefix: str = "user", *, app_password: bool = True) -> Account:
        """A fresh account (unique handle) with an app password, as the product connects."""
        password = secrets.token_urlsafe(12)
        acct = self.client.create_account(self.unique_handle(prefix), password)
        if app_password:
            self.client.create_app_password(acct)
        return acct
