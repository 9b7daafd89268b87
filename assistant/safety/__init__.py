"""Safety screening: which messages are coached, refused, or sent to real help, and why."""

from assistant.safety.router import SafetyRouter

__all__ = ["SafetyRouter"]
