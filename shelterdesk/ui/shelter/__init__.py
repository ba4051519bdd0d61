"""The Shelter section: the bed board, stays, admission and discharge."""
