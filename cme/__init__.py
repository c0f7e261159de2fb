"""cme: casework, data matching and accountability for a council's Children Missing Education service."""
