"""Moving a case to another council: the register of councils, signed and encrypted packages, receipts."""
