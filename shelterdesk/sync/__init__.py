"""Replication between an organisation's laptops: change capture, merge, envelopes, transports."""
