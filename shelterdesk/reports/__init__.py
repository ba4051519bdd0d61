"""Printed documents (reportlab): referral forms, anonymized sheets, statistics. No Qt here."""
