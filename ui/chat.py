"""The Coach tab: a streaming, cited conversation with past sessions, export and ratings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.config import Detail, RetrievalMode
from assistant.conversation.state import FACT_LABELS, ConversationState
from assistant.errors import InputError
from assistant.models import Answer, Role, Turn
from ui.common import (
    BACKENDS,
    RETRIEVAL_MODES,
    ROLES,
    Downloads,
    Viewer,
    citations_markdown,
    esc,
    readable_errors,
    warnings_markdown,
)
from ui.record import nudges_markdown

if TYPE_CHECKING:
    from assistant.coach import Coach

EXAMPLES = {
    "mentee": [
        "My mentor keeps cancelling our meetings. What should I do?",
        "How do I ask someone senior to be my mentor without it being awkward?",
        "How do I turn 'get better at leadership' into an actual goal?",
        "What should I prepare before our first session?",
    ],
    "mentor": [
        "How do I get my new mentee to open up? Our chats feel surface level.",
        "How do I give feedback that is honest but kind?",
        "My mentee messages me late at night. How do I set boundaries?",
        "What are good questions to ask my mentee in a session?",
    ],
    "program-lead": [
        "What metrics should we track for our mentoring program?",
        "Do our mentor and mentee pairs need to sign an agreement?",
        "How often should we check in with pairs without micromanaging them?",
        "How do we handle a pair that is not working out?",
    ],
}
Message = dict[str, str]


def render_answer(answer: Answer) -> str:
    """An answer as chat Markdown: its text, warnings, numbered sources and their snippets."""
    parts = [
        esc(answer.text),
        warnings_markdown(answer.warnings),
        citations_markdown(answer.citations),
    ]
    return "\n\n".join(part for part in parts if part)


def render_turns(turns: list[Turn]) -> list[Message]:
    """A stored conversation as Chatbot messages."""
    return [
        {
            "role": turn.speaker,
            "content": render_answer(turn.answer) if turn.answer else esc(turn.content),
        }
        for turn in turns
    ]


def _examples(role: str) -> list[list[str]]:
    return [[question] for question in EXAMPLES.get(role, EXAMPLES["mentee"])]


# After an answer: the chat shows the start of the newest answer, not its end (the sources).
SHOW_ANSWER_START = """() => {
  const answers = document.querySelectorAll('[data-testid="bot"]');
  if (answers.length) answers[answers.length - 1].scrollIntoView({block: "start"});
}"""


def questions(count: int) -> str:
    return f"{count} question" if count == 1 else f"{count} questions"


def known_rows(state: ConversationState) -> list[list[str]]:
    """What the coach knows, one row per fact (blank where nothing is known), to edit."""
    known = state.facts.known()
    return [[label, known.get(name, "")] for name, label in FACT_LABELS.items()]


def edited_facts(rows: Any) -> dict[str, object]:
    """The facts as the person left them in the table (a blank value clears one)."""
    values = rows.values.tolist() if hasattr(rows, "values") else list(rows or [])
    by_label = {label: name for name, label in FACT_LABELS.items()}
    facts: dict[str, object] = {}
    for row in values:
        if len(row) >= 2 and row[0] in by_label:
            facts[by_label[row[0]]] = str(row[1]).strip() if row[1] is not None else ""
    return facts


def build(demo: gr.Blocks, coach: Coach, downloads: Downloads, viewer: Viewer) -> None:
    """The Coach tab's components and events (inside ``demo``, an open gr.Blocks); every
    conversation and rating is the viewer's own."""
    session = gr.State(None)
    # What the coach noticed in the viewer's record (shown when the page opens, if anything).
    noticed = gr.Markdown(visible=False, elem_id="coach-nudges")
    with gr.Row(equal_height=False):
        role = gr.Radio(ROLES, value="mentee", label="I am a", scale=3)
        new = gr.Button("New conversation", size="md", scale=1, min_width=160)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=520,
                autoscroll=False,  # a new answer is scrolled to its start (SHOW_ANSWER_START)
                feedback_options=None,
                buttons=["copy"],
                placeholder="Ask about a real situation. Answers cite the best practice they use.",
            )
            with gr.Row(equal_height=True):
                question = gr.Textbox(
                    label="Your question",
                    placeholder="e.g. My mentor keeps cancelling our meetings…",
                    lines=1,
                    max_lines=6,
                    scale=5,
                    min_width=220,
                )
                ask = gr.Button("Ask", variant="primary", scale=1, min_width=90)
            more_items = gr.Dataset(
                components=[question], samples=[], label="More on", visible=False
            )
            examples = gr.Dataset(
                components=[question], samples=_examples("mentee"), label="Example questions"
            )
            with gr.Group(visible=False) as rating_box:  # shown once there is an answer
                comment = gr.Textbox(
                    label="Comment on the last answer (optional)", lines=1, max_lines=4
                )
                with gr.Row():
                    thumbs_up = gr.Button("Helpful", size="sm", min_width=120)
                    thumbs_down = gr.Button("Not helpful", size="sm", min_width=120)
            rating_status = gr.Markdown()
        with gr.Column(scale=1, min_width=260):
            sessions = gr.Dropdown(label="Past conversations", choices=[], value=None)
            resume = gr.Button("Resume conversation", size="md")
            export = gr.DownloadButton("Download conversation (.md)", size="md", interactive=False)
            with gr.Accordion("What I know so far", open=True):
                known = gr.Dataframe(
                    value=known_rows(ConversationState()),
                    headers=["Fact", "Value"],
                    column_count=(2, "fixed"),
                    column_widths=["45%", "55%"],
                    interactive=True,
                    label="Names, days and facts from this conversation (edit a value, then save)",
                    wrap=True,
                    elem_id="known-facts",
                )
                with gr.Row():
                    save_known = gr.Button("Save facts", size="sm", min_width=100)
                    clear_known = gr.Button("Clear facts", size="sm", min_width=100)
                known_status = gr.Markdown()
            with gr.Accordion("Answer settings", open=False):
                detail = gr.Radio(
                    [("Short, with more on request", "brief"), ("Every step", "full")],
                    value=coach.settings.detail,
                    label="Answer length",
                )
                # For whoever may choose the engine (program leads on a server; the one person
                # of 'coach ui'): technical choices, closed by default.
                with gr.Accordion("Answer engine", open=False) as engine:
                    backend = gr.Dropdown(
                        BACKENDS, value=coach.settings.backend, label="Answer engine"
                    )
                    retrieval = gr.Dropdown(
                        RETRIEVAL_MODES, value=coach.settings.retrieval, label="Retrieval mode"
                    )
            with gr.Accordion("For trainers", open=False) as trainers:
                ratings_csv = gr.DownloadButton(
                    "Download all ratings (.csv)", size="md", interactive=False
                )

    def session_choices(request: gr.Request, selected: str | None = None) -> Any:
        """The viewer's conversations that hold an answer, newest first."""
        choices = [
            (f"{s.title} · {s.updated_at:%Y-%m-%d %H:%M} · {questions(s.turns // 2)}", s.id)
            for s in coach.list_sessions(user=viewer.user(request))
            if s.turns
        ]
        return gr.Dropdown(choices=choices, value=selected)

    def export_file(session_id: str, request: gr.Request) -> Any:
        markdown = coach.export_session(session_id, user=viewer.user(request))
        path = downloads.write(f"conversation-{session_id}.md", markdown)
        return gr.DownloadButton(value=path, interactive=True)

    def ratings_file(request: gr.Request) -> Any:
        if not viewer.is_lead(request):  # the trainers' export is for program leads
            return gr.DownloadButton(value=None, interactive=False)
        path = downloads.write("ratings.csv", coach.ratings_csv())
        return gr.DownloadButton(value=path, interactive=True)

    def trainers_file(request: gr.Request) -> Any:
        viewer.require_lead(request, "export ratings")
        return ratings_file(request)

    def more_choices(answer: Answer | None) -> Any:
        offered = answer.more if answer else []
        return gr.Dataset(samples=[[f"more on {i.label}"] for i in offered], visible=bool(offered))

    @readable_errors
    def respond(
        text: str,
        role_value: Role,  # the dropdowns offer only these values
        session_id: str | None,
        backend_value: str,
        mode: RetrievalMode,
        length: Detail,
        request: gr.Request,
    ) -> Iterator[dict[Any, Any]]:
        if not text.strip():
            raise InputError("The question is empty.", "Type what you would like help with.")
        user = viewer.user(request)
        # A new conversation is stored with its first answer: a failure leaves none behind.
        history = render_turns(coach.session_turns(session_id, user=user)) if session_id else []
        pending = [{"role": "user", "content": esc(text)}, {"role": "assistant", "content": ""}]
        yield {
            question: "",
            chatbot: [*history, *pending],
            session: session_id,
            rating_status: "",
        }
        streamed = ""
        answer: Answer | None = None
        try:
            # The Coach refuses, server-side, a backend the viewer's role may not choose.
            for item in coach.stream(
                text,
                role_value,
                session_id,
                backend_value,
                mode,
                user=user,
                store=True,
                detail=length,
            ):
                if isinstance(item, Answer):
                    pending[-1]["content"] = render_answer(item)
                    answer = item
                else:
                    streamed += item
                    pending[-1]["content"] = esc(streamed)
                yield {chatbot: [*history, *pending]}
        except Exception:
            yield {question: text, chatbot: history}
            raise
        assert answer is not None and answer.session_id is not None  # stored
        yield {
            session: answer.session_id,
            sessions: session_choices(request, answer.session_id),
            export: export_file(answer.session_id, request),
            known: known_rows(coach.conversation_state(answer.session_id, user=user)),
            more_items: more_choices(answer),
            rating_box: gr.Group(visible=True),
        }

    @readable_errors
    def save_facts(session_id: str | None, rows: Any, request: gr.Request) -> dict[Any, Any]:
        if not session_id:
            raise InputError(
                "There is no conversation to remember facts for yet.", "Ask a question first."
            )
        state = coach.edit_conversation_state(session_id, edited_facts(rows), viewer.user(request))
        return {known: known_rows(state), known_status: "Saved: replies now use these facts."}

    @readable_errors
    def clear_facts(session_id: str | None, request: gr.Request) -> dict[Any, Any]:
        if session_id:
            coach.clear_conversation_state(session_id, viewer.user(request))
        return {known: known_rows(ConversationState()), known_status: "Cleared."}

    @readable_errors
    def start_new(request: gr.Request) -> dict[Any, Any]:
        return {
            session: None,
            chatbot: [],
            known: known_rows(ConversationState()),
            more_items: more_choices(None),
            rating_box: gr.Group(visible=False),
            sessions: session_choices(request),
            export: gr.DownloadButton(value=None, interactive=False),
            rating_status: "",
        }

    @readable_errors
    def resume_session(session_id: str | None, request: gr.Request) -> dict[Any, Any]:
        if not session_id:
            raise InputError("No conversation selected.", "Pick one under Past conversations.")
        user = viewer.user(request)
        info = coach.session_info(session_id, user=user)
        turns = coach.session_turns(session_id, user=user)
        last = next((t.answer for t in reversed(turns) if t.answer), None)
        return {
            session: session_id,
            chatbot: render_turns(turns),
            known: known_rows(coach.conversation_state(session_id, user=user)),
            more_items: more_choices(last),
            rating_box: gr.Group(visible=last is not None),
            export: export_file(session_id, request),
            rating_status: "",
            role: info.role,
        }

    def rate(thumb: str) -> Any:
        @readable_errors
        def handler(session_id: str | None, text: str, request: gr.Request) -> dict[Any, Any]:
            user = viewer.user(request)
            turns = coach.session_turns(session_id, user=user) if session_id else []
            answers = [turn.answer for turn in turns if turn.answer is not None]
            if not answers:
                raise InputError("There is no answer to rate yet.", "Ask a question first.")
            coach.rate(answers[-1], thumb, text, user=user)
            return {
                comment: "",
                rating_status: "Thanks — your rating was saved.",
                ratings_csv: ratings_file(request),
            }

        return handler

    @readable_errors
    def on_load(request: gr.Request) -> dict[Any, Any]:
        """The viewer's conversations; their role first; what the coach noticed in their
        record; the trainers' export for leads."""
        own_role = viewer.role(request)
        said = nudges_markdown(coach.record.record(viewer.user(request)), date.today())
        update: dict[Any, Any] = {
            noticed: gr.Markdown(value=said, visible=bool(said)),
            sessions: session_choices(request),
            trainers: gr.Accordion(visible=viewer.is_lead(request)),
            engine: gr.Accordion(visible=coach.may_choose_backend(viewer.user(request))),
        }
        if own_role:
            update[role] = own_role
            update[examples] = gr.Dataset(samples=_examples(own_role))
        return update

    private: dict[str, Any] = {"api_visibility": "private"}
    everything = [question, chatbot, session, sessions, export, rating_status, role]
    everything += [known, more_items, rating_box]
    asking = [question, role, session, backend, retrieval, detail]
    gr.on([ask.click, question.submit], respond, asking, everything, **private).then(
        None, js=SHOW_ANSWER_START
    )
    # A "more on …" item asks for it at once.
    more_items.click(lambda sample: sample[0], more_items, question, **private).then(
        respond, asking, everything, **private
    ).then(None, js=SHOW_ANSWER_START)
    save_known.click(save_facts, [session, known], [known, known_status], **private)
    clear_known.click(clear_facts, session, [known, known_status], **private)
    examples.click(lambda sample: sample[0], examples, question, **private)
    role.change(lambda r: gr.Dataset(samples=_examples(r)), role, examples, **private)
    new.click(start_new, None, everything, **private)
    resume.click(resume_session, sessions, everything, **private)
    for button, thumb in ((thumbs_up, "up"), (thumbs_down, "down")):
        button.click(
            rate(thumb), [session, comment], [comment, rating_status, ratings_csv], **private
        )
    trainers.expand(readable_errors(trainers_file), None, ratings_csv, **private)
    demo.load(on_load, None, [noticed, sessions, trainers, role, examples, engine], **private)
