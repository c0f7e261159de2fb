"""Running cme for a council: backing up and restoring (backup.py)."""
