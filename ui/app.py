"""The Gradio app: one tab per capability, each a thin layer over the Coach facade."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import CoachError
from assistant.models import check_role
from ui import agenda, chat, drafts, evaluate, knowledge, record
from ui.common import (
    CACHE_MAX_AGE_S,
    CACHE_SWEEP_S,
    Downloads,
    Viewer,
    error_message,
    esc,
    private_cache,
    readable_errors,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI, Request

    from assistant.coach import Coach

# WCAG AA contrast (4.5:1 for text): white on teal-700, subdued text and placeholders on
# neutral-600/500 (Gradio's defaults, teal-500 and neutral-400, are 2.5:1 and 1.9:1).
THEME = gr.themes.Default(primary_hue="teal", secondary_hue="slate").set(
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_text_color="white",
    color_accent="*primary_700",
    color_accent_soft="*primary_50",
    body_text_color_subdued="*neutral_600",
    input_placeholder_color="*neutral_500",
    link_text_color="*primary_700",
    button_cancel_background_fill="#b91c1c",  # red-700: white text at 6.5:1
    button_cancel_background_fill_hover="#991b1b",
    button_cancel_text_color="white",
)
CSS = """
/* One page width on every tab: the container fills the window up to 1280px, never sizing to
   the open tab's content. */
.gradio-container { width: 100% !important; max-width: 1280px !important; margin: 0 auto; }
.eval-charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.eval-chart { flex: 1 1 420px; min-width: 0; }
.eval-chart svg { max-width: 100%; height: auto; }
#known-facts { max-width: 100%; overflow-x: auto; }
/* Where the keyboard is: every control shows a focus ring (Gradio's radios show none). */
input[type="radio"]:focus-visible, input[type="checkbox"]:focus-visible,
button:focus-visible, [role="tab"]:focus-visible, a:focus-visible {
  outline: 3px solid var(--color-accent) !important; outline-offset: 2px;
}
label:has(input[type="radio"]:focus-visible) { outline: 3px solid var(--color-accent); }
#known-facts table { table-layout: fixed; width: 100%; }
/* The record's tables scroll sideways inside themselves on a narrow page, never the page. */
#record-mentorships, #record-goals, #record-meetings, #record-actions {
  max-width: 100%; overflow-x: auto;
}
"""


ANSWERS_AT_ONCE = 4


def build_app(
    coach: Coach, answers_at_once: int = ANSWERS_AT_ONCE, accounts: bool = False
) -> gr.Blocks:
    """The whole UI over ``coach``; also exposes ``/ask`` for API clients.

    With ``accounts`` (the app 'coach serve' mounts) every handler works as the signed-in
    user: their conversations, ratings and record only; Knowledge and Evaluate for program
    leads."""
    private_cache()  # before any component: Gradio reads its cache folder then
    downloads = Downloads()
    viewer = Viewer(coach, accounts)
    with gr.Blocks(
        title="Mentor Coach",
        analytics_enabled=False,
        delete_cache=(CACHE_SWEEP_S, CACHE_MAX_AGE_S),
    ) as demo:
        # Gradio 6.31.0's ``delete_cache`` sweeps the file sets in ``temp_file_sets``: the
        # downloads' originals go with its copies (an export outlives nothing by an hour).
        demo.temp_file_sets.append(downloads.files)
        gr.Markdown("# Mentor Coach\nGrounded, cited guidance for mentees, mentors and programs.")
        with gr.Row(visible=accounts):
            signed_in = gr.Markdown(elem_id="signed-in")
            sign_out = gr.Button("Sign out", size="sm", scale=0, min_width=100)
        # Signing out is a POST to the server's own route (it ends the session in the database).
        sign_out.click(
            None,
            js="() => fetch('logout', {method: 'POST', credentials: 'same-origin'})"
            ".finally(() => { window.location.href = 'login'; })",
        )
        with gr.Tabs():
            with gr.Tab("Coach"):
                chat.build(demo, coach, downloads, viewer)
            with gr.Tab("Your record"):
                record.build(demo, coach, viewer)
            with gr.Tab("Agenda"):
                agenda.build(coach, downloads)
            with gr.Tab("Feedback & messages"):
                drafts.build(coach, downloads)
            with gr.Tab("Knowledge", visible=not accounts) as knowledge_tab:
                knowledge.build(demo, coach, viewer)
            with gr.Tab("Evaluate", visible=not accounts) as evaluate_tab:
                evaluate.build(demo, coach, downloads, viewer)

        def show_for(request: gr.Request) -> dict[Any, Any]:
            """Who is signed in (with a sign-out link); the leads' tabs for leads only."""
            name = viewer.user(request)
            if name is None:  # 'coach ui': one person, every tab already shown
                return {signed_in: gr.skip()}
            lead = viewer.is_lead(request)
            return {
                signed_in: f"Signed in as **{esc(name)}** ({viewer.role(request)})",
                knowledge_tab: gr.Tab(visible=lead),
                evaluate_tab: gr.Tab(visible=lead),
            }

        demo.load(
            readable_errors(show_for),
            None,
            [signed_in, knowledge_tab, evaluate_tab],
            api_visibility="private",
        )

        def ask(
            question: str, request: gr.Request, role: str = "mentee", session_id: str = ""
        ) -> dict[str, Any]:
            """Answer a question; the Answer as JSON (text with [n] markers and its citations)."""
            try:
                answer = coach.ask(
                    question, check_role(role), session_id or None, user=viewer.user(request)
                )
            except Exception as exc:
                raise gr.Error(error_message(exc), print_exception=False) from None
            return answer.model_dump(mode="json", exclude={"contexts"})

        gr.api(ask, api_name="ask")
    # Several questions are answered at once (Gradio's default is one at a time per event);
    # the Coach is thread-safe: pooled database connections, locked memos and index refresh.
    demo.queue(default_concurrency_limit=answers_at_once)
    return demo


def launch(
    coach: Coach,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    block: bool = True,
    answers_at_once: int = ANSWERS_AT_ONCE,
) -> gr.Blocks:
    """Serve the app on ``host:port`` (no share link, no analytics).

    ``block=True`` serves until Ctrl+C; ``block=False`` returns the running app (for tests).
    """
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    demo = build_app(coach, answers_at_once)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            share=False,
            prevent_thread_lock=True,
            quiet=True,
            max_file_size=int(coach.settings.max_file_mb * 1024 * 1024),
            footer_links=["api", "settings"],
            theme=THEME,
            css=CSS,
        )
    except OSError as exc:
        raise CoachError(
            f"Cannot start the app on {host}:{port} ({exc}).", "Choose another --port."
        ) from exc
    if block:
        print(f"Mentor Coach is running at {demo.local_url} (press Ctrl+C to stop).")
        demo.block_thread()
    return demo


def mount(
    app: FastAPI,
    coach: Coach,
    user_of: Callable[[Request], Awaitable[str | None]],
    path: str = "/ui",
) -> FastAPI:
    """The UI on ``app`` at ``path`` for the signed-in user that ``user_of`` finds in a request
    (the server's own sign-in; a request without one is refused by Gradio)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    blocks = build_app(coach, accounts=True)
    settings = coach.settings
    mounted = gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        auth_dependency=user_of,
        # Nothing of the data folder is ever served, whatever a handler returns.
        blocked_paths=[str(settings.home), str(settings.cache_dir)],
        max_file_size=int(settings.max_file_mb * 1024 * 1024),
        footer_links=["api", "settings"],
        theme=THEME,
        css=CSS,
    )
    # Gradio 6.31.0 checks a client-sent file path (FileData.path must be in its upload
    # folder) only when ``blocks.has_launched``, which launch() sets and mount_gradio_app does
    # not: mounted, any event taking a file would copy any server file into the cache. The
    # mounted app is served from here on, so it counts as launched.
    blocks.has_launched = True
    return mounted
