"""Generic messages import: any CSV, workbook or JSON of comments and messages.

For exports of other inbox tools, spreadsheets a team kept by hand, and the demo. Detection
never picks this format on its own: ask for it by name, with or without a mapping:

    socialdesk import comments.csv --format messages_generic_mapped [--mapping map.toml]

Without a mapping the columns are found by their usual names in English and Dutch (below).
A mapping (TOML) names them when they are called otherwise, and may say the platform and
which authors are the organisation:

    platform = "instagram"                 # default "other"
    org_authors = ["stichting_groen"]      # authors whose messages are the organisation's
    [columns]
    text = "Comment body"
    author_handle = "User"
    received_at = "Posted (UTC)"

Canonical columns: external_id, received_at, text, author_handle (required; without an id
the row's position and text make one), author_name, author_followers, language,
is_from_org, in_reply_to, thread_external_id, kind, post_external_id, subject, permalink,
answered_by, label_sentiment, label_intent, label_urgency, account_handle. Times without an
offset are read as Europe/Amsterdam wall-clock time and stored as UTC.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from socialdesk.errors import ImportError_, RowInvalid
from socialdesk.importers._messages import MESSAGE_FIELDS, message_frame
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.jsonprobe import flatten, json_records
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import file_row

NAME = "messages_generic_mapped"
COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "message_id", "comment_id", "message id", "comment id", "bericht id"),
    "received_at": (
        "received_at",
        "created_at",
        "created_time",
        "timestamp",
        "date",
        "time",
        "datum",
        "tijd",
        "ontvangen",
        "posted",
    ),
    "text": ("text", "message", "comment", "body", "content", "bericht", "reactie", "tekst"),
    "author_handle": (
        "author_handle",
        "author",
        "from",
        "user",
        "username",
        "handle",
        "auteur",
        "afzender",
        "gebruiker",
        "naam",
    ),
    "author_name": ("author_name", "name", "display_name", "weergavenaam"),
    "author_followers": ("author_followers", "followers", "volgers"),
    "language": ("language", "lang", "taal"),
    "is_from_org": ("is_from_org", "from_org", "outbound", "van_organisatie"),
    "in_reply_to": ("in_reply_to", "parent_id", "reply_to", "antwoord_op"),
    "thread_external_id": ("thread_external_id", "thread_id", "conversation_id", "gesprek"),
    "kind": ("kind", "type", "soort"),
    "post_external_id": ("post_external_id", "post_id", "post id"),
    "subject": ("subject", "topic", "onderwerp", "post_text"),
    "permalink": ("permalink", "url", "link"),
    "answered_by": ("answered_by", "agent", "beantwoord_door", "medewerker"),
    "label_sentiment": ("label_sentiment", "sentiment"),
    "label_intent": ("label_intent", "intent"),
    "label_urgency": ("label_urgency", "urgency", "urgentie"),
    "account_handle": ("account_handle", "account", "page", "pagina"),
    "platform": ("platform", "platform_name", "kanaal"),
}
_TRUE = frozenset({"1", "true", "yes", "ja", "waar", "y", "j"})


class MappingInvalid(ImportError_):
    pass


def _mapping(ctx: ReadContext) -> dict:
    path = ctx.options.get("mapping")
    if not path:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingInvalid(ctx.file, f"mapping {path} cannot be read: {exc}") from exc
    unknown = set(data.get("columns", {})) - set(COLUMNS)
    if unknown:
        raise MappingInvalid(
            ctx.file,
            f"mapping {path} names unknown field(s) {sorted(unknown)}; known: {', '.join(COLUMNS)}",
        )
    return data


def _frames(table: Table, ctx: ReadContext) -> Iterator[pd.DataFrame]:
    if table.probe.kind == "json":
        _c, records = json_records(table.probe.path, ctx.file)
        frame = pd.DataFrame([flatten(r) for r in records])
        frame[ROW_COL] = range(1, len(frame) + 1)
        yield frame
    else:
        yield from table.frames()


def _fields(header: list[str], mapping: dict, table: Table, ctx: ReadContext) -> dict[str, str]:
    normal = {normalise_header(h): h for h in header}
    given = mapping.get("columns", {})
    out: dict[str, str] = {}
    for canonical, spellings in COLUMNS.items():
        if canonical in given:
            name = normal.get(normalise_header(given[canonical]))
            if name is None:
                raise MappingInvalid(
                    ctx.file,
                    f"mapping {ctx.options.get('mapping')} names column "
                    f"{given[canonical]!r} for {canonical}, which the file lacks.",
                )
            out[canonical] = name
            continue
        for sp in spellings:
            if normalise_header(sp) in normal:
                out[canonical] = normal[normalise_header(sp)]
                break
    for req in ("received_at", "text", "author_handle"):
        if req not in out:
            raise MappingInvalid(
                ctx.file,
                f"no column for {req} (known names: {', '.join(COLUMNS[req])}); "
                "name it in a mapping file (--mapping).",
            )
    return out


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    mapping = _mapping(ctx)
    platform = str(mapping.get("platform", "other"))
    org_authors = {str(a).casefold() for a in mapping.get("org_authors", [])}
    if ctx.account:
        org_authors.add(ctx.account.casefold())
    for frame in _frames(table, ctx):
        if frame.empty:
            continue
        header = [c for c in frame.columns if c != ROW_COL]
        fields = _fields(header, mapping, table, ctx)
        out = pd.DataFrame(index=frame.index)
        for canonical, column in fields.items():
            values = frame[column].astype(object).where(frame[column].notna(), None)
            out[canonical] = values.map(lambda v: v.strip() if isinstance(v, str) else v).replace(
                "", None
            )
        when = pd.to_datetime(out["received_at"], errors="coerce", utc=False, format="mixed")
        bad = out["received_at"].notna() & when.isna()
        if bad.any():
            i = bad.idxmax()
            raise RowInvalid(
                ctx.file,
                file_row(frame, i),
                fields["received_at"],
                f"{out.at[i, 'received_at']!r} is not a date and time.",
            )
        if getattr(when.dt, "tz", None) is None:
            when = when.dt.tz_localize(ctx.timezone, ambiguous="NaT", nonexistent="shift_forward")
        out["received_at"] = when.dt.tz_convert("UTC").dt.tz_localize(None)
        if "external_id" not in out:
            out["external_id"] = [
                hashlib.sha256(f"{r}|{a}|{t}".encode()).hexdigest()[:24]
                for r, a, t in zip(
                    out["received_at"], out["author_handle"], out["text"], strict=True
                )
            ]
        if "is_from_org" in out:
            out["is_from_org"] = out["is_from_org"].map(lambda v: str(v).strip().lower() in _TRUE)
        else:
            out["is_from_org"] = out["author_handle"].map(
                lambda a: str(a).casefold() in org_authors
            )
        if "author_followers" in out:
            out["author_followers"] = pd.to_numeric(out["author_followers"], errors="coerce")
        file_platform = out.pop("platform") if "platform" in out else None
        records = out[[c for c in MESSAGE_FIELDS if c in out.columns]].to_dict("records")
        msgs = message_frame(records, ctx.file, frame[ROW_COL].tolist())
        if file_platform is None:
            yield Chunk(
                "messages", AccountRef(platform, ctx.account or f"{platform} account"), msgs
            )
            continue
        for value, part in msgs.groupby(
            file_platform.fillna(platform).astype(str).str.lower().to_numpy(), sort=False
        ):
            name = str(value)  # a platform name (pandas-stubs types an array's keys as tuples)
            yield Chunk("messages", AccountRef(name, ctx.account or f"{name} account"), part)


FORMAT = ExportFormat(
    name=NAME,
    platform="other",
    title=N_("Generic messages (CSV, XLSX or JSON, optionally with a mapping)"),
    how_to=N_(
        "Any table of comments or messages: ask for it with --format messages_generic_mapped "
        "(and --mapping MAP.toml when its columns have other names)."
    ),
    columns=COLUMNS,
    required=(),
    extensions=(".csv", ".txt", ".xlsx", ".xls", ".json"),
    read=read,
)
