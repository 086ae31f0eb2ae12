"""dispatch: Vietnamese official dispatches (công văn) as DOCX, laid out per Nghị định 30/2020/NĐ-CP."""
