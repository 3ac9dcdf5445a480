"""Online marketing (skill 4): the plan, the content calendar, UTM links, what social brings
to the site, and search demand next to social content.

queries.py alone touches the database; run.py joins it to the pure modules (plan, calendar,
coverage, utm, site, search, terms), which return frozen dataclasses.
"""

from socialdesk.marketing.calendar import clashes, gaps, match_posts, to_csv, to_ics
from socialdesk.marketing.coverage import coverage
from socialdesk.marketing.plan import Plan, PlanInvalid, check_plan, from_yaml, to_yaml
from socialdesk.marketing.search import search_gaps
from socialdesk.marketing.site import site_contribution, untagged_campaigns
from socialdesk.marketing.utm import UtmRules, build_utm, check_link

__all__ = [
    "Plan",
    "PlanInvalid",
    "UtmRules",
    "build_utm",
    "check_link",
    "check_plan",
    "clashes",
    "coverage",
    "from_yaml",
    "gaps",
    "match_posts",
    "search_gaps",
    "site_contribution",
    "to_csv",
    "to_ics",
    "to_yaml",
    "untagged_campaigns",
]
