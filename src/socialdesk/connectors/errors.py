"""What can go wrong when talking to a platform's API, in words a social media manager reads.

Every failure is a ConnectorError with a `kind`; the kind says whether waiting helps:
  transient  rate (429, Retry-After), server (5xx), network: retried with backoff, then the
             stream stops for this run and the next run tries again
  permanent  auth (token expired or revoked), permission (a scope is missing), not_found,
             shape (the answer is not what the API documents), input (refused at connect):
             the stream stops and the connection says what the person must do
"""

from __future__ import annotations

import datetime as dt

TRANSIENT = ("rate", "server", "network")
PERMANENT = ("auth", "permission", "not_found", "shape", "input")


class ConnectorError(Exception):
    """A failure of one request, stream or connection, with its reason in plain words.

    `message` is an English sentence (the faces translate it through the message catalogue);
    `detail` is what the API said, trimmed, never a credential.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        detail: str | None = None,
        stream: str | None = None,
        field: str | None = None,
        retry_at: dt.datetime | None = None,
        status: int | None = None,
    ) -> None:
        assert kind in TRANSIENT + PERMANENT, kind
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = (detail or "")[:300] or None
        self.stream = stream
        self.field = field
        self.retry_at = retry_at
        self.status = status

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT

    def for_stream(self, stream: str) -> ConnectorError:
        self.stream = self.stream or stream
        return self

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "message": self.message,
            "detail": self.detail,
            "stream": self.stream,
            "field": self.field,
            "status": self.status,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
        }

    def __str__(self) -> str:
        where = f"{self.stream}: " if self.stream else ""
        tail = f" ({self.detail})" if self.detail else ""
        return f"{where}{self.message}{tail}"


def shape_error(stream: str, field: str, what: str) -> ConnectorError:
    """An answer that does not match the documented shape: names stream and field."""
    return ConnectorError(
        "shape",
        f"the API's answer does not have the expected shape: {field} {what}",
        stream=stream,
        field=field,
    )
