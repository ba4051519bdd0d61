"""Speed measurements, printed as tables beside plain sqlite3 where that applies."""
