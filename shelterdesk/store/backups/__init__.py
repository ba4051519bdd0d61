"""Encrypted backups: making, checking, restoring, scheduling, rotating."""
