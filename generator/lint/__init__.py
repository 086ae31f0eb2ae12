"""Around the pipeline: ``dispatch lint``, the decree's checklist applied to any DOCX."""
