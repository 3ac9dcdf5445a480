"""How the media-type uplift controls time (issue 13): the time control is chosen by fit, a
step in engagement with a shifting media mix does not turn into a media-type effect, a ratio
whose verdict depends on how time is modelled says so, and the designer brief says what the
uplift says, totals included."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from socialdesk.visual import brief_for, to_markdown
from socialdesk.visual.uplift import robust_verdict, uplift
from tests.visual.seeding import nb_posts, seed

U = importlib.import_module("socialdesk.visual.uplift")  # the module (the package exports uplift())


def _step_page(seed_: int = 21, n: int = 700) -> pd.DataFrame:
    """Two years of a page whose engagement steps up 2.2x after a year, when it also starts
    posting many more links; links and photos truly get the same (ratio 1.0)."""
    rng = np.random.default_rng(seed_)
    years = np.sort(rng.uniform(0, 2, n))
    after = years >= 1.0
    media = np.where(rng.uniform(size=n) < np.where(after, 0.6, 0.15), "link", "photo")
    level = np.where(after, np.log(2.2), 0.0)
    y = rng.poisson(200 * np.exp(level) * rng.gamma(4.0, 1 / 4.0, n)).astype(float)
    published = pd.Timestamp("2022-01-01") + pd.to_timedelta(years * 365.25, unit="D")
    hour = rng.integers(8, 22, n)
    published = published.normalize() + pd.to_timedelta(hour, unit="h")
    return pd.DataFrame(
        {
            "post_id": np.arange(n),
            "account_id": 1,
            "platform": "facebook",
            "account": "page",
            "published_at": published,
            "media_type": media,
            "is_paid": False,
            "language": None,
            "text": None,
            "reactions": y,
            "extra": [{} for _ in range(n)],
            "followers": np.nan,
            "hour": hour.astype(float),
            "weekday": published.day_of_week.astype(float),
            "trend": years,
        }
    )


def test_a_step_with_more_links_after_it_is_no_link_effect():
    result = uplift(_step_page(), basis="total", reference="photo")
    (link,) = result.effects
    trend = next(u for u in link.under if u.time == "trend")
    # today's linear trend reads the step as a link effect ...
    assert trend.clear and trend.low > 1
    # ... the time control chosen by fit does not, and the result names it
    assert result.time in ("quarter", "spline")
    assert not link.clear and link.ratio.contains(1.0)
    assert next(m for m in result.time_models if m.chosen).time == result.time
    assert "the lowest AIC of" in result.method
    assert str(U.CONTROLS[result.time]) in result.method
    assert result.time in result.controls and "trend" not in result.controls


def test_alternatives_that_disagree_make_a_ratio_not_robust(monkeypatch):
    # the linear trend counts as a reasonable alternative however badly it fits
    monkeypatch.setattr(U, "TREND_WITHIN_AIC", float("inf"))
    result = uplift(_step_page(), basis="total", reference="photo")
    (link,) = result.effects
    assert link.robust is False and not result.robust
    assert "depends on how time is modelled" in link.sentence
    assert "don't act on it yet" in link.sentence
    assert "linear trend: " in link.sentence


@pytest.mark.parametrize(
    ("estimates", "robust"),
    [
        ([(1.5, True), (1.4, True), (1.6, True)], True),  # clear, same direction
        ([(1.1, False), (0.9, False)], True),  # nowhere clear: either side of 1
        ([(2.0, True), (0.88, False)], False),  # the verdict changes
        ([(2.0, True), (0.57, True)], False),  # the direction changes
    ],
)
def test_robust_verdict(estimates, robust):
    assert robust_verdict(estimates) is robust


def test_small_accounts_fall_back_and_say_so():
    frame = _step_page(n=45)
    result = uplift(frame, basis="total", reference="photo")
    assert result.ok
    fitted = {m.time for m in result.time_models}
    if fitted == {"trend"}:
        assert any("linear trend only" in n for n in result.notes)
    else:  # sparse periods are merged, and that is said
        assert result.time is not None


def test_the_brief_says_when_totals_point_the_other_way(ws):
    rng = np.random.default_rng(12)
    posts = nb_posts(rng, {"photo": 80, "text": 60}, {"photo": 1.0, "text": 0.5})
    for p in posts:  # text posts are shown to 3x as many people
        if p["media_type"] == "text":
            p["reach"] *= 3
            p["likes"] = float(rng.poisson(p["reach"] * 0.04 * 0.5 * rng.gamma(6, 1 / 6)))
    seed(ws.engine, ws.workspace_id, posts)
    with ws.session() as s:
        brief = brief_for(
            s,
            ws.workspace_id,
            objective="engagement",
            platform="instagram",
            audience="everyone",
            lang="en",
        )
    (dont,) = [d for d in brief.donts if "text posts" in d]
    assert "Per person reached, text posts get" in dont
    assert "in total that makes" in dont and "opposite directions" in dont
    md = to_markdown(brief)
    assert "in total that makes" in md


def _season_page(seed_: int = 5, n: int = 900, years_: float = 3.0) -> pd.DataFrame:
    """A page with a strong yearly cycle (x2.2 from the worst to the best month) that posts
    links mostly in its good months; links and photos truly get the same (ratio 1.0)."""
    frame = _step_page(seed_, n)
    rng = np.random.default_rng(seed_ + 1)
    years = np.sort(rng.uniform(0, years_, n))
    level = 0.4 * np.sin(2 * np.pi * years)
    media = np.where(rng.uniform(size=n) < 0.2 + 0.5 * (level > 0), "link", "photo")
    y = rng.poisson(200 * np.exp(level) * rng.gamma(4.0, 1 / 4.0, n)).astype(float)
    published = pd.Timestamp("2021-01-01") + pd.to_timedelta(years * 365.25, unit="D")
    published = published.normalize() + pd.to_timedelta(frame["hour"].to_numpy(), unit="h")
    return frame.assign(
        published_at=published,
        media_type=media,
        reactions=y,
        weekday=published.day_of_week.astype(float),
        trend=years,
    )


def test_a_yearly_season_is_a_time_control_chosen_by_fit():
    result = uplift(_season_page(), basis="total", reference="photo")
    (link,) = result.effects
    assert result.time == "season"
    assert str(U.CONTROLS["season"]) in result.method and "the lowest AIC of" in result.method
    assert link.ratio.contains(1.0) and not link.clear
    # the season counts as a reasonable alternative like period effects and the spline
    assert next(m for m in result.time_models if m.time == "season").considered


def test_no_season_under_a_year_and_a_half():
    result = uplift(_season_page(n=400, years_=1.2), basis="total", reference="photo")
    assert "season" not in {m.time for m in result.time_models}


def test_a_small_account_spanning_years_controls_its_season(monkeypatch):
    """64 posts over three years with a strong season that the links follow (truly no link
    effect): too few for a spline beside the season, so one yearly sine/cosine pair and a
    linear trend ("cycle") control it; without it, the season reads as a link effect."""
    frame = _season_page(1, n=64)
    result = uplift(frame, basis="total", reference="photo")
    (link,) = result.effects
    assert result.time == "cycle"
    assert "yearly season and linear trend, the lowest AIC of" in result.method
    assert next(m for m in result.time_models if m.time == "cycle").columns == 3
    assert link.ratio.contains(1.0) and not link.clear
    monkeypatch.setattr(U, "SEASON_SMALL", False)  # the method before: no season this small
    before = uplift(frame, basis="total", reference="photo")
    assert before.time != "cycle" and before.effects[0].clear
