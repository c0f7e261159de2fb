"""The front door: reports about a child from the public and from professionals, arriving without a sign-in.

A report is kept as it was sent (`FrontDoorReport`) until an officer says which child it is about (a child cme holds,
found by the duplicate check, or a new record after it); it then becomes a referral from a member of the public or a
professional, with its safeguarding flag, and joins the usual referral triage. Nothing here shows a record to the
person who reported.
"""
