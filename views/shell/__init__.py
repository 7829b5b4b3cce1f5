"""The shell: the main window, the pages' contract, the lock, settings, search, start-up."""
