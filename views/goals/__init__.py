"""The goals page: the report-back board, this week's goals, completion and history."""
