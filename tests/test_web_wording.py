"""Every text the web app can show is written for the web app: no command-line flag or
``coach`` command in the UI's strings, in the replies and templates of the data files, or in the
errors the library raises to whichever surface called it. (The CLI adds its own words.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
CLI_WORDS = re.compile(
    r"(?<![\w(-])--[a-z][a-z-]+"  # not a CSS var(--name)
    r"|\bcoach (?:ask|chat|message|agenda|feedback|agreement|eval|serve|ui|users|ingest|list|"
    r"approve|contacts|doctor|export|history|remove|reindex|record|search|sessions)\b"
)
# Said only to the person running the service (startup, accounts, a repair run from the CLI),
# never in a page: the module, and the words that may stay.
OPERATOR_ONLY = {
    "ui/app.py": ("Choose another --port.",),  # the server cannot start
    "assistant/accounts.py": ("coach users list",),  # accounts are managed with the CLI
    "assistant/server/__init__.py": ("coach users add",),  # refusing to start unprotected
    "assistant/coach.py": ("'coach ingest' shows",),  # the built-in knowledge failed at startup
    "assistant/answering/contacts.py": ("'coach contacts' shows",),  # the lead's file check
    "assistant/index/knowledge_index.py": (
        "'coach reindex' to rebuild",  # the index cannot be opened: the server does not start
        "'coach remove ",  # `coach doctor`'s repair report
    ),
    "assistant/index/vectorstore.py": ("chroma run --path",),  # the server's Chroma is down
    "assistant/backends.py": ("pip install --no-deps",),  # installing a model
}


def literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings and argparse option names left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    options = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_argument"
        for arg in node.args
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings | options
    ]


def shown_texts() -> list[tuple[str, int, str]]:
    modules = [*ROOT.glob("ui/*.py"), *(ROOT / "assistant").rglob("*.py")]
    found = [
        (str(path.relative_to(ROOT)), line, text)
        for path in modules
        if "cli" not in path.relative_to(ROOT).parts
        for line, text in literals(path)
    ]
    for path in (ROOT / "assistant").rglob("data/*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        found += [
            (str(path.relative_to(ROOT)), n, line)
            for n, line in enumerate(lines, 1)
            if not line.lstrip().startswith("#")
        ]
    return found


def test_no_text_the_web_app_can_show_names_a_cli_flag_or_command():
    offending = [
        f"{where}:{line}: {text.strip()[:90]!r}"
        for where, line, text in shown_texts()
        if CLI_WORDS.search(text)
        and not any(allowed in text for allowed in OPERATOR_ONLY.get(where, ()))
    ]
    assert not offending, "\n".join(offending)


def test_the_check_finds_a_cli_word():
    assert CLI_WORDS.search("add your own documents with 'coach ingest'")
    assert CLI_WORDS.search("Or use --backend composer.")
    assert not CLI_WORDS.search("Add your own documents to the knowledge base.")
