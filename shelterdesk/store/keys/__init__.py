"""Who may open the vault: key slots, users and roles, recovery keys."""
