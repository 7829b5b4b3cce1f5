"""The pre-session agenda, its Markdown, and the presenter-safe view the group may see."""
