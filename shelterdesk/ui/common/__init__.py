"""Pieces every screen uses: background work, dates, privacy, tables, icons."""
