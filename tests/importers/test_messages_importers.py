"""The message importers on their fixtures, on SQLite and PostgreSQL: threads, org, labels."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from socialdesk.importers import get_format
from socialdesk.importers.detect import detect
from socialdesk.model import Message, MessageLabel, MessageThread
from tests.conftest import fixture_path


def _inbox(name: str):
    return fixture_path("inbox", name)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("twcs_layout.csv", "twcs_csv"),
        ("meta_graph_comments.json", "meta_graph_comments_json"),
        ("meta_graph_conversations.json", "meta_graph_comments_json"),
        ("mastodon_notifications.json", "mastodon_notifications_json"),
        ("mastodon_statuses.json", "mastodon_notifications_json"),
        ("bluesky_notifications.json", "bluesky_notifications_json"),
        ("bluesky_feed_viewpost.json", "bluesky_notifications_json"),
    ],
)
def test_detection(name, fmt):
    from socialdesk.importers import builtin_formats

    assert detect(_inbox(name), builtin_formats()).format.name == fmt


def test_generic_is_only_chosen_by_name():
    from socialdesk.errors import FormatNotRecognised
    from socialdesk.importers import builtin_formats

    with pytest.raises(FormatNotRecognised):
        detect(_inbox("messages_generic.csv"), builtin_formats())
    assert detect(_inbox("messages_generic.csv"), [get_format("messages_generic_mapped")])


def _threads(ws):
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(
                MessageThread.external_id,
                MessageThread.status,
                MessageThread.opened_at,
                MessageThread.done_at,
                MessageThread.id,
            ).where(MessageThread.workspace_id == ws.workspace_id)
        ).all()
    return {r[0]: r for r in rows}


def _messages(ws):
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(
                Message.external_id,
                Message.thread_id,
                Message.is_from_org,
                Message.author_handle,
                Message.text,
                Message.received_at,
                Message.author_followers,
                Message.kind,
                Message.language,
            ).where(Message.workspace_id == ws.workspace_id)
        ).all()
    return {r[0]: r for r in rows}


def test_twcs_threads_brands_and_idempotence(ws, importer):
    report = importer.import_paths([_inbox("twcs_layout.csv")])[0]
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_added) == (9, 9)
    assert report.counts["message_thread"]["added"] == 4
    threads = _threads(ws)
    msgs = _messages(ws)
    # 1001 <- 1002 <- 1003 <- 1004 is one thread, answered last by the brand: done
    t = threads["1001"]
    assert {msgs[m][1] for m in ("1001", "1002", "1003", "1004")} == {t[4]}
    assert t[1] == "done"
    assert t[2] == dt.datetime(2025, 3, 3, 8, 15) and t[3] == dt.datetime(2025, 3, 3, 10, 20)
    assert threads["1007"][1] == "new"
    assert msgs["1002"][2] is True and msgs["1001"][2] is False
    assert msgs["1001"][4].startswith("@GroenFonds mijn donatie")
    again = importer.import_paths([_inbox("twcs_layout.csv")])[0]
    assert again.status == "unchanged"


def test_meta_comments_replies_join_their_top_comment(ws, importer):
    report = importer.import_paths([_inbox("meta_graph_comments.json")], account="GroenFonds")[0]
    assert report.status == "imported", report.error
    msgs = _messages(ws)
    threads = _threads(ws)
    assert msgs["1020304050_9003"][1] == msgs["1020304050_9002"][1] == threads["1020304050_9002"][4]
    assert msgs["1020304050_9003"][2] is True  # the Page, named by --account
    assert msgs["1020304050_9004"][3] == "unknown"  # no `from`: hidden by privacy
    # the Page answered, then Karel's neighbour wrote again: open
    assert threads["1020304050_9002"][1] == "open"
    assert msgs["1020304050_9001"][7] == "comment" and msgs["1020304050_9003"][7] == "reply"


def test_meta_conversations_find_the_page(ws, importer):
    report = importer.import_paths([_inbox("meta_graph_conversations.json")])[0]
    assert report.status == "imported", report.error
    assert any("1020304050" in n for n in report.notes)
    msgs = _messages(ws)
    assert msgs["m_a2"][2] is True and msgs["m_a1"][2] is False and msgs["m_a1"][7] == "dm"
    threads = _threads(ws)
    assert threads["t_100001"][1] == "done" and threads["t_100002"][1] == "open"


def test_mastodon_notifications(ws, importer):
    report = importer.import_paths([_inbox("mastodon_notifications.json")], account="groenfonds")[0]
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (2, 1)  # the favourite is not a message
    msgs = _messages(ws)
    first = msgs["113920000000000001"]
    assert first[4] == "@groenfonds Waar kan ik me aanmelden als vrijwilliger?"  # HTML to text
    assert first[6] == 312 and first[8] == "nl"
    dm = msgs["113925000000000007"]
    assert dm[7] == "dm" and dm[1] == first[1]  # a reply in the same thread
    assert dm[4] == '@groenfonds Thanks, the "plant a tree" day was great!\nSee you next year.'


def test_mastodon_real_status_sample(ws, importer):
    report = importer.import_paths([_inbox("mastodon_statuses.json")])[0]
    assert report.status == "imported", report.error
    msg = _messages(ws)["103270115826048975"]
    assert msg[3] == "Gargron" and msg[6] == 322930
    assert msg[4].startswith('"I lost my inheritance with one wrong digit on my sort code"')
    assert msg[5] == dt.datetime(2019, 12, 8, 3, 48, 33, 901000)


def test_bluesky_notifications_and_feed(ws, importer):
    report = importer.import_paths([_inbox("bluesky_notifications.json")])[0]
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (2, 1)  # the like is not a message
    threads = _threads(ws)
    assert "at://did:plc:org00000/app.bsky.feed.post/3lyorgpost01" in threads  # the root post
    feed = importer.import_paths([_inbox("bluesky_feed_viewpost.json")])[0]
    assert feed.status == "imported", feed.error
    msg = _messages(ws)["at://did:plc:4ndrbqakxpzgumqdgmx4jzu5/app.bsky.feed.post/3lykxkbvvuc2j"]
    assert msg[3] == "benjaminschneider.ch"
    assert msg[4] == "I finally found a patent with a straightforward title"


def test_generic_with_labels_and_platforms(ws, importer):
    report = importer.import_paths(
        [_inbox("messages_generic.csv")],
        format_name="messages_generic_mapped",
        account="@groenfonds",
    )[0]
    assert report.status == "imported", report.error
    msgs = _messages(ws)
    assert msgs["c2"][2] is True and msgs["c2"][1] == msgs["c1"][1]
    # 09:00 Amsterdam (winter, UTC+1) is stored as 08:00 UTC
    assert msgs["c1"][5] == dt.datetime(2025, 2, 3, 8, 0)
    with ws.engine.connect() as conn:
        labels = conn.execute(
            select(Message.external_id, MessageLabel.kind, MessageLabel.value)
            .join(MessageLabel, MessageLabel.message_id == Message.id)
            .where(Message.workspace_id == ws.workspace_id)
        ).all()
    assert ("c3", "intent", "complaint") in labels and len(labels) == 8
    with ws.engine.connect() as conn:
        platforms = set(
            conn.execute(
                select(Message.platform).where(Message.workspace_id == ws.workspace_id)
            ).scalars()
        )
    assert platforms == {"instagram", "facebook"}


def test_a_reply_in_a_later_file_joins_the_earlier_thread(ws, importer, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("id,date,author,text\nq1,2025-01-01 10:00,@ann,Waar is mijn pakket?\n")
    later = tmp_path / "b.csv"
    later.write_text(
        "id,date,author,text,in_reply_to\nr1,2025-01-01 11:00,@shop,Het komt morgen!,q1\n"
    )
    for f in (first, later):
        rep = importer.import_paths([f], format_name="messages_generic_mapped", account="@shop")[0]
        assert rep.status == "imported", rep.error
    msgs = _messages(ws)
    assert msgs["r1"][1] == msgs["q1"][1]
    assert _threads(ws)["q1"][1] == "done"


def test_a_bad_time_names_its_row(importer, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,author,text\nq1,2025-01-01 10:00,@ann,ok\nq2,gisteren,@bob,hm\n")
    rep = importer.import_paths([bad], format_name="messages_generic_mapped")[0]
    assert rep.status == "failed" and rep.error_row == 3 and "not a date" in rep.error


def test_invalid_json_is_refused_clearly(importer, tmp_path):
    bad = tmp_path / "comments.json"
    bad.write_text('{"data": [{"id": 1,}]}')
    rep = importer.import_paths([bad])[0]
    assert rep.status == "failed" and "not valid JSON" in rep.error
