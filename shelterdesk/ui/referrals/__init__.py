"""The Referrals section: the list, status changes, print preview."""
