"""The check-ins page: the program's check-in log, its filters, and the side form."""
