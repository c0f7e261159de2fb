"""Schools from the national register extract, and children's enrolments at them."""
