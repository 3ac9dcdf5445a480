"""The job worker: syncs on a schedule now, publishing and reports later (issue #14).

huey carries the jobs: its SQLite storage in the workspace folder by default (`jobs.db`,
nothing to install), Redis when SOCIALDESK_REDIS_URL is set (a team's several workers). The
`job` table in the workspace's database tells each job's story for the cockpit: queued,
running, done, failed or retrying, with its attempts and last error.
"""

from socialdesk.worker.jobs import Worker, make_worker

__all__ = ["Worker", "make_worker"]
