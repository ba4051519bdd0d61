"""The Statistics section: tables and charts of protected counts."""
