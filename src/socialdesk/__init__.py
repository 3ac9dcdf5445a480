"""socialdesk: a local-first cockpit for social media managers."""

__version__ = "0.1.0"
