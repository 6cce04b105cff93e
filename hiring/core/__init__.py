"""Framework-free domain code: blueprint parsing, scoring and statistics.

Nothing in this package may import Flask or SQLAlchemy; tests/test_core_purity.py checks.
"""
