"""poolaudit: find, check and fix database connection-pool settings."""

__version__ = "0.1.0"
