"""Stage 3: every line of the letter as the decree words it (``Letter``), the bold/italic markup a
clerk types, and the sentences written from assessments through editable templates."""
