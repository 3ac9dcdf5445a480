"""The local AT Protocol network answers the calls the Bluesky connector is written against.

Two fresh accounts: A posts, B likes, reposts, replies, quotes, mentions and follows A. Then A,
logged in with an app password as the product logs in, reads everything back through the PDS
(which proxies app.bsky.* to the AppView, as bsky.social does) and the counts are exact.
"""

from __future__ import annotations

from tests.connectors.pds_client import (
    LIKE,
    POST,
    REPOST,
    Account,
    PdsClient,
    PdsNetwork,
    post_record,
    timeline,
)


def test_accounts_posts_and_interactions_read_back_exactly(pds: PdsNetwork) -> None:
    c = pds.client
    a = pds.new_account("alice")
    b = pds.new_account("bob")
    assert a.app_password and b.app_password

    p1 = c.post(a, "First post from A")
    p2 = c.post(a, "Second post from A")
    pds.process_all()  # a reply notifies only when its parent is indexed before it
    c.like(b, p1)
    c.repost(b, p1)
    reply = c.reply(b, p1, "B replies to A")
    answer = c.reply(a, reply, "A answers B")  # nested: root p1, parent B's reply
    assert answer.root == p1
    c.post(b, f"Hello @{a.handle}, a mention", mentions=[a])
    c.post(b, "B quotes A", quote=p2)
    c.follow(b, a)
    pds.process_all()

    # The product connects with handle + app password: createSession, then reads as A.
    session = c.create_session(a.handle, a.app_password)
    assert session["did"] == a.did
    token = session["accessJwt"]
    refreshed = c.procedure("com.atproto.server.refreshSession", auth=session["refreshJwt"])
    assert refreshed["did"] == a.did and refreshed["accessJwt"]
    token = refreshed["accessJwt"]

    feed = c.query(
        "app.bsky.feed.getAuthorFeed",
        {"actor": a.did, "limit": 100, "filter": "posts_with_replies"},
        auth=token,
    )["feed"]
    by_uri = {item["post"]["uri"]: item["post"] for item in feed}
    assert len(feed) == 3 and set(by_uri) == {p1.uri, p2.uri, answer.uri}
    first, second = by_uri[p1.uri], by_uri[p2.uri]
    assert (first["likeCount"], first["repostCount"], first["replyCount"], first["quoteCount"]) == (
        1,
        1,
        1,
        0,
    )
    assert (second["likeCount"], second["repostCount"], second["replyCount"]) == (0, 0, 0)
    assert second["quoteCount"] == 1

    thread = c.query("app.bsky.feed.getPostThread", {"uri": p1.uri, "depth": 10}, auth=token)
    replies = thread["thread"]["replies"]
    assert [r["post"]["author"]["did"] for r in replies] == [b.did]
    assert [r["post"]["author"]["did"] for r in replies[0]["replies"]] == [a.did]

    likes = c.query("app.bsky.feed.getLikes", {"uri": p1.uri}, auth=token)["likes"]
    assert [like["actor"]["did"] for like in likes] == [b.did]
    reposted = c.query("app.bsky.feed.getRepostedBy", {"uri": p1.uri}, auth=token)
    assert [actor["did"] for actor in reposted["repostedBy"]] == [b.did]
    quotes = c.query("app.bsky.feed.getQuotes", {"uri": p2.uri}, auth=token)["posts"]
    assert [q["author"]["did"] for q in quotes] == [b.did]
    posts = c.query("app.bsky.feed.getPosts", {"uris": [p1.uri, p2.uri]}, auth=token)["posts"]
    assert sorted(p["likeCount"] for p in posts) == [0, 1]

    notes = c.query("app.bsky.notification.listNotifications", {"limit": 100}, auth=token)
    reasons = sorted(n["reason"] for n in notes["notifications"])
    assert reasons == ["follow", "like", "mention", "quote", "reply", "repost"]
    assert {n["author"]["did"] for n in notes["notifications"]} == {b.did}
    unread = c.query("app.bsky.notification.getUnreadCount", auth=token)
    assert unread["count"] == 6

    profile = c.query("app.bsky.actor.getProfile", {"actor": a.handle}, auth=token)
    assert (profile["did"], profile["postsCount"], profile["followersCount"]) == (a.did, 3, 1)

    # The repo itself (no AppView involved): what the PDS stores, per collection.
    assert len(c.list_records(a.did, POST)) == 3
    assert len(c.list_records(b.did, POST)) == 3
    assert len(c.list_records(b.did, LIKE)) == 1
    assert len(c.list_records(b.did, REPOST)) == 1
    resolved = c.query("com.atproto.identity.resolveHandle", {"handle": a.handle})
    assert resolved["did"] == a.did


def test_bulk_writes_in_one_commit_are_indexed(pds: PdsNetwork) -> None:
    """applyWrites (200 records a commit) is how the benchmark seeds 10,000 posts and
    50,000 replies; here at a small scale, read back page by page through the AppView. Every
    record gets its own createdAt (timeline()): notifications page by that time alone."""
    c = pds.client
    a = pds.new_account("bulka", app_password=False)
    b = pds.new_account("bulkb", app_password=False)
    times = timeline(280)
    posts = list(
        c.bulk_posts(a, (post_record(f"post {i}", created_at=times[i]) for i in range(250)))
    )
    assert len(posts) == 250 and len({p.uri for p in posts}) == 250
    pds.process_all()  # the parents first: replies indexed before them notify nobody
    replies = list(
        c.bulk_posts(
            b,
            (
                post_record(f"reply {i}", reply_to=posts[i % 5], created_at=times[250 + i])
                for i in range(30)
            ),
        )
    )
    assert all(r.root in posts[:5] for r in replies)
    pds.process_all()

    assert len(c.list_records(a.did, POST)) == 250
    feed = _all_pages(c, "app.bsky.feed.getAuthorFeed", "feed", a, actor=a.did)
    assert len(feed) == 250
    counts = {item["post"]["uri"]: item["post"]["replyCount"] for item in feed}
    assert [counts[p.uri] for p in posts[:6]] == [6, 6, 6, 6, 6, 0]
    assert sum(counts.values()) == 30
    notes = _all_pages(c, "app.bsky.notification.listNotifications", "notifications", a, limit=7)
    assert len(notes) == 30 and {n["reason"] for n in notes} == {"reply"}


def _all_pages(c: PdsClient, nsid: str, key: str, auth: Account, limit: int = 100, **params):
    out: list[dict] = []
    cursor = None
    while True:
        page = c.query(
            nsid, {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}, auth=auth
        )
        out += page[key]
        cursor = page.get("cursor")
        if not cursor or not page[key]:
            return out
