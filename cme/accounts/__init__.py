"""Users, roles, teams and partner organisations; two-factor sign-in; the role predicates every app shares."""
