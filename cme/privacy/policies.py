"""Permissions for the privacy area: the record of processing activities is the data protection officer's."""

import rules

from cme.accounts.policies import is_caseworker, is_dpo

# The Art. 30 record describes how the council processes personal data; it names no child, but it is the DPO's
# working document (and the regulator's on request), so no other role needs it.
rules.add_perm("privacy.view_ropa", is_dpo)

# The DPO's accountability views: what was shared, and records opened outside a caseload with the reason given.
rules.add_perm("privacy.view_disclosures", is_dpo)
rules.add_perm("privacy.view_access_purposes", is_dpo)
rules.add_perm("privacy.view_audit", is_dpo)
rules.add_perm("privacy.verify_audit", is_dpo)  # start a check of the whole chain from the audit page

# Special-category and criminal-offence fields (the catalogue marks them) are shown only to roles cleared for them:
# the caseworkers, whose statutory enquiries need them. Everyone else gets them masked (cme/privacy/masking.py).
rules.add_perm("privacy.view_special_category", is_caseworker)

# Retention: disposal batches, their approval and certificates, and legal holds are the DPO's.
rules.add_perm("privacy.manage_retention", is_dpo)

# Subject access packs: gathering, reviewing redactions, approving and releasing are the DPO's (every value of the
# child's record is shown to them, special category data included: a person must see what goes out to approve it).
rules.add_perm("privacy.manage_subject_access", is_dpo)

# The privacy notice's versions: the DPO publishes each one (the public reads every published version).
rules.add_perm("privacy.publish_notice", is_dpo)
