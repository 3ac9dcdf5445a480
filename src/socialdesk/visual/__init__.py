"""Skill 1, visual: what visuals do for engagement, checked images, and a designer brief.

    from socialdesk.visual import uplift_report, check_image, smart_crop, brief_for
    uplift_report(session, ws_id, platform="facebook", metric="interactions")

queries.py reads and writes the store; features, uplift, images, crops, media and brief are
pure functions over frames and files; run.py joins the two for the faces.
"""

from socialdesk.visual.brief import Brief, make_brief, to_markdown, write_pdf
from socialdesk.visual.crops import Crop, smart_crop
from socialdesk.visual.images import (
    Finding,
    ImageFeatures,
    ImageReport,
    NotAnImage,
    PlacementCheck,
    check_image,
    measure,
)
from socialdesk.visual.media import FeatureEffect, FeatureResult, features_vs_engagement
from socialdesk.visual.run import (
    MediaScan,
    UpliftReport,
    brief_for,
    feature_report,
    load_posts,
    scan_media,
    uplift_report,
)
from socialdesk.visual.specs import Placement, placement, placements
from socialdesk.visual.uplift import (
    Explanation,
    RawFigures,
    TypeEffect,
    UpliftResult,
    explain,
    prepare,
    uplift,
    uplift_all,
)

__all__ = [
    "Brief",
    "Crop",
    "Explanation",
    "FeatureEffect",
    "FeatureResult",
    "Finding",
    "ImageFeatures",
    "ImageReport",
    "MediaScan",
    "NotAnImage",
    "Placement",
    "PlacementCheck",
    "RawFigures",
    "TypeEffect",
    "UpliftReport",
    "UpliftResult",
    "brief_for",
    "check_image",
    "explain",
    "feature_report",
    "features_vs_engagement",
    "load_posts",
    "make_brief",
    "measure",
    "placement",
    "placements",
    "prepare",
    "scan_media",
    "smart_crop",
    "to_markdown",
    "uplift",
    "uplift_all",
    "uplift_report",
    "write_pdf",
]
