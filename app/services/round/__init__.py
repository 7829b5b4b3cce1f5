"""The live check-in round: its state, its cards' entries and drafts, and committing them."""
