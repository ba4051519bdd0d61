"""ShelterDesk: encrypted, offline-first intake for counter-trafficking shelters."""

__version__ = "0.1.0"
