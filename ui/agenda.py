"""The Agenda tab: describe the session, get a timed agenda that cites its practice, download it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.drafting.models import AgendaRequest, MentoringStyle, SessionType
from assistant.drafting.render import to_markdown
from assistant.drafting.requests import build_request
from ui.common import FORM_HINT, Downloads, choices, draft_markdown, lines, readable_errors

if TYPE_CHECKING:
    from assistant.coach import Coach

SESSIONS = choices(
    SessionType,
    {
        "first": "First session",
        "regular": "Regular session",
        "stalled-reset": "Restarting a stalled mentorship",
        "midpoint-review": "Mid-point review",
        "closing": "Closing session",
    },
)
MENTORING_STYLES = [("No preference", ""), *choices(MentoringStyle)]


def build(coach: Coach, downloads: Downloads) -> None:
    """The Agenda tab's components and events (inside an open gr.Blocks)."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            session = gr.Dropdown(SESSIONS, value="regular", label="Session")
            minutes = gr.Slider(15, 180, value=60, step=5, label="Length (minutes)")
            goals = gr.Textbox(
                label="Goals (one per line, up to 5)",
                lines=3,
                placeholder="Build the evidence for a promotion case",
            )
            progress = gr.Textbox(label="Progress since last time (optional)", lines=2)
            challenges = gr.Textbox(label="Current challenges (optional, one per line)", lines=2)
            with gr.Row():
                mentoring_style = gr.Dropdown(MENTORING_STYLES, value="", label="Mentoring style")
                role = gr.Radio(
                    [("Mentor", "mentor"), ("Mentee", "mentee")],
                    value="mentor",
                    label="Prepared by",
                )
            draft = gr.Button("Draft agenda", variant="primary")
        with gr.Column(scale=3, min_width=300):
            download = gr.DownloadButton("Download agenda (.md)", interactive=False)
            agenda = gr.Markdown("_Your agenda will appear here._", elem_id="agenda")

    @readable_errors
    def make_agenda(
        session_value: str,
        minutes_value: float,
        goals_text: str,
        progress_text: str,
        challenges_text: str,
        mentoring_value: str,
        role_value: str,
    ) -> dict[Any, Any]:
        request = build_request(
            AgendaRequest,
            FORM_HINT,
            session=session_value,
            minutes=int(minutes_value),
            goals=lines(goals_text),
            progress=progress_text or None,
            challenges=lines(challenges_text),
            mentoring_style=mentoring_value or None,
            role=role_value,
        )
        result = coach.agenda(request)
        markdown = to_markdown(result)
        path = downloads.write(f"agenda-{request.session}-{request.minutes}min.md", markdown)
        return {
            agenda: draft_markdown(markdown, result.citations),
            download: gr.DownloadButton(value=path, interactive=True),
        }

    draft.click(
        make_agenda,
        [session, minutes, goals, progress, challenges, mentoring_style, role],
        [agenda, download],
        api_visibility="private",
    )
