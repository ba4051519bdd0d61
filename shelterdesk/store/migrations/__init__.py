"""Numbered SQL migrations; see :mod:`shelterdesk.store.migrate`."""
