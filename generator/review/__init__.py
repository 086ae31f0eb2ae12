"""Around the pipeline: ``dispatch text`` and ``dispatch diff`` (opening, extract, labelling,
text output, compare, redline, HTML)."""
