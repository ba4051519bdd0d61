"""Records, rules and vocabularies: pure Python, no Qt, no SQL."""
