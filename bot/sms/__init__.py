"""The SMS channel: a 46elks-compatible gateway out (HTTP POST) and in (its webhook)."""
