"""Honest intervals for small accounts (issue 13): the covariance carries the Pearson
dispersion when the negative binomial's own is too small, the interval carries the choice of
the time control, and an account that cannot afford a time control that bends says "not
enough data" instead of showing a ratio that a step or a season could have made."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pandas as pd
import pytest

from socialdesk.visual.uplift import uplift

U = importlib.import_module("socialdesk.visual.uplift")  # the module (the package exports uplift())


def _page(seed_: int, n: int, years: float, types: tuple[str, ...], paid: bool) -> pd.DataFrame:
    """A page of `n` posts over `years` years whose engagement steps up 2x halfway, the last
    type posted more after the step; every type truly gets the same (ratio 1)."""
    rng = np.random.default_rng(seed_)
    t = np.sort(rng.uniform(0, years, n))
    after = t >= years / 2
    weights = np.ones((n, len(types)))
    weights[:, -1] = np.where(after, 4.0, 0.5)
    weights /= weights.sum(axis=1, keepdims=True)
    media = np.array([rng.choice(types, p=w) for w in weights])
    reach = rng.integers(800, 8000, n).astype(float)
    y = rng.poisson(reach * 0.03 * np.where(after, 2.0, 1.0) * rng.gamma(3.0, 1 / 3.0, n))
    published = pd.Timestamp("2021-01-01") + pd.to_timedelta(t * 365.25, unit="D")
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
            "is_paid": rng.uniform(size=n) < 0.2 if paid else False,
            "language": None,
            "text": None,
            "reach": reach,
            "reactions": y.astype(float),
            "extra": [{} for _ in range(n)],
            "followers": np.nan,
            "hour": hour.astype(float),
            "weekday": published.day_of_week.astype(float),
            "trend": t,
        }
    )


def test_the_covariance_carries_the_pearson_dispersion():
    """30 posts and six parameters: the maximum-likelihood alpha comes out low, the Pearson
    statistic above its degrees of freedom, and the covariance is the NB's times X2 / df."""
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    n = 30
    X = pd.DataFrame(
        {
            "const": 1.0,
            "type_video": (np.arange(n) % 2).astype(float),
            **{f"c{i}": rng.normal(size=n) for i in range(4)},
        }
    )
    y = rng.poisson(50 * rng.gamma(2.0, 0.5, n)).astype(float)
    params, cov, alpha, df, method, _aic = U._fit(y, X, None)
    assert method == "nb2" and alpha is not None
    res = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(disp=0, maxiter=500)
    own = res.cov_params().drop(index="alpha", columns="alpha")
    fitted = np.exp(X.to_numpy() @ params.to_numpy())
    x2 = float(np.sum((y - fitted) ** 2 / (fitted + alpha * fitted**2)))
    scale = U.pearson_scale(y, X, None, params, alpha, df)
    assert scale == pytest.approx(max(1.0, x2 / df))
    assert scale > 1.2  # the spread the NB's alpha misses
    assert cov.loc["type_video", "type_video"] == pytest.approx(
        own.loc["type_video", "type_video"] * scale, rel=1e-3
    )


def test_the_pearson_scale_is_never_below_one():
    X = pd.DataFrame({"const": np.ones(4)})
    y = np.array([10.0, 10.0, 10.0, 10.0])  # no spread at all
    assert U.pearson_scale(y, X, None, pd.Series([math.log(10.0)]), 0.5, 3) == 1.0


@pytest.mark.parametrize(
    ("logs", "aics", "se"),
    [
        # one control wins by far: its own standard error
        ([(0.5, 0.2), (0.0, 0.1)], [100.0, 160.0], 0.2),
        # two equally good controls that disagree: the disagreement counts
        ([(0.5, 0.2), (0.1, 0.2)], [100.0, 100.0], 0.5 * 0.2 + 0.5 * math.sqrt(0.04 + 0.16)),
    ],
)
def test_averaged_standard_error(logs, aics, se):
    b, s = U.averaged(0, logs, aics)
    assert b == logs[0][0]
    assert s == pytest.approx(se, rel=1e-6)


def test_the_interval_carries_the_choice_of_the_time_control():
    """Where the time controls fit about as well and disagree, the interval shown is wider
    than the chosen control's own (which was the interval shown before)."""
    widened = 0
    for s in range(4):
        result = uplift(_page(s, 100, 3.0, ("photo", "link"), False), reference="photo")
        (link,) = result.effects
        own = next(u for u in link.under if u.time == result.time)
        assert link.ratio.value == pytest.approx(own.value)
        assert link.ratio.low <= own.low * (1 + 1e-9) and link.ratio.high >= own.high * (1 - 1e-9)
        widened += link.ratio.high / link.ratio.low > own.high / own.low * 1.01
    assert widened >= 1


def test_too_few_posts_for_a_time_control_that_bends_say_not_enough_data():
    """50 posts of four types (or three: a type under MIN_TYPE_POSTS stays out) and paid posts
    over three years afford a straight line at most: no ratio is shown, and the posts it would
    take are said."""
    frame = _page(3, 50, 3.0, ("photo", "video", "link", "text"), True)
    result = uplift(frame, reference="photo")
    assert not result.ok and result.posts == 0
    fitted = [e for e in result.effects if e.posts >= U.MIN_TYPE_POSTS]
    assert fitted and all(not e.ratio.ok for e in fitted)
    # the types compared, paid, then a time control of FLEXIBLE_TIME columns: 8 x (k + 1 + 3)
    kept = [r.posts for r in result.raw if r.posts >= U.MIN_TYPE_POSTS]
    least = U.MIN_POSTS_PER_PARAM * (len(kept) + 1 + 2 * U.FLEXIBLE_TIME - 1)
    said = f"not enough data: {sum(kept)} posts, at least {least} needed"
    assert said in result.notes
    assert fitted[0].sentence.endswith(f": {said}.")
    assert any("spline in time" in n for n in result.notes)
    # with twice the posts, the same kind of page gets its ratios
    assert uplift(_page(3, 100, 3.0, ("photo", "video", "link", "text"), True)).ok


def test_undated_posts_are_not_withheld_for_time():
    frame = _page(3, 50, 3.0, ("photo", "link"), True)
    frame["trend"] = np.nan
    frame["published_at"] = pd.NaT
    assert uplift(frame, reference="photo").ok
