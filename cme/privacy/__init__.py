"""Accounting for personal data: disclosures now; the data catalogue, notice, rights and retention to come."""
