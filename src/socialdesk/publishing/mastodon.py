"""Publishing to Mastodon (REST API): a status with images or a video and their descriptions,
and the first comment as the account's own reply.

Endpoints (docs.joinmastodon.org/methods):
  POST /api/v2/media (media/#v2)   multipart `file` and `description`; 200 with a
                                   MediaAttachment when processed at once, 202 with "url": null
                                   while the full-size file is processed in the background
  GET /api/v1/media/:id (#get)     206 Partial Content while still processing, 200 when done
  POST /api/v1/statuses (#create)  status, media_ids[], visibility, language, in_reply_to_id;
                                   header Idempotency-Key; 422 "Cannot attach files that have
                                   not finished processing" when media is not ready yet
  GET /api/v1/accounts/:id/statuses (accounts/#statuses), limit 40, max_id (Link rel="next"):
                                   the account's recent statuses, for find()
  GET /api/v1/accounts/verify_credentials: the account id, when the session does not hold it
Errors are {"error": "..."}: 401 invalid token, 403 outside the token's scopes (publishing
needs write:statuses and write:media), 422 validation (the text's character limit, a file
Mastodon cannot read), 429 with X-RateLimit-Reset.

Exactly once: the status is sent with Idempotency-Key = the run's key (the first comment with
key + ":comment"), so the client's own retries, and a publish() again within the hour, get
the status the first request made instead of a second one. Mastodon keeps a key for one hour
only, so find() does not rely on it: after a crash or a timeout the worker asks find(), which
looks through the account's statuses since the attempt began for one with the draft's text
(links and mentions aside, as Mastodon renders them) and as many media; only when none is
there does the worker send again. A media upload is not idempotent, but an upload sent twice
leaves only an unattached file, which the instance removes by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import httpx

from socialdesk.connectors.base import N_
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.importers._messages import html_text
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent

__all__ = [
    "PUBLISHER",
    "cancel",
    "comment",
    "comparable",
    "find",
    "hand_over",
    "pending",
    "publish",
]

NETWORK = "mastodon"
STREAM = "publish"  # the `stream` an answer's shape error names
MEDIA_WAIT = 60.0  # seconds in all to wait for media to be processed, then the worker retries
MEDIA_POLL_MAX = 10.0  # the longest pause between two looks at a media attachment
NOT_READY_WAITS = (2.0, 4.0, 8.0, 16.0)  # pauses when the status call says media is not ready
PAGE = 40
FIND_PAGES = 5  # at most 200 statuses back: a worker asks within hours, not weeks
FIND_SLACK = dt.timedelta(minutes=1)  # clocks of this machine and the instance differ a little


# -- publish ------------------------------------------------------------------------------
def publish(api: ApiClient, draft: Draft, key: str) -> Sent:
    """Upload the media, wait until Mastodon has processed them, post the status with the
    Idempotency-Key `key`, then the first comment as a reply. A failure of the comment after
    the status went out does not fail the publish: it is in answer["comment_error"]."""
    media_ids = [_upload(api, media) for media in draft.media]
    status = _post_status(
        api,
        {
            "status": draft.text,
            "media_ids[]": media_ids or None,
            "visibility": draft.visibility,
            "language": draft.language,
        },
        key,
    )
    comment: dict[str, Any] | None = None
    comment_error: ConnectorError | None = None
    if draft.first_comment and draft.first_comment.strip():
        try:
            comment = _post_status(
                api,
                {
                    "status": draft.first_comment,
                    "in_reply_to_id": status["id"],
                    "visibility": _comment_visibility(draft.visibility),
                    "language": draft.language,
                },
                f"{key}:comment",
            )
        except ConnectorError as exc:
            comment_error = exc
    extra = {"comment_error": comment_error.as_dict()} if comment_error else {}
    return _sent(status, comment_id=str(comment["id"]) if comment else None, **extra)


def _comment_visibility(visibility: str) -> str:
    """A reply to one's own public post goes unlisted (it stays off the public timelines);
    a post for followers or mentioned people only keeps its audience."""
    return "unlisted" if visibility == "public" else visibility


def _upload(api: ApiClient, media: MediaFile) -> str:
    try:
        content = media.path.read_bytes()
    except OSError as exc:
        raise ConnectorError(
            "input",
            N_("a media file of this post cannot be read from the workspace"),
            detail=f"{media.path.name}: {exc.strerror or exc}",
            field="media",
        ) from None
    form = {"description": media.alt} if media.alt else None
    try:
        response = api.request(
            "POST",
            "/api/v2/media",
            files={"file": (media.path.name, content, media.mime)},
            data=form,
        )
    except ConnectorError as exc:
        raise _refused(exc, media) from None
    attachment = _object(response, "media")
    if not attachment.get("id"):
        raise shape_error(STREAM, "media.id", "is missing")
    media_id = str(attachment["id"])
    if response.status_code == 202:
        _wait_processed(api, media, media_id)
    return media_id


def _wait_processed(api: ApiClient, media: MediaFile, media_id: str) -> None:
    """Look at the attachment until Mastodon answers 200 (processed) instead of 206, pausing
    1, 2, 4, 8, 10, 10 ... seconds, at most MEDIA_WAIT seconds in all."""
    waited = 0.0
    pause = 1.0
    while waited < MEDIA_WAIT:
        step = min(pause, MEDIA_WAIT - waited)
        api.sleep(step)
        waited += step
        pause = min(pause * 2, MEDIA_POLL_MAX)
        try:
            response = api.request("GET", f"/api/v1/media/{media_id}")
        except ConnectorError as exc:
            raise _refused(exc, media) from None
        if response.status_code == 200:
            return
    raise ConnectorError(
        "server",
        N_("Mastodon is still processing a media file of this post; the next try goes on"),
        detail=f"{media.path.name}: not processed after {round(waited)} s",
    )


# -- scheduled statuses: the instance publishes at the time, this machine may be off --------
SCHEDULE_AHEAD = dt.timedelta(minutes=10)  # Mastodon takes scheduled_at 5 minutes ahead or more


def hand_over(api: ApiClient, draft: Draft, key: str, at: dt.datetime) -> str:
    """Give the status to the instance as a scheduled status (POST /api/v1/statuses with
    scheduled_at; methods/statuses#create, entities/ScheduledStatus): the instance publishes
    it at `at` (UTC) whether or not socialdesk runs then. The Idempotency-Key is the run's key
    and the time, so a retry within the hour gets the same scheduled status. Returns its id.
    The first comment cannot be scheduled (its parent does not exist yet): the worker posts
    it once the status is out (comment())."""
    media_ids = [_upload(api, media) for media in draft.media]
    when = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
    scheduled = _post_status(
        api,
        {
            "status": draft.text,
            "media_ids[]": media_ids or None,
            "visibility": draft.visibility,
            "language": draft.language,
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        },
        f"{key}:at:{when:%Y%m%dT%H%M%S}",
        required=("id", "scheduled_at"),
    )
    return str(scheduled["id"])


def cancel(api: ApiClient, handed_id: str) -> bool:
    """Take a scheduled status back (DELETE /api/v1/scheduled_statuses/:id): True when it was
    still waiting, False when the instance has none by that id (published or deleted)."""
    try:
        api.request("DELETE", f"/api/v1/scheduled_statuses/{handed_id}")
    except ConnectorError as exc:
        if exc.status == 404:
            return False
        raise _refused(exc, None) from None
    return True


def pending(api: ApiClient, handed_id: str) -> bool:
    """Whether the instance still holds the scheduled status (GET
    /api/v1/scheduled_statuses/:id: 200, or 404 once it is published or deleted)."""
    try:
        api.request("GET", f"/api/v1/scheduled_statuses/{handed_id}")
    except ConnectorError as exc:
        if exc.status == 404:
            return False
        raise
    return True


def held(api: ApiClient, draft: Draft, at: dt.datetime) -> list[str]:
    """The scheduled statuses the account holds with the draft's text for `at` (GET
    /api/v1/scheduled_statuses, methods/scheduled_statuses#get, Link paging): after a
    hand-over whose answer was lost, what the instance made of it."""
    when = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
    wanted = comparable(draft.text)
    found: list[str] = []
    max_id: str | None = None
    for _ in range(FIND_PAGES):
        response = api.request(
            "GET", "/api/v1/scheduled_statuses", params={"limit": PAGE, "max_id": max_id}
        )
        try:
            body = response.json()
        except ValueError:
            raise shape_error(STREAM, "scheduled_statuses", "is not JSON") from None
        if not isinstance(body, list):
            raise shape_error(STREAM, "scheduled_statuses", "is not a list")
        for i, raw in enumerate(body):
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("scheduled_at"):
                raise shape_error(STREAM, f"scheduled_statuses[{i}]", "is not a scheduled status")
            params: dict[str, Any] = raw["params"] if isinstance(raw.get("params"), dict) else {}
            same_time = abs(
                _when(raw["scheduled_at"], f"scheduled_statuses[{i}].scheduled_at") - when
            ) < dt.timedelta(seconds=1)
            if same_time and comparable(str(params.get("text") or "")) == wanted:
                found.append(str(raw["id"]))
        max_id = _next_max_id(response)
        if max_id is None:
            break
    return found


def comment(api: ApiClient, draft: Draft, key: str, sent: Sent) -> Sent:
    """Post the first comment under a status the instance published by itself; a failure is
    kept in answer["comment_error"], as publish() does."""
    if not draft.first_comment or not draft.first_comment.strip():
        return sent
    if sent.answer.get("comment_id"):
        return sent
    try:
        reply = _post_status(
            api,
            {
                "status": draft.first_comment,
                "in_reply_to_id": sent.remote_id,
                "visibility": _comment_visibility(draft.visibility),
                "language": draft.language,
            },
            f"{key}:comment",
        )
    except ConnectorError as exc:
        return replace(sent, answer={**sent.answer, "comment_error": exc.as_dict()})
    return replace(sent, answer={**sent.answer, "comment_id": str(reply["id"])})


def _post_status(
    api: ApiClient,
    form: dict[str, Any],
    key: str,
    required: tuple[str, ...] = ("id", "created_at"),
) -> dict[str, Any]:
    """POST /api/v1/statuses with the Idempotency-Key. The client retries network errors,
    429 and 5xx itself (the key makes a retry safe); a 422 "not finished processing" is
    waited out here a few times."""
    data = {name: value for name, value in form.items() if value is not None}
    for pause in (*NOT_READY_WAITS, None):
        try:
            response = api.request(
                "POST", "/api/v1/statuses", data=data, headers={"Idempotency-Key": key}
            )
        except ConnectorError as exc:
            if not _not_ready(exc):
                raise _refused(exc, None) from None
            if pause is None:
                raise ConnectorError(
                    "server",
                    N_("Mastodon has not finished processing the media; the next try goes on"),
                    detail=_words(exc),
                    status=exc.status,
                ) from None
            api.sleep(pause)
            continue
        status = _object(response, "status")
        for name in required:
            if not status.get(name):
                raise shape_error(STREAM, f"status.{name}", "is missing")
        return status
    raise AssertionError("unreachable")  # pragma: no cover


def _not_ready(exc: ConnectorError) -> bool:
    return exc.status == 422 and "finished processing" in (exc.detail or "")


def _words(exc: ConnectorError) -> str:
    """The API's own words, without the status code default_error puts in front."""
    return re.sub(r"^\d{3}: ", "", exc.detail or "")


_CHAR_LIMIT = re.compile(r"character limit", re.IGNORECASE)


def _refused(exc: ConnectorError, media: MediaFile | None) -> ConnectorError:
    """Mastodon's refusals in words that say what to do; other errors as the client made them
    (401 auth, 429 rate with its retry time, 5xx server, network)."""
    if exc.status == 403:
        return ConnectorError(
            "permission",
            N_(
                "the Mastodon token may not publish: make a token with the scopes "
                "write:statuses and write:media and connect again"
            ),
            detail=_words(exc),
            status=403,
        )
    if exc.status == 422 and media is not None:
        return ConnectorError(
            "input",
            N_("Mastodon does not accept this media file (its type or content is not valid)"),
            detail=f"{media.path.name}: {_words(exc)}",
            field="media",
            status=422,
        )
    if exc.status == 422 and _CHAR_LIMIT.search(exc.detail or ""):
        return ConnectorError(
            "input",
            N_("the text is longer than this Mastodon server's character limit: shorten it"),
            detail=_words(exc),  # "Validation failed: Text character limit of 500 exceeded"
            field="text",
            status=422,
        )
    if exc.status == 422:
        return ConnectorError(
            "input", N_("Mastodon refused the post"), detail=_words(exc), status=422
        )
    return exc


def _object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise shape_error(STREAM, what, "is not JSON") from None
    if not isinstance(body, dict):
        raise shape_error(STREAM, what, "is not an object")
    return body


def _sent(status: dict[str, Any], *, comment_id: str | None, **extra: Any) -> Sent:
    media = [m for m in status.get("media_attachments") or [] if isinstance(m, dict)]
    url = status.get("url") or status.get("uri")
    if not url:
        raise shape_error(STREAM, "status.url", "is missing")
    return Sent(
        remote_id=str(status["id"]),
        url=str(url),
        published_at=_when(status["created_at"], "status.created_at"),
        answer={
            "id": str(status["id"]),
            "uri": status.get("uri"),
            "url": status.get("url"),
            "media_ids": [str(m["id"]) for m in media if m.get("id")],
            "comment_id": comment_id,
            **extra,
        },
    )


def _when(value: Any, field: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise shape_error(STREAM, field, "is not a time") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


# -- find ---------------------------------------------------------------------------------
def find(api: ApiClient, draft: Draft, key: str, since: dt.datetime) -> Sent | None:
    """The status this draft made since `since` (a minute's slack for the clocks), if there is
    one: the account's own post (no reply, no boost) whose text reads as the draft's, links
    and mentions aside, with as many media. Mastodon keeps an Idempotency-Key an hour only,
    so the key is not asked for. The oldest match wins; its reply with the first comment's
    text, if any, gives comment_id."""
    floor = (since if since.tzinfo else since.replace(tzinfo=dt.UTC)) - FIND_SLACK
    wanted = comparable(draft.text)
    comment = comparable(draft.first_comment) if draft.first_comment else None
    account = _account_id(api)
    found: dict[str, Any] | None = None
    replies: list[dict[str, Any]] = []
    max_id: str | None = None
    for _ in range(FIND_PAGES):
        response = api.request(
            "GET",
            f"/api/v1/accounts/{account}/statuses",
            params={"limit": PAGE, "exclude_reblogs": "true", "max_id": max_id},
        )
        try:
            body = response.json()
        except ValueError:
            raise shape_error(STREAM, "statuses", "is not JSON") from None
        if not isinstance(body, list):
            raise shape_error(STREAM, "statuses", "is not a list")
        older = False
        for i, raw in enumerate(body):
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("created_at"):
                raise shape_error(STREAM, f"statuses[{i}]", "is not a status")
            if _when(raw["created_at"], f"statuses[{i}].created_at") < floor:
                older = True
                break
            if raw.get("reblog"):
                continue
            if raw.get("in_reply_to_id") is not None:
                replies.append(raw)
            elif comparable(html_text(raw.get("content"))) == wanted and len(
                raw.get("media_attachments") or []
            ) == len(draft.media):
                found = raw  # newest first: a later match is an older status
        max_id = _next_max_id(response)
        if older or max_id is None:
            break
    if found is None:
        return None
    comment_id = None
    if comment is not None:
        for reply in reversed(replies):  # the oldest first
            if reply.get("in_reply_to_id") == found["id"] and (
                comparable(html_text(reply.get("content"))) == comment
            ):
                comment_id = str(reply["id"])
                break
    return _sent(found, comment_id=comment_id, found_by="text and time")


def _account_id(api: ApiClient) -> str:
    """The account's id: from the client's session when the run put it there (the
    connection's external_id, which connect() took from verify_credentials), else asked once
    and kept in the session for the next question."""
    known = api.session.get("account_id") or api.session.get("external_id")
    if known:
        return str(known)
    me = api.get_json("/api/v1/accounts/verify_credentials")
    if not isinstance(me, dict) or not me.get("id"):
        raise shape_error(STREAM, "verify_credentials.id", "is missing")
    api.session["account_id"] = str(me["id"])
    return str(me["id"])


def _next_max_id(response: httpx.Response) -> str | None:
    url = (response.links.get("next") or {}).get("url")
    if not url:
        return None
    value = httpx.URL(url).params.get("max_id")
    return str(value) if value else None


_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])(@\w+)@[\w-]+(?:\.[\w-]+)+")


def comparable(text: str | None) -> str:
    """A status's text as find() compares it: without links (Mastodon shows them shortened,
    and a link's tracking parameters may differ between tries), mentions of other servers'
    accounts as Mastodon shows them (@name, without the server), whitespace as one space."""
    if not text:
        return ""
    text = _MENTION.sub(r"\1", _URL.sub(" ", text))
    return " ".join(text.split())


PUBLISHER = Publisher(
    network=NETWORK,
    publish=publish,
    find=find,
    hand_over=hand_over,
    cancel=cancel,
    pending=pending,
    comment=comment,
    held=held,
    ahead=SCHEDULE_AHEAD,
)
