"""Sync in the window: export and import dialogs, this device and its peers, changes to review."""
