"""Administration: users, organisations, shelters, settings."""
