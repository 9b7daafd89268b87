"""The Feedback & messages tab: feedback with a tone check, hard-to-write messages, agreements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.drafting.models import (
    AgreementRequest,
    FeedbackDirection,
    FeedbackDraft,
    FeedbackKind,
    FeedbackRequest,
    MessageKind,
    MessageRequest,
    Party,
)
from assistant.drafting.render import to_markdown
from assistant.drafting.requests import build_request
from ui.common import FORM_HINT, Downloads, choices, draft_markdown, esc, lines, readable_errors

if TYPE_CHECKING:
    from assistant.coach import Coach

MESSAGE_KINDS = choices(
    MessageKind,
    {
        "reengage": "Re-engage a stalled mentorship",
        "thank-you": "Say thank you",
        "ask-mentor": "Ask someone to mentor you",
        "reschedule": "Reschedule a meeting",
    },
)
PARTIES = choices(Party, {"mentor": "My mentor", "mentee": "My mentee"})
FEEDBACK_NOTE = (
    "Describe one moment as situation, behaviour and impact. The draft follows feedback best "
    "practice, cites it, and checks the wording's tone."
)
PLACEHOLDER_NOTE = "Anything you leave empty becomes a {placeholder} to fill in."


def tone_markdown(draft: FeedbackDraft) -> str:
    """The tone check's findings, first thing under the draft."""
    if not draft.tone:
        return "**Tone check:** no issues found."
    found = [
        f"- **{esc(w.issue)}** ({esc(', '.join(w.words))}): {esc(w.suggestion)}" for w in draft.tone
    ]
    text = "**Tone check:** consider rewording\n\n" + "\n".join(found)
    if draft.rewording:
        text += (
            "\n\n**Reworded in the draft** (change it back if it no longer says what "
            f"happened):\n\n- You wrote: “{esc(draft.rewording.original)}”\n"
            f"- The draft says: “{esc(draft.rewording.rewritten)}”"
        )
    return text


def _optional(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def build(coach: Coach, downloads: Downloads) -> None:
    """The tab's components and events (inside an open gr.Blocks)."""
    private: dict[str, Any] = {"api_visibility": "private"}
    with gr.Tab("Feedback"):
        gr.Markdown(FEEDBACK_NOTE)
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=300):
                situation = gr.Textbox(
                    label="Situation: when and where", placeholder="In Monday's team meeting"
                )
                behavior = gr.Textbox(
                    label="Behaviour: what they did or said",
                    placeholder="you summarised the client's concerns before proposing a fix",
                )
                impact = gr.Textbox(
                    label="Impact: what it led to",
                    placeholder="the client relaxed and agreed the plan",
                )
                kind = gr.Radio(
                    choices(FeedbackKind),
                    value="reinforcing",
                    label="Kind of feedback",
                )
                direction = gr.Radio(
                    choices(FeedbackDirection),
                    value="mentor-to-mentee",
                    label="Direction",
                )
                ask_for = gr.Textbox(label="What you would like next time (optional)")
                feedback_button = gr.Button("Draft feedback", variant="primary")
            with gr.Column(scale=3, min_width=300):
                tone = gr.Markdown()
                feedback_text = gr.Textbox(label="Feedback to give", lines=6, interactive=True)
                with gr.Accordion("Why it is written this way, with sources", open=False):
                    feedback_why = gr.Markdown()
                feedback_file = gr.DownloadButton("Download feedback (.md)", interactive=False)

    with gr.Tab("Message"):
        gr.Markdown(PLACEHOLDER_NOTE)
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=300):
                message_kind = gr.Dropdown(MESSAGE_KINDS, value="reengage", label="Message")
                to = gr.Radio(PARTIES, value="mentor", label="To")
                name = gr.Textbox(label="Their name (optional)")
                sender = gr.Textbox(label="Your name (optional)")
                about = gr.Textbox(label="The goal or topic it concerns (optional)")
                detail = gr.Textbox(
                    label="A specific detail: why them, what helped, why (optional)", lines=2
                )
                times = gr.Textbox(label="Times you could meet (optional, one per line)", lines=2)
                message_button = gr.Button("Draft message", variant="primary")
            with gr.Column(scale=3, min_width=300):
                message_text = gr.Textbox(label="Message to send", lines=8, interactive=True)
                with gr.Accordion("Why it is written this way, with sources", open=False):
                    message_why = gr.Markdown()
                message_file = gr.DownloadButton("Download message (.md)", interactive=False)

    with gr.Tab("Agreement"):
        gr.Markdown(PLACEHOLDER_NOTE)
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=300):
                with gr.Row():
                    mentor = gr.Textbox(label="Mentor's name", min_width=140)
                    mentee = gr.Textbox(label="Mentee's name", min_width=140)
                agreement_goals = gr.Textbox(label="Goals (one per line, up to 5)", lines=3)
                cadence = gr.Textbox(label="How often you meet", placeholder="every two weeks")
                meeting_minutes = gr.Slider(15, 180, value=60, step=5, label="Meeting length (min)")
                channels = gr.Textbox(
                    label="How you meet (one per line)", placeholder="video", lines=2
                )
                with gr.Row():
                    # No minimum here: the browser sends 0 for an empty box; 0 means "not given".
                    months = gr.Number(value=None, label="Runs for (months)", precision=0)
                    review = gr.Textbox(label="Review date", placeholder="1 June")
                agreement_button = gr.Button("Draft agreement", variant="primary")
            with gr.Column(scale=3, min_width=300):
                agreement = gr.Markdown()
                agreement_file = gr.DownloadButton("Download agreement (.md)", interactive=False)

    def offer(name_: str, markdown: str) -> Any:
        return gr.DownloadButton(value=downloads.write(name_, markdown), interactive=True)

    @readable_errors
    def make_feedback(
        situation_: str, behavior_: str, impact_: str, kind_: str, direction_: str, ask_: str
    ) -> dict[Any, Any]:
        request = build_request(
            FeedbackRequest,
            FORM_HINT,
            situation=situation_,
            behavior=behavior_,
            impact=impact_,
            kind=kind_,
            direction=direction_,
            request=_optional(ask_),
        )
        draft = coach.feedback(request)
        markdown = to_markdown(draft)
        return {
            tone: tone_markdown(draft),
            feedback_text: draft.text,
            feedback_why: draft_markdown(markdown, draft.citations),
            feedback_file: offer(f"feedback-{draft.kind}.md", markdown),
        }

    @readable_errors
    def make_message(
        kind_: str, to_: str, name_: str, sender_: str, about_: str, detail_: str, times_: str
    ) -> dict[Any, Any]:
        request = build_request(
            MessageRequest,
            FORM_HINT,
            kind=kind_,
            to=to_,
            name=_optional(name_),
            sender=_optional(sender_),
            about=_optional(about_),
            detail=_optional(detail_),
            times=lines(times_),
        )
        draft = coach.message(request)
        markdown = to_markdown(draft)
        return {
            message_text: draft.text,
            message_why: draft_markdown(markdown, draft.citations),
            message_file: offer(f"message-{draft.kind}.md", markdown),
        }

    @readable_errors
    def make_agreement(
        mentor_: str,
        mentee_: str,
        goals_: str,
        cadence_: str,
        minutes_: float,
        channels_: str,
        months_: float | None,
        review_: str,
    ) -> dict[Any, Any]:
        request = build_request(
            AgreementRequest,
            FORM_HINT,
            mentor=_optional(mentor_),
            mentee=_optional(mentee_),
            goals=lines(goals_),
            cadence=_optional(cadence_),
            minutes=int(minutes_),
            channels=lines(channels_),
            months=int(months_) if months_ else None,
            review=_optional(review_),
        )
        draft = coach.agreement(request)
        markdown = to_markdown(draft)
        return {
            agreement: draft_markdown(markdown, draft.citations),
            agreement_file: offer("mentoring-agreement.md", markdown),
        }

    feedback_button.click(
        make_feedback,
        [situation, behavior, impact, kind, direction, ask_for],
        [tone, feedback_text, feedback_why, feedback_file],
        **private,
    )
    message_button.click(
        make_message,
        [message_kind, to, name, sender, about, detail, times],
        [message_text, message_why, message_file],
        **private,
    )
    agreement_button.click(
        make_agreement,
        [mentor, mentee, agreement_goals, cadence, meeting_minutes, channels, months, review],
        [agreement, agreement_file],
        **private,
    )
