"""The connector tests' fixtures live in tests/conftest.py: `pds`, the real local AT Protocol
network (PLC, PDS and AppView from @atproto/dev-env), is shared with the publishing tests, one
network per test session (per xdist worker)."""
