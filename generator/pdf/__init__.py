"""Around the pipeline: PDF output through LibreOffice, reproducible and never hanging."""
