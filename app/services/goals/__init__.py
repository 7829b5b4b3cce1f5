"""Goals: setting and reviewing them, and the report-back board."""
