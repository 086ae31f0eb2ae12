"""Reading DOCX files from elsewhere: the guard against hostile files (``guard``), namespaces and
units (``ns``), Word's style resolution (``styles``), the reader (``read``) and what it gives
(``model``), and the patterns that recognise a letter's parts (``elements``)."""
