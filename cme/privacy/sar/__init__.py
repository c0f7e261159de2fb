"""Subject access (UK GDPR Art. 15): gather what cme holds about a child, redact other people's information, render.

gather.py reads every catalogued model that holds data about a child; redact.py finds what must be withheld and why;
render.py applies the redactions and writes the JSON and the PDF. Services (cme.privacy.sar.services) make, review,
approve and release a pack.
"""
