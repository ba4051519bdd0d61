"""The Sync section: set-up, status, laptops, invitations, conflicts."""
