"""The real Kaggle conversion file (read only where it is, never copied): campaign totals."""

from __future__ import annotations

import pytest

from benchmarks.kag_conversion_check import DEFAULT, FIGURES, direct, via_socialdesk


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT.is_file(), reason=f"{DEFAULT} is not on this machine")
def test_campaign_totals_match_the_file_summed_directly():
    base = direct(DEFAULT)
    ours, currency = via_socialdesk(DEFAULT)
    assert currency == "USD" and set(ours) == {"916", "936", "1178"}
    for camp, figures in base.items():
        for fig in FIGURES:
            assert ours[camp][fig] == pytest.approx(figures[fig], rel=1e-12), (camp, fig)
    # pinned from the file itself, so a changed copy is noticed
    assert base["1178"]["spend"] == pytest.approx(55662.15, abs=0.01)
    assert base["1178"]["clicks"] == 36068 and base["1178"]["conversions"] == 2669
