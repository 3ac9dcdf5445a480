"""The five-skills audit (issue #16): a scorecard of the organisation's social media work,
from its own data (docs/audit.md). `audit.run.audit` is the seam."""
