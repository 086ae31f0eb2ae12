"""Around the pipeline: ``dispatch lint``, the decree's checklist applied to any DOCX: the parts
found (``elements``), their properties measured (``measures``), the rules applied (``check``)."""
