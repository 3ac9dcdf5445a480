"""Words the pages show for values that come from the data (roles, statuses, media types).

Marked with N_() so the catalogue has them; the template helper `label(kind, key)`
translates them when shown, and shows an unknown value as it is.
"""

from __future__ import annotations

from socialdesk.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "role": {"viewer": N_("viewer"), "editor": N_("editor"), "admin": N_("admin")},
    "status": {
        "imported": N_("imported"),
        "unchanged": N_("unchanged"),
        "failed": N_("failed"),
        "not-recognised": N_("not recognised"),
        "would-import": N_("would import"),
    },
    "media": {
        "photo": N_("photo"),
        "video": N_("video"),
        "reel": N_("reel"),
        "carousel": N_("carousel"),
        "link": N_("link"),
        "text": N_("text"),
        "story": N_("story"),
        "other": N_("other"),
    },
    "metric": {
        "views": N_("Views"),
        "reactions": N_("Reactions"),
        "likes": N_("Likes"),
        "comments": N_("Comments"),
        "shares": N_("Shares"),
        "saves": N_("Saves"),
        "video_views": N_("Video views"),
    },
    "nav": {
        "overview": N_("Overview"),
        "posts": N_("Posts"),
        "visual": N_("Visuals"),
        "ads": N_("Advertising"),
        "marketing": N_("Marketing"),
        "analytics": N_("Analytics"),
        "inbox": N_("Inbox"),
        "imports": N_("Imports"),
        "users": N_("Users"),
    },
}
