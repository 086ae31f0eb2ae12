"""Stage 1 of the letter pipeline: read a file the user names (YAML) safely, with the line of every value."""
