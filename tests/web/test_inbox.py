"""The inbox pages in process: queue, thread view with actions, figures; escaping and rights."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from socialdesk.model import Message, MessageLabel, MessageReply, MessageThread
from tests.web.conftest import csrf_of, make_client

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _seed(ws) -> int:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Session(ws.engine) as s, s.begin():
        t = MessageThread(
            workspace_id=ws.workspace_id,
            platform="facebook",
            external_id="t1",
            status="new",
            opened_at=now - dt.timedelta(hours=3),
        )
        s.add(t)
        s.flush()
        s.add(
            Message(
                workspace_id=ws.workspace_id,
                thread_id=t.id,
                platform="facebook",
                external_id="m1",
                author_handle=IMG,
                author_name=IMG,
                text=f"Nog steeds geen antwoord op mijn mail! {SCRIPT}",
                language="nl",
                received_at=now - dt.timedelta(hours=3),
                sentiment="negative",
                sentiment_confidence=0.8,
                intent="complaint",
                intent_confidence=0.7,
                urgency=0.9,
                triaged_by="lexicon",
            )
        )
        return t.id


def test_queue_thread_and_escaping(ws):
    tid = _seed(ws)
    client = make_client(ws)
    data = client.get("/inbox.json").json()
    (row,) = data["rows"]
    assert row["thread_id"] == tid and row["intent"] == "complaint" and row["breached"]
    assert client.get("/inbox.json?intent=praise").json()["rows"] == []
    for url in ("/inbox?lang=en", f"/inbox/threads/{tid}?lang=en"):
        html = client.get(url).text
        assert SCRIPT not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img" in html
    page = client.get(f"/inbox/threads/{tid}.json").json()
    assert page["draft_language"] == "nl" and page["draft"]
    assert client.get("/inbox/threads/999999").status_code == 404
    thread_nl = client.get(f"/inbox/threads/{tid}?lang=nl").text
    assert "Sneltoetsen" in thread_nl and 'data-copy="f-draft"' in thread_nl
    assert 'src="/static/inbox.js"' in thread_nl and "Markeer als beantwoord" in thread_nl
    js = client.get("/static/inbox.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "typing(ev.target)" in js.text
    assert client.get("/inbox/figures").status_code == 200
    assert "overall" in (client.get("/inbox/figures.json").json()["report"] or {"overall": 1})


def test_actions_need_csrf_and_write(ws):
    tid = _seed(ws)
    client = make_client(ws)
    token = csrf_of(client)
    mid = client.get(f"/inbox/threads/{tid}.json").json()["messages"][0]["id"]
    assert client.post(f"/inbox/threads/{tid}/assign", data={"assignee": "anna"}).status_code == 403
    ok = {"follow_redirects": False}
    r = client.post(
        f"/inbox/threads/{tid}/assign", data={"csrf_token": token, "assignee": "anna"}, **ok
    )
    assert r.status_code == 303
    r = client.post(
        f"/inbox/threads/{tid}/label",
        data={"csrf_token": token, "message_id": mid, "kind": "sentiment", "value": "neutral"},
        **ok,
    )
    assert r.status_code == 303
    bad = client.post(
        f"/inbox/threads/{tid}/label",
        data={"csrf_token": token, "message_id": mid, "kind": "sentiment", "value": "nonsense"},
        **ok,
    )
    assert bad.status_code == 400
    r = client.post(
        f"/inbox/threads/{tid}/answered",
        data={"csrf_token": token, "message_id": mid, "text": "Sorry! " + SCRIPT, "language": "nl"},
        **ok,
    )
    assert r.status_code == 303
    with Session(ws.engine) as s:
        t = s.get(MessageThread, tid)
        assert t.assignee == "anna" and t.status == "done"
        (label,) = s.query(MessageLabel).filter_by(message_id=mid).all()
        assert (label.kind, label.value, label.source) == ("sentiment", "neutral", "person")
        (reply,) = s.query(MessageReply).filter_by(thread_id=tid).all()
        assert reply.status == "sent"
    html = client.get(f"/inbox/threads/{tid}").text
    assert SCRIPT not in html


def test_figures_without_any_answer_show_no_data(ws):
    """Nobody answered yet: the page works, the rate is a real 0% and times are "no data"."""
    _seed(ws)
    client = make_client(ws)
    report = client.get("/inbox/figures.json").json()["report"]
    overall = report["overall"]
    assert (overall["threads"], overall["answered"]) == (1, 0)
    assert overall["response_rate"]["value"] == 0.0
    assert overall["first_response"]["median"]["value"] is None
    html = client.get("/inbox/figures?lang=nl").text
    row = html.split('data-group="all"')[1].split("</tr>")[0]
    assert "Alle gesprekken" in row and "0,0%" in row
    for figure in ("first-mean", "first-median", "resolution-median"):
        cell = row.split(f'data-figure="{figure}">')[1].split("</td>")[0]
        assert "geen gegevens" in cell and "0" not in cell


def _thread_with(ws, texts: list[tuple[str, dt.datetime, bool]], subject: str | None = None):
    """A thread with messages (text, received_at, is_from_org); returns its id."""
    with Session(ws.engine) as s, s.begin():
        t = MessageThread(
            workspace_id=ws.workspace_id,
            platform="instagram",
            external_id=f"t-{texts[0][1].isoformat()}-{len(texts)}-{texts[0][0][:10]}",
            status="new",
            subject=subject,
            opened_at=texts[0][1],
        )
        s.add(t)
        s.flush()
        for i, (text, at, ours) in enumerate(texts):
            s.add(
                Message(
                    workspace_id=ws.workspace_id,
                    thread_id=t.id,
                    platform="instagram",
                    external_id=f"{t.id}-{i}",
                    author_handle="@groenfonds" if ours else "@eva",
                    author_name=None if ours else "Eva Jansen",
                    text=text,
                    language="nl",
                    received_at=at,
                    is_from_org=ours,
                    sentiment=None if ours else "negative",
                    sentiment_confidence=None if ours else 0.6,
                    intent=None if ours else "complaint",
                    intent_confidence=None if ours else 0.5,
                    urgency=None if ours else 0.8,
                    triaged_by=None if ours else "lexicon",
                )
            )
        return t.id


def test_saved_replies_create_edit_delete_and_pick(ws):
    tid = _thread_with(
        ws, [("Waar blijft mijn #lentepakket? " + SCRIPT, dt.datetime(2026, 3, 2, 9), False)]
    )
    client = make_client(ws)
    token = csrf_of(client)
    ok = {"follow_redirects": False}
    text = "Hoi {name}, sorry dat {topic} zo lang duurt. Groet, {organisation} " + SCRIPT
    r = client.post(
        "/inbox/replies",
        data={"csrf_token": token, "name": "vertraging", "language": "nl", "text": text},
        **ok,
    )
    assert r.status_code == 303
    (saved,) = client.get("/inbox/replies.json").json()["replies"]
    assert saved["text"] == text and saved["intent"] is None
    # a typo in a variable, a duplicate name and an empty text are refused, nothing stored
    for data in (
        {"name": "x", "language": "nl", "text": "Hoi {naam}"},
        {"name": "vertraging", "language": "nl", "text": "Nog een"},
        {"name": "leeg", "language": "nl", "text": "  "},
        {"name": "taal", "language": "xx", "text": "Hoi"},
    ):
        assert client.post("/inbox/replies", data={"csrf_token": token, **data}).status_code == 400
    assert len(client.get("/inbox/replies.json").json()["replies"]) == 1
    html = client.get("/inbox/replies?lang=nl").text
    assert SCRIPT not in html and "Opgeslagen antwoorden" in html
    # edit: same id, new text and intent
    edited = "Hoi {name}, {topic} komt eraan! Groet, {agent}"
    r = client.post(
        "/inbox/replies",
        data={
            "csrf_token": token,
            "reply_id": saved["id"],
            "name": "vertraging",
            "language": "nl",
            "intent": "complaint",
            "text": edited,
        },
        **ok,
    )
    assert r.status_code == 303
    (after,) = client.get("/inbox/replies.json").json()["replies"]
    assert (after["id"], after["text"], after["intent"]) == (saved["id"], edited, "complaint")
    edit_form = client.get(f"/inbox/replies?edit={saved['id']}").text
    assert f'name="reply_id" value="{saved["id"]}"' in edit_form
    # the thread offers it filled in; {agent} has no value in local mode and stays visible
    page = client.get(f"/inbox/threads/{tid}.json").json()
    (offer,) = page["saved"]
    assert offer["text"] == "Hoi Eva, lentepakket komt eraan! Groet, {agent}"
    assert offer["missing"] == ["agent"]
    picked = client.get(f"/inbox/threads/{tid}.json?reply={saved['id']}").json()
    assert picked["draft"] == offer["text"] and picked["chosen"] == saved["id"]
    thread_html = client.get(f"/inbox/threads/{tid}?lang=nl").text
    assert "data-saved-reply" in thread_html and 'data-text="Hoi Eva, lentepakket' in thread_html
    # never sent: picking it stored no reply
    with Session(ws.engine) as s:
        assert s.query(MessageReply).filter_by(workspace_id=ws.workspace_id).count() == 0
    # delete
    r = client.post(f"/inbox/replies/{saved['id']}/delete", data={"csrf_token": token}, **ok)
    assert r.status_code == 303
    assert client.get("/inbox/replies.json").json()["replies"] == []
    assert (
        client.post(f"/inbox/replies/{saved['id']}/delete", data={"csrf_token": token}).status_code
        == 404
    )


def test_crisis_banner_with_its_figures(ws):
    """A topic with one negative message a day for four weeks, then nine in one day."""
    start = dt.datetime(2026, 2, 1, 10)
    for day in range(28):
        _thread_with(
            ws, [(f"Weer #storing bij de app, dag {day}", start + dt.timedelta(days=day), False)]
        )
    spike = start + dt.timedelta(days=28)
    for i in range(9):
        _thread_with(
            ws, [(f"#storing alweer, niets werkt {i}", spike + dt.timedelta(minutes=i), False)]
        )
    client = make_client(ws)
    alerts = client.get("/inbox.json").json()["alerts"]
    # the hashtag, and the service signal "storing" matches (something does not work)
    assert sorted(a["topic"] for a in alerts) == ["#storing", "not_working"]
    alert = next(a for a in alerts if a["topic"] == "#storing")
    assert alert["negative"] == 9
    assert alert["day"] == "2026-03-01"
    assert alert["baseline"]["value"] == pytest.approx(1.0)  # 28 messages over 28 days
    assert alert["ratio"] == 9.0
    html = client.get("/inbox?lang=nl").text
    banner = html.split('role="alert" aria-labelledby="h-crisis"')[1].split("</section>")[0]
    assert "Crisismelding" in banner and "#storing" in banner and "iets werkt niet" in banner
    assert "not_working" not in re.sub(r"<[^>]+>", "", banner)  # no code word on the page
    assert "9 negatieve berichten" in banner and "1,00 per dag" in banner and "9,0 ×" in banner


def test_no_banner_without_a_spike(ws):
    _seed(ws)
    client = make_client(ws)
    assert client.get("/inbox.json").json()["alerts"] == []
    assert "h-crisis" not in client.get("/inbox").text


def test_dutch_pages_show_dutch_labels(ws):
    tid = _seed(ws)
    client = make_client(ws)
    queue = client.get("/inbox?lang=nl").text
    row = queue.split("<tbody>")[1]
    assert "negatief" in row and "klacht" in row and "nieuw" in row and "hoog" in row
    for code in (">negative<", ">complaint<", ">new<"):
        assert code not in row
    assert '<option value="crisis">crisissignaal</option>' in queue
    thread = client.get(f"/inbox/threads/{tid}?lang=nl").text
    assert "Sentiment: negatief" in thread and "Bedoeling: klacht" in thread
    assert '<option value="done">afgehandeld</option>' in thread
    assert "lexicon en regels" in thread
    english = client.get(f"/inbox/threads/{tid}?lang=en").text
    assert "Sentiment: negative" in english and '<option value="done">done</option>' in english


def test_ask_for_labels_and_train_now(ws):
    """Least sure first; a label set there returns to the list; training shows who is in
    charge with the held-back scores."""
    at = dt.datetime(2026, 3, 2, 9)
    words = {
        "negative": ["pakketje kwijt", "bezorger kwam weer niet"],
        "positive": ["kaartjes binnen", "lentepakket ontvangen"],
        "neutral": ["adres gewijzigd", "nieuw rekeningnummer"],
    }
    ids = []
    # 80 labels: a quarter held back is 20 Dutch ones, enough to decide for Dutch
    for i in range(80):
        label = ("negative", "positive", "neutral")[i % 3]
        text = f"{words[label][i % 2]} {i}"
        tid = _thread_with(ws, [(text, at + dt.timedelta(minutes=i), False)])
        ids.append((tid, label))
    with Session(ws.engine) as s, s.begin():
        # the stored triage confidences: message i has 0.3 + i/100
        for n, m in enumerate(
            s.query(Message).filter_by(workspace_id=ws.workspace_id).order_by(Message.id)
        ):
            m.sentiment_confidence = 0.3 + n / 100
            m.intent_confidence = 0.9
    client = make_client(ws)
    page = client.get("/inbox/labels.json").json()
    confidences = [r["confidence"] for r in page["rows"]]
    assert len(confidences) == 25 and confidences == sorted(confidences)
    assert confidences[0] == pytest.approx(0.3) and page["rows"][0]["asked_by"] == "lexicon"
    assert page["models"] == []
    token = csrf_of(client)
    first = page["rows"][0]
    r = client.post(
        f"/inbox/threads/{first['thread_id']}/label",
        data={
            "csrf_token": token,
            "message_id": first["message_id"],
            "kind": "sentiment",
            "value": "negative",
            "back": "labels",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/inbox/labels"
    again = client.get("/inbox/labels.json").json()
    assert first["message_id"] not in [r["message_id"] for r in again["rows"]]
    assert again["label_counts"] == {"sentiment": 1}
    # label them all (as a team would) and train
    with Session(ws.engine) as s, s.begin():
        from socialdesk.inbox import queries

        for tid, label in ids:
            (mid,) = [m.id for m in s.query(Message).filter_by(thread_id=tid)]
            queries.set_label(s, ws.workspace_id, mid, "sentiment", label, by="anna")
    html = client.post("/inbox/train", data={"csrf_token": token, "lang": "nl"}).text
    assert "Zojuist getraind" in html
    # the stored messages are triaged again by the model now in charge, and the page says so
    assert 'data-retriaged="80"' in html
    with Session(ws.engine) as s:
        readers = {m.triaged_by for m in s.query(Message).filter_by(workspace_id=ws.workspace_id)}
    assert readers == {"sentiment model"}
    trained = client.get("/inbox/labels.json").json()
    (model,) = trained["models"]
    assert model["target"] == "sentiment" and model["n_labels"] == 80
    assert model["holdout_n"] == 20  # a quarter held back
    assert model["score_model"] >= model["score_lexicon"] and model["in_charge"]
    (dutch,) = model["languages"]
    assert (dutch["language"], dutch["holdout_n"], dutch["in_charge"]) == ("nl", 20, True)
    assert model["languages_in_charge"] == ["nl"]
    nl = client.get("/inbox/labels?lang=nl").text
    assert 'data-in-charge="model"' in nl and "het geleerde model (Nederlands)" in nl
    # every message now has a sentiment label: nothing left to ask
    assert trained["rows"] == []


def test_the_labels_page_shows_who_reads_each_language(ws):
    """Issue 19: many English labels teach the model, the Dutch ones are too few to decide
    on: the model reads English only, the Dutch messages stay with the lexicon, and the page
    and its twin say so per language with the held-back scores and their intervals."""
    from tests.inbox.test_in_charge_per_language import _seed as seed_two_languages

    seed_two_languages(ws.engine, ws.workspace_id, n_en=200, n_nl=40)
    client = make_client(ws)
    html = client.post("/inbox/train", data={"csrf_token": csrf_of(client), "lang": "nl"}).text
    assert 'data-retriaged="240"' in html
    with Session(ws.engine) as s:
        readers = {
            (m.language, m.triaged_by)
            for m in s.query(Message).filter_by(workspace_id=ws.workspace_id)
        }
    assert readers == {("en", "sentiment model"), ("nl", "lexicon")}
    page = client.get("/inbox/labels.json").json()
    (model,) = page["models"]
    # the overall fields as before, the per-language verdict added
    assert {"target", "n_labels", "holdout_n", "score_model", "score_lexicon", "in_charge"} <= set(
        model
    )
    assert model["in_charge"] and model["languages_in_charge"] == ["en"]
    en, nl = model["languages"]
    assert (en["language"], en["holdout_n"], en["enough"], en["in_charge"]) == (
        "en",
        50,
        True,
        True,
    )
    assert (nl["language"], nl["holdout_n"], nl["enough"], nl["in_charge"]) == (
        "nl",
        10,
        False,
        False,
    )
    assert en["score_model"]["low"] <= en["score_model"]["value"] <= en["score_model"]["high"]
    assert en["score_lexicon"]["value"] < en["score_model"]["value"]
    dutch = client.get("/inbox/labels?lang=nl").text
    assert 'data-languages="en"' in dutch and "het geleerde model (Engels)" in dutch
    rows = dict(re.findall(r'data-language="(\w+)" data-in-charge="(\w+)"', dutch))
    assert rows == {"en": "model", "nl": "lexicon"}
    assert "data-too-few" in dutch.split('data-language="nl"')[1]
    english = client.get("/inbox/labels?lang=en").text
    assert "too few held-back labels: at least 20 needed" in english
    sheet = client.get("/inbox/labels.csv?table=languages&lang=en")
    assert sheet.status_code == 200
    lines = sheet.text.splitlines()
    assert "macro-F1 of the model: low" in lines[0] and len(lines) == 3


def test_a_persons_label_shows_at_once_on_every_page(ws):
    """Issue 13: the page kept showing "negatief (0,80)" after a person saved "neutraal"."""
    tid = _seed(ws)
    client = make_client(ws)
    token = csrf_of(client)
    mid = client.get(f"/inbox/threads/{tid}.json").json()["messages"][0]["id"]
    for kind, value in (("sentiment", "neutral"), ("intent", "question")):
        r = client.post(
            f"/inbox/threads/{tid}/label",
            data={"csrf_token": token, "message_id": mid, "kind": kind, "value": value},
            follow_redirects=False,
        )
        assert r.status_code == 303
    (row,) = client.get("/inbox.json").json()["rows"]
    (msg,) = client.get(f"/inbox/threads/{tid}.json").json()["messages"]
    for shown in (row, msg):
        assert (shown["sentiment"], shown["sentiment_read"]) == ("neutral", "negative")
        assert shown["intent"] == "question" and shown["sentiment_confidence"] is None
        assert shown["sentiment_by"] == shown["intent_by"] != ""
    assert client.get("/inbox.json?sentiment=negative").json()["rows"] == []
    thread = client.get(f"/inbox/threads/{tid}?lang=nl").text
    assert "Sentiment: neutraal" in thread and "Bedoeling: vraag" in thread
    assert "negatief (0,80)" not in thread and 'data-set-by="sentiment"' in thread
    assert "gezet door" in thread
    assert '<option value="neutral" selected>' in thread  # the form starts from the label
    queue = client.get("/inbox?lang=nl").text.split("<tbody>")[1]
    assert "neutraal" in queue and "negatief" not in queue and "gezet door" in queue


def test_settings_page_form_and_rights(ws):
    _seed(ws)
    client = make_client(ws)
    page = client.get("/inbox/settings.json").json()
    assert page["business_hours"] == "09:00-17:00" and page["days"] == "mon-fri"
    assert page["settings"]["timezone"] == "Europe/Amsterdam"
    assert page["settings"]["sla_minutes"] == 60
    assert page["settings"]["left_out"] == ["spam", "abuse"]
    html = client.get("/inbox/settings?lang=nl").text
    assert "Instellingen van de inbox" in html and 'name="csrf_token"' in html
    token = csrf_of(client)
    form = {
        "csrf_token": token,
        "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "start": "08:30",
        "end": "18:00",
        "timezone": "Europe/Brussels",
        "sla_minutes": "30",
        "left_out": ["spam"],
    }
    assert client.post("/inbox/settings", data={**form, "csrf_token": ""}).status_code == 403
    r = client.post("/inbox/settings", data=form, follow_redirects=False)
    assert r.status_code == 303
    after = client.get("/inbox/settings.json").json()
    assert (after["business_hours"], after["days"]) == ("08:30-18:00", "mon-sat")
    assert after["settings"]["sla_minutes"] == 30 and after["settings"]["left_out"] == ["spam"]
    assert client.get("/inbox.json").json()["sla_minutes"] == 30
    for bad in ({"timezone": "Mars/Olympus"}, {"start": "18:00", "end": "08:00"}, {"days": []}):
        r = client.post("/inbox/settings", data={**form, **bad})
        assert r.status_code == 400 and 'role="alert"' in r.text
    assert client.get("/inbox/settings.json").json()["settings"]["timezone"] == "Europe/Brussels"
    figures = client.get("/inbox/figures?lang=nl").text
    assert "Europe/Brussels" in figures and "data-left-out" in figures


def test_figures_open_with_advice_against_the_target(ws):
    """The advice: the share answered, the median first reply with its interval against the
    target and the share within it, from the twin's figures; the method folded away."""
    _seed(ws)  # one Facebook thread nobody answered
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)
    for i, hours in enumerate((0.5, 2, 3, 5, 7, 9)):
        opened = start + dt.timedelta(hours=i)
        _thread_with(
            ws,
            [
                (f"Vraag {i}", opened, False),
                ("Antwoord", opened + dt.timedelta(hours=hours), True),
            ],
        )
    client = make_client(ws)
    page = client.get("/inbox/figures.json").json()
    overall = page["report"]["overall"]
    sla = page["settings"]["sla_minutes"]
    html = client.get("/inbox/figures?lang=en").text
    advice = re.search(r'<p class="lead advice">(.*?)</p>', html, re.S).group(1)
    print("Inbox:", re.sub(r"\s+", " ", advice))
    rate = overall["response_rate"]["value"]
    assert advice.startswith(f"{rate:.0%} of the conversations got a reply")
    median = overall["first_response"]["median"]
    assert f"the median first reply took {median['value'] / 60:.1f} hours" in advice
    assert f"(between {median['low'] / 60:.1f} and {median['high'] / 60:.1f} hours)" in advice
    assert f"against a target of {sla} minutes" in advice
    within = overall["within_sla"]["value"]
    assert f"{within:.0%} got their first reply within the target" in advice
    assert ("answer faster" in advice) == (median["value"] > sla or within < 0.9)
    main = html.split('id="main"', 1)[1]
    folded = main.split("<summary>How it is calculated</summary>", 1)[1].split("</details>")[0]
    assert "bootstrap" in folded and "bootstrap" not in advice
    assert "data-within-sla" in folded
    assert main.index('class="lead advice"') < main.index("<summary>How it is calculated")
    nl = client.get("/inbox/figures?lang=nl").text
    assert f"{median['value'] / 60:.1f}".replace(".", ",") in nl
