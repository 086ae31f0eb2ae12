"""Reading DOCX files from elsewhere: the guard against hostile files, the reader, shared patterns."""
