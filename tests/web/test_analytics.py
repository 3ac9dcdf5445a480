"""The analytics pages in process: catalogue, KPI tree, goals, anomalies, best times."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from socialdesk.catalogue import get_metric, metric_names
from tests.web.conftest import csrf_of, make_client
from tests.web.seeding import XSS_NAME

PAGES = (
    "/analytics/metrics",
    "/analytics/kpi-tree",
    "/analytics/goals",
    "/analytics/anomalies",
    "/analytics/best-times",
)


def test_metrics_catalogue_in_both_languages(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    data = client.get("/analytics/metrics.json").json()
    assert [m["name"] for m in data["metrics"]] == list(metric_names())
    reach = get_metric("reach")
    nl = client.get("/analytics/metrics?lang=nl").text
    en = client.get("/analytics/metrics?lang=en").text
    assert reach.label_in("nl") in nl and reach.label_in("en") in en
    one = client.get("/analytics/metrics/reach.json?lang=nl").json()
    assert one["definition"] == reach.definition_in("nl")
    assert {s["platform"] for s in one["sources"]} == {s.platform for s in reach.sources}
    html = client.get("/analytics/metrics/reach?lang=en").text
    assert reach.sources[0].header in html and reach.formula in html
    assert client.get("/analytics/metrics/nonsense").status_code == 404


def test_every_page_renders_with_its_twin_and_escapes(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    for path in PAGES:
        for lang in ("nl", "en"):
            r = client.get(f"{path}?lang={lang}")
            assert r.status_code == 200, (path, r.text[:500])
            assert XSS_NAME not in r.text
        assert client.get(path + ".json").status_code == 200
    assert 'href="/analytics/metrics"' in client.get("/overview").text  # the nav item


def test_kpi_tree_contributions_add_up(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    data = client.get(
        "/analytics/kpi-tree.json?tree=engagement&group_by=platform"
        "&after_start=2026-10-22&after_end=2026-11-20"
    ).json()
    assert data["after"] == ["2026-10-22", "2026-11-20"]
    assert data["before"] == ["2026-09-22", "2026-10-21"]
    for _group, change in data["changes"]:
        if change["decomposable"] and change["change"] is not None:
            total = sum(f["contribution"] for f in change["factors"])
            assert abs(total - change["change"]) < 1e-6 * max(1, abs(change["change"]))
    html = client.get("/analytics/kpi-tree?tree=engagement").text
    spec = json.loads(html.split('id="chart-tree">', 1)[1].split("</script>", 1)[0])
    assert spec["mark"] == "bar"
    assert client.get("/analytics/kpi-tree?tree=nonsense").status_code in (400, 422)


def test_goals_add_list_and_remove(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    token = csrf_of(client)
    form = {
        "csrf_token": token,
        "name": "<i>Meer bereik</i>",
        "metric": "reach",
        "start": "2026-11-01",
        "end": "2026-11-30",
        "target": "100000",
    }
    forged = client.post("/analytics/goals", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert client.post("/analytics/goals", data=form).status_code == 303
    # a goal added on the page is an objective of the plan (socialdesk/goals.py)
    (goal,) = client.get("/analytics/goals.json").json()["objectives"]
    assert goal["name"] == "<i>Meer bereik</i>"
    assert goal["metric"] == "reach" and goal["status"]["status"]
    html = client.get("/analytics/goals?lang=en").text
    assert "<i>Meer bereik</i>" not in html and "&lt;i&gt;Meer bereik&lt;/i&gt;" in html
    other = client.post("/analytics/goals", data={**form, "platform": "<script>"})
    assert other.status_code == 400 and "<script>" not in other.text.split("<main", 1)[1]
    bad = client.post("/analytics/goals", data={**form, "target": "lots"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    # the two refused forms added nothing; an objective is removed in the plan, and the
    # delete route (for goals stored before) knows no such goal
    assert len(client.get("/analytics/goals.json").json()["objectives"]) == 1
    assert (
        client.post(f"/analytics/goals/{goal['key']}/delete", data={"csrf_token": token})
    ).status_code == 404


def test_viewer_sees_no_goal_form(team_clients):
    assert 'id="goal-form"' not in team_clients("viewer").get("/analytics/goals").text
    assert 'id="goal-form"' in team_clients("editor").get("/analytics/goals").text


def test_best_times_and_anomalies_twins(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    bt = client.get("/analytics/best-times.json").json()
    assert set(bt) >= {"start", "end", "platforms"}
    for p in bt["platforms"]:
        for e in p["hours"]:
            assert 0 <= e["slot"] <= 23
    an = client.get("/analytics/anomalies.json?start=2026-08-01&end=2026-11-20").json()
    assert an["start"] == "2026-08-01" and an["end"] == "2026-11-20"
    assert set(an) >= {"days", "posts", "skipped", "threshold", "method"}


def test_kpi_tree_and_best_times_from_posts(sqlite_ws):
    import numpy as np

    from tests.analytics.seeding import hourly_posts, seed_posts

    rng = np.random.default_rng(21)
    seed_posts(
        sqlite_ws.engine,
        sqlite_ws.workspace_id,
        "instagram",
        hourly_posts(rng, 400, dt.date(2026, 1, 1), {9: 1.0, 12: 1.0, 18: 1.6}),
        "ig",
    )
    client = make_client(sqlite_ws)
    data = client.get(
        "/analytics/kpi-tree.json?before_start=2026-08-01&before_end=2026-08-31"
        "&after_start=2026-09-01&after_end=2026-09-30"
    ).json()
    (total_group, total), (ig_group, _ig) = data["changes"]
    assert total_group == {} and ig_group == {"platform": "instagram"}
    assert total["decomposable"] and total["change"] is not None
    assert sum(f["contribution"] for f in total["factors"]) == pytest.approx(total["change"])
    html = client.get(
        "/analytics/kpi-tree?before_start=2026-08-01&before_end=2026-08-31"
        "&after_start=2026-09-01&after_end=2026-09-30&lang=nl"
    ).text
    assert "Bijdragen" in html and "Instagram" in html
    (times,) = client.get("/analytics/best-times.json?start=2026-01-01&end=2026-12-31").json()[
        "platforms"
    ]
    assert times["best_hour"] == 18
    best = client.get("/analytics/best-times?start=2026-01-01&end=2026-12-31&lang=nl").text
    assert "18:00" in best and "Beste uur" in best


def _chart(html: str, key: str) -> dict:
    found = re.search(
        rf'<script type="application/json" id="chart-{key}">(.*?)</script>', html, re.S
    )
    assert found, key
    return json.loads(found.group(1))


def _advice(html: str) -> str:
    return re.search(r'<section class="advice"[^>]*>(.*?)</section>', html, re.S).group(1)


@pytest.mark.parametrize(
    ("rates", "advice"),
    [
        ({9: 1.0, 12: 1.0, 15: 1.0, 18: 1.8}, "Post at 18:00: "),
        ({9: 1.0, 12: 1.0, 18: 1.0}, "No clear best hour: none of the other 2 hours"),
    ],
)
def test_best_times_heat_map_and_advice(sqlite_ws, rates, advice):
    import numpy as np

    from tests.analytics.seeding import hourly_posts, seed_posts

    posts = hourly_posts(np.random.default_rng(21), 500, dt.date(2026, 1, 1), rates)
    seed_posts(sqlite_ws.engine, sqlite_ws.workspace_id, "instagram", posts, "ig")
    client = make_client(sqlite_ws)
    query = "start=2026-01-01&end=2026-12-31"
    data = client.get(f"/analytics/best-times.json?{query}").json()
    (times,) = data["platforms"]
    html = client.get(f"/analytics/best-times?{query}&lang=en").text
    main = html.split('id="main"', 1)[1]
    # the advice opens the page, before the heat map
    sentences = _advice(main)
    assert advice in sentences
    assert main.index('class="advice"') < main.index('data-chart="bt-0"')
    if advice.startswith("Post at"):
        assert re.search(r"Post at 18:00: \d\.\d\d× \(95% interval \d\.\d\d–\d\.\d\d\)", sentences)
    assert "weekday" in sentences  # and a word on the weekday
    # the heat map: 7 × 24 cells, Monday first, colour only where hour and weekday have data
    spec = _chart(main, "bt-0")
    cells = spec["data"]["values"]
    assert len(cells) == 7 * 24
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"][0] == "Monday"
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == list(range(24))
    with_data = [c for c in cells if c["value"] is not None]
    hours = {e["slot"] for e in times["hours"] if e["vs_best"]["value"] is not None}
    days = {e["slot"] for e in times["weekdays"] if e["vs_best"]["value"] is not None}
    assert len(with_data) == len(hours) * len(days) and hours == set(rates)
    assert max(c["value"] for c in with_data) == pytest.approx(1.0)
    empty = next(c for c in cells if c["hour"] == 3)
    assert empty["value"] is None and "not enough data" in empty["label"]
    best = next(c for c in with_data if c["value"] == max(x["value"] for x in with_data))
    assert re.search(r"1\.00× the best time \(95% interval", best["label"])
    assert f"{times['best_hour']:02d}:00" in best["label"]
    # the tables stay, folded, and are still what the exports give
    assert "<summary>The figures per hour and per weekday</summary>" in main
    csv = client.get(f"/analytics/best-times.csv?{query}&table=hours&lang=en").text
    assert len(csv.strip().splitlines()) == 1 + 24
    # Dutch: the legend's numbers in Dutch, the tooltips with a decimal comma
    nl = _chart(client.get(f"/analytics/best-times?{query}&lang=nl").text, "bt-0")
    assert nl["config"]["locale"]["number"]["decimal"] == ","
    assert re.search(r"1,00×", next(c["label"] for c in nl["data"]["values"] if c["value"] == 1.0))


def _lead_advice(html: str) -> str:
    main = html.split('id="main"', 1)[1]
    found = re.search(r'<p class="lead advice">(.*?)</p>', main, re.S)
    assert found, "no advice"
    return found.group(1)


def _pct(value: float, digits: int) -> str:
    return f"{value:.{digits}%}"


def _posts_client(ws):
    import numpy as np

    from tests.analytics.seeding import hourly_posts, seed_posts

    rng = np.random.default_rng(21)
    posts = hourly_posts(rng, 400, dt.date(2026, 1, 1), {9: 1.0, 12: 1.0, 18: 1.6})
    seed_posts(ws.engine, ws.workspace_id, "instagram", posts, "ig")
    return make_client(ws)


def test_kpi_tree_opens_with_its_why(sqlite_ws):
    """The advice names the factor that drove the change, with the twin's figures."""
    client = _posts_client(sqlite_ws)
    query = (
        "tree=engagement&before_start=2026-08-01&before_end=2026-08-31"
        "&after_start=2026-09-01&after_end=2026-09-30"
    )
    data = client.get(f"/analytics/kpi-tree.json?{query}").json()
    html = client.get(f"/analytics/kpi-tree?{query}&lang=en").text
    advice = _lead_advice(html)
    print("KPI tree:", re.sub(r"\s+", " ", advice))
    total = next(c for g, c in data["changes"] if not g)
    assert total["decomposable"] and total["change"]
    sign = 1 if total["change"] > 0 else -1
    main = max(total["factors"], key=lambda f: sign * f["contribution"])
    verb = "rose" if sign > 0 else "fell"
    assert f" {verb} {_pct(abs(total['change'] / total['before']), 1)}, mostly because" in advice
    label = data["labels"][main["name"]]
    assert label.lower() in advice.lower()
    assert f"({main['contribution']:+,.0f}" in advice
    against = min(total["factors"], key=lambda f: sign * f["contribution"])
    if -sign * against["contribution"] >= 0.25 * abs(main["contribution"]):
        assert f"worked against it ({against['contribution']:+,.0f})" in advice
    # the formula and the method folded away, after the advice
    main_html = html.split('id="main"', 1)[1]
    assert "<summary>How it is calculated</summary>" in main_html
    folded = main_html.split("<summary>How it is calculated</summary>", 1)[1]
    assert "LMDI" in folded and "LMDI" not in advice
    assert main_html.index('class="lead advice"') < main_html.index("<summary>How it is")
    nl = _lead_advice(client.get(f"/analytics/kpi-tree?{query}&lang=nl").text)
    assert f"{abs(total['change'] / total['before']) * 100:.1f}".replace(".", ",") in nl


def test_anomalies_open_with_the_strongest_day_in_words(sqlite_ws):
    client = _posts_client(sqlite_ws)
    query = "start=2026-01-01&end=2026-12-31"
    data = client.get(f"/analytics/anomalies.json?{query}").json()
    html = client.get(f"/analytics/anomalies?{query}&lang=en").text
    advice = _lead_advice(html)
    print("Anomalies:", re.sub(r"\s+", " ", advice))
    if data["days"]:
        first = data["days"][0]
        day = dt.date.fromisoformat(first["day"][:10])
        assert f"On {day:%b} {day.day}, {day.year}, " in advice or first["day"] in advice
        assert first["explanation"] in advice
        if first["score"] > 0:
            assert "Find out what happened and repeat it" in advice
        else:
            assert "Check whether a post or campaign stopped" in advice
        assert advice.index(first["explanation"]) < 200
    elif not data["posts"]:
        assert "No unusual days or posts in this period." in advice
    else:
        assert "No unusual days in this period." in advice
    if data["posts"]:
        assert "post of" in advice
    main = html.split('id="main"', 1)[1]
    folded = main.split("<summary>How it is calculated</summary>", 1)[1].split("</details>")[0]
    assert f"{data['threshold']:.1f}" in folded  # the threshold and the scores are folded
    assert "negative binomial" in folded and "negative binomial" not in advice
    # an empty period says so
    quiet = _lead_advice(
        client.get("/analytics/anomalies?start=2020-01-01&end=2020-01-31&lang=en").text
    )
    assert "No unusual days" in quiet


def test_the_anomalies_page_shows_the_strongest_and_the_download_all():
    """An agency's store can have thousands of unusual days in a period (1M posts: 3,120 took
    3 s to render per request): the page shows the ANOMALIES_SHOWN strongest, in order."""
    from types import SimpleNamespace

    from socialdesk.web.routes import analytics as page

    rows = [SimpleNamespace(n=i, score=(i % 7) - 3.0 + i / 1000) for i in range(250)]
    shown = page._strongest(rows)
    assert len(shown) == page.ANOMALIES_SHOWN
    assert [r.n for r in shown] == sorted(r.n for r in shown)  # the report's own order
    weakest_shown = min(abs(r.score) for r in shown)
    assert all(abs(r.score) <= weakest_shown for r in rows if r not in shown)
    assert page._strongest(rows[:5]) == tuple(rows[:5])


def test_the_days_shown_keep_a_days_figures_together_and_count_days():
    # the days table took the 100 strongest rows by score, which split an account's figures
    # of one day, and its note counted figures as days ("the 100 strongest of 160 unusual
    # days" where they were 60 days)
    from socialdesk.analytics.anomalies import DayAnomaly, in_order
    from socialdesk.analytics.run import account_days
    from socialdesk.web.routes import analytics as page

    rows = []
    for i in range(60):  # 60 account-days of one to four figures, strongest first
        d = (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat()
        for j in range(1 + i % 4):
            score = 90.0 - i - j / 10
            rows.append(DayAnomaly(d, "x", 1, "a", f"m{j}", 9, 1, 0, 2, score, 9.0, ""))
    rows_in_order = in_order(rows)
    shown = page._strongest_days(rows_in_order)
    assert len(shown) >= page.ANOMALIES_SHOWN
    assert shown == rows_in_order[: len(shown)]
    last = shown[-1]
    assert all(
        (r.account_id, r.day) != (last.account_id, last.day) for r in rows_in_order[len(shown) :]
    )
    assert account_days(shown) < account_days(rows_in_order) == 60
    assert page._strongest_days(rows_in_order[:5]) == rows_in_order[:5]


def test_the_advice_names_the_strongest_day_of_the_other_direction():
    # the days come by account-day (an account's figures of one day together): a weak drop
    # beside a strong rise came before the strongest drop elsewhere, and the advice named it
    from socialdesk.analytics.anomalies import DayAnomaly, in_order
    from socialdesk.analytics.run import AnomalyReport
    from socialdesk.web.routes.analytics import _anomaly_advice

    def day(d: str, account: int, metric: str, score: float) -> DayAnomaly:
        ratio = 5.0 if score > 0 else 0.1
        return DayAnomaly(d, "x", account, f"acc{account}", metric, 1, 1, 0, 2, score, ratio, "")

    rows = in_order(
        [
            day("2026-10-06", 1, "impressions", 9.0),
            day("2026-10-06", 1, "followers_gained", -3.6),
            day("2026-09-01", 2, "clicks", -8.0),
        ]
    )
    assert rows[1].metric == "followers_gained"  # the weak drop comes second
    report = AnomalyReport(dt.date(2026, 9, 1), dt.date(2026, 10, 31), None, rows, (), (), 3.5, "")
    advice = " ".join(str(a) for a in _anomaly_advice(report, "en"))
    assert "acc2" in advice or "clicks" in advice.lower(), advice
    assert "followers" not in advice.lower(), advice
