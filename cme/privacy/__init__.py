"""Accounting for personal data: the data catalogue, the generated notice and ROPA, disclosures, stated purposes."""
