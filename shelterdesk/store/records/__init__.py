"""Repositories of the case records, one module per aggregate."""
