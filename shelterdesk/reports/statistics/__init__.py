"""Published statistics: counts protected by small-cell suppression, and their exports."""
