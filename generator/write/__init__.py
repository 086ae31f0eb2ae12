"""Stage 6: write files safely (atomic, never over someone's edits) and zip DOCX deterministically."""
