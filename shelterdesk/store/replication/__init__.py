"""The vault's side of sync: change capture, merge, peers, conflicts."""
