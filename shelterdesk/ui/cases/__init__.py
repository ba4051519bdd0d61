"""The Cases section: case list, client file with its tabs, record forms and their drafts."""
