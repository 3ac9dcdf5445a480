"""The designer brief from seeded posts in the store: its sections, its figures and its PDF."""

from __future__ import annotations

import numpy as np

from socialdesk.visual import brief_for, to_markdown, write_pdf
from tests.visual.seeding import nb_posts, seed


def _seeded(ws):
    rng = np.random.default_rng(4)
    posts = nb_posts(
        rng, {"photo": 90, "carousel": 60, "reel": 60}, {"photo": 1.0, "carousel": 1.6, "reel": 0.6}
    )
    for i, p in enumerate(posts):
        p["text"] = f"Bericht {i} over daktuinen #groendak"
    seed(ws.engine, ws.workspace_id, posts)
    return posts


def test_brief_in_dutch_from_the_accounts_data(ws, tmp_path):
    posts = _seeded(ws)
    with ws.session() as s:
        brief = brief_for(
            s,
            ws.workspace_id,
            objective="engagement",
            platform="instagram",
            audience="Stadsbewoners 25-40",
            lang="nl",
        )
    md = to_markdown(brief)
    assert md.startswith("# Briefing voor de ontwerper: instagram")
    assert "**Doel:** engagement" in md and "Stadsbewoners 25-40" in md
    assert "| feed | 1080×1350 | 4:5 to 1.91:1 | 30 MB |" in md
    assert (
        "Lever reel: 1080×1920 px (9:16), max. 30 MB, jpg/png; vrij houden: boven 14%, onder 35%"
    ) in md
    # what performed: the best post by interactions per 1000 reached, recomputed by hand
    eligible = [p for p in posts if p["reach"] >= np.quantile([q["reach"] for q in posts], 0.25)]
    best = max(eligible, key=lambda p: p["likes"] / p["reach"])
    assert brief.top_posts[0].value == best["likes"]
    assert brief.top_posts[0].per_1000 == best["likes"] / best["reach"] * 1000
    assert "Geen miniaturen" in md  # no image files: said, not faked
    assert any(d.startswith("Kies vaker voor carrousels") for d in brief.dos)
    assert any("reels" in d for d in brief.donts)
    pdf = write_pdf(brief, tmp_path / "brief.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000


def test_brief_in_english_without_data_says_so(ws):
    with ws.session() as s:
        brief = brief_for(
            s,
            ws.workspace_id,
            objective="awareness",
            platform="linkedin",
            audience="HR managers",
            lang="en",
            placements_wanted=("feed",),
        )
    md = to_markdown(brief)
    assert md.startswith("# Designer brief: linkedin")
    assert [p.name for p in brief.placements] == ["feed"]
    assert "Not enough data for do/don't points" in md
    assert brief.top_posts == () and brief.uplift_lines == ()
