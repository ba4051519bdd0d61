"""Counts across the vault for statistics and generalisation."""
