"""Drafting for mentors and mentees: agendas, feedback, messages and agreements, all cited."""

from assistant.drafting.drafter import Drafter
from assistant.drafting.render import to_markdown, to_text
from assistant.drafting.requests import build_request
from assistant.drafting.tone import check_tone

__all__ = ["Drafter", "build_request", "check_tone", "to_markdown", "to_text"]
