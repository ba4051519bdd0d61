"""The sync relay: a small zero-knowledge HTTP service where an organisation's laptops meet.

It stores opaque, end-to-end encrypted envelopes and records per organisation and
authenticates devices by their Ed25519 keys; it never holds a key that opens
anything. ``protocol`` is shared with the client; ``storage`` (SQLite or
PostgreSQL), ``app`` (Starlette) and ``server`` (uvicorn) are the service.
"""
