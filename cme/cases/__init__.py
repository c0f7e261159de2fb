"""CME casework: referrals, cases, enquiries, notes, documents, decisions, outcomes and statutory clocks."""
