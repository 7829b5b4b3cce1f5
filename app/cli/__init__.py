"""The command line: the same services as the window, one module per group of commands."""
