"""Stage 2: the validated input (pydantic models with the decree's terms as keys), its Vietnamese
validation messages, and the checks on a validated letter (administrative levels since 1 July 2025)."""
