"""socialdesk.estimates.holm: Holm's adjusted p-values, the same as statsmodels' (which runs a
full garbage collection on every call, so the product does not call it)."""

from __future__ import annotations

import gc
from unittest.mock import patch

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from socialdesk.estimates import holm


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30))
def test_holm_is_statsmodels_holm(p):
    # statsmodels' own garbage collection left out of the reference: each call took 0.1-0.7 s
    # in the suite's process (76 s for the hundred examples on CI)
    with patch("gc.collect", lambda: 0):
        reference = multipletests(p, method="holm")[1]
    assert np.allclose(holm(p), reference, rtol=1e-12, atol=0)


def test_holm_by_hand_and_empty():
    # sorted 0.01, 0.02, 0.04, 0.5 (m = 4): 0.04, 0.06, 0.08, 0.5 in the order given
    assert np.allclose(holm([0.5, 0.01, 0.04, 0.02]), [0.5, 0.04, 0.08, 0.06])
    assert np.allclose(holm([0.3, 0.3]), [0.6, 0.6])
    assert holm([0.9, 0.8]) == [1.0, 1.0]
    assert holm([]) == []


def test_holm_collects_no_garbage():
    before = gc.get_stats()[2]["collections"]
    holm([0.01, 0.2, 0.03])
    assert gc.get_stats()[2]["collections"] == before
