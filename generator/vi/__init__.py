"""Vietnamese helpers every stage may use: dates as the decree writes them, collation, legacy
encodings, and Vietnamese messages for pydantic and click."""
