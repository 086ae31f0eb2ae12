"""Around the pipeline: ``dispatch text`` and ``dispatch diff`` (extract, compare, redline, HTML)."""
