"""The PySide6 desktop client: the only code that imports Qt."""
