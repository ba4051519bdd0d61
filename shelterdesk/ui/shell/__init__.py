"""The window's frame: start-up, wizard, unlock and lock, sections, account."""
