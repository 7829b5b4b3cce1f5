"""The check-in log: every check-in of the program, filtered and sorted in SQL, a page at a time."""
