"""The roster page: a cohort's members, their figures and flags, and the changes to them."""
