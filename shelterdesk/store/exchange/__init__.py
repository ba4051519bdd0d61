"""Referrals that travel between organisations: keys, sealed files, inbox and statuses."""
