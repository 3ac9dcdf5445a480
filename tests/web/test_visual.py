"""The visuals pages in process: the uplift page and its JSON twin, and the image check."""

from __future__ import annotations

import json

import numpy as np

from tests.visual.images import ASTRONAUT
from tests.visual.seeding import nb_posts, seed
from tests.web.conftest import csrf_of, make_client


def _seeded(ws):
    rng = np.random.default_rng(14)
    posts = nb_posts(rng, {"photo": 60, "link": 40}, {"photo": 1.0, "link": 0.5})
    seed(ws.engine, ws.workspace_id, posts, platform="facebook", handle="<b>Groen</b>")


def test_uplift_page_and_json_twin(ws):
    _seeded(ws)
    client = make_client(ws)
    data = client.get("/visual.json?platform=facebook").json()
    (result,) = data["results"]
    assert result["reference"] == "photo"
    link = next(e for e in result["effects"] if e["media_type"] == "link")
    assert link["ratio"]["low"] < 0.5 < link["ratio"]["high"] or link["clear"]
    html = client.get("/visual?platform=facebook&lang=en").text
    assert "<b>Groen</b>" not in html and "&lt;b&gt;Groen&lt;/b&gt;" in html  # escaped
    spec = html.split('id="chart-forest-0">', 1)[1].split("</script>", 1)[0]
    values = json.loads(spec)["data"]["values"]
    assert [v["type"] for v in values] == ["link"]
    assert values[0]["ratio"] == link["ratio"]["value"]
    nl = client.get("/visual?lang=nl").text
    assert "per bereikte persoon" in nl and "Een beeld controleren" in nl
    assert client.get("/visual?metric=nonsense").status_code in (400, 422)


def test_image_check_upload(ws):
    client = make_client(ws)
    token = csrf_of(client)
    with ASTRONAUT.open("rb") as fh:
        r = client.post(
            "/visual/check",
            data={"csrf_token": token, "platform": "instagram"},
            files={"image": ("a.jpg", fh, "image/jpeg")},
            headers={"hx-request": "true", "accept": "text/html"},
        )
    assert r.status_code == 200
    assert 'id="check-result"' in r.text and "512×512" in r.text and "Instagram" in r.text
    with ASTRONAUT.open("rb") as fh:
        r = client.post(
            "/visual/check",
            data={"csrf_token": token},
            files={"image": ("a.jpg", fh, "image/jpeg")},
            headers={"accept": "application/json"},
        )
    check = r.json()["check"]
    assert check["features"]["faces"][0]["w"] > 80
    bad = client.post(
        "/visual/check",
        data={"csrf_token": token},
        files={"image": ("x.jpg", b"nope", "image/jpeg")},
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 400 and "not an image" in bad.json()["error"]
    no_token = client.post("/visual/check", files={"image": ("a.jpg", b"x", "image/jpeg")})
    assert no_token.status_code == 403
