"""The encrypted vault: SQLCipher database, key slots, migrations, repositories, audit.

This package is the only code that imports ``sqlcipher3``.
"""
