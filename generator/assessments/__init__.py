"""Around the pipeline: NTM criteria sets as data, communes' assessments (inline or from a table)."""
