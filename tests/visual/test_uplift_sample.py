"""Bounded memory and time at any size (issue #18): a group of more than FIT_SAMPLE_POSTS
posts is fitted on a random sample drawn per media type; the result says so, counts every
post, keeps every type (a rare one whole), and is the same on every request."""

from __future__ import annotations

import importlib
import re

import numpy as np

from socialdesk.visual.uplift import uplift

from .test_uplift_small import _page

U = importlib.import_module("socialdesk.visual.uplift")  # the module (the package exports uplift())


def test_the_sample_keeps_every_type_and_is_the_same_each_time():
    page = _page(4, 3000, 2.0, ("photo", "video", "reel"), paid=False)
    reels = page.index[page["media_type"] == "reel"]
    page.loc[reels[40:], "media_type"] = "photo"  # 40 reels left: a rare type
    one = U.fit_sample(page, size=500, min_type=100)
    two = U.fit_sample(page, size=500, min_type=100)
    assert one.index.equals(two.index) and one.index.is_monotonic_increasing
    counts = one["media_type"].value_counts()
    assert counts["reel"] == 40  # fewer than min_type: all kept
    assert counts["video"] >= 100 and 450 <= len(one) <= 700
    assert U.fit_sample(page, size=5000) is page  # small enough: every post


def test_a_large_group_is_fitted_on_a_sample_and_says_so(monkeypatch):
    page = _page(8, 800, 2.0, ("photo", "video"), paid=False)
    whole = uplift(page, metric="reactions", basis="per_exposure")
    monkeypatch.setattr(U, "FIT_SAMPLE_POSTS", 400)
    monkeypatch.setattr(U, "FIT_SAMPLE_MIN_TYPE", 50)
    sampled = uplift(page, metric="reactions", basis="per_exposure")
    assert sampled.posts == whole.posts == 800  # every post counted
    said = [str(n) for n in sampled.notes if "random sample" in str(n)]
    assert len(said) == 1 and re.search(r"random sample of (399|400|401) of the 800 posts", said[0])
    assert not any("random sample" in str(n) for n in whole.notes)
    a = next(e for e in whole.effects if e.ratio.ok)
    b = next(e for e in sampled.effects if e.media_type == a.media_type)
    # the sample's interval is wider (half the posts) and holds the whole fit's ratio
    wa = np.log(a.ratio.high) - np.log(a.ratio.low)
    wb = np.log(b.ratio.high) - np.log(b.ratio.low)
    assert wb > wa
    assert b.ratio.low < a.ratio.value < b.ratio.high
