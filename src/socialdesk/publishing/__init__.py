"""Publishing from the calendar (issue #15): approved items go out on connected accounts at
their time, checked, exactly once. run.py is the seam; one module per network (bluesky.py,
mastodon.py) implements base.Publisher; checks.py says what stands in the way of scheduling."""
