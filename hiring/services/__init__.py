"""Service functions: where one action touches several models."""
