"""The audit trail: an append-only, hash-chained record of every sign-in, read, change, export and disclosure."""
