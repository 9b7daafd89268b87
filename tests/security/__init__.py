"""Attacks on the served program's promises (docs/security.md maps each promise to its test)."""
