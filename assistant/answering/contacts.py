"""The program's own contacts, named by every escalation: its lead, HR, ethics line, employee
assistance program, a crisis line for its country, the emergency number.

A program lead writes them in ``COACH_HOME/contacts.yaml`` (``coach contacts`` shows an example
and checks the file); the built-in wording ("your program lead, HR …") stands where a contact is
not given. The file is read again when it changes, so an edit needs no restart. A file that
cannot be read never stops an escalation: the built-in wording goes out, and ``coach contacts``
and the server's log say what is wrong with it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pydantic import field_validator

from assistant.data_files import DataModel, Text, load_data_file
from assistant.errors import DataFileError

log = logging.getLogger(__name__)

CONTACTS_FILE = "contacts.yaml"
EXAMPLE = """\
# Who the people of this program should contact when something needs real help. Every
# escalation names the contacts that fit it; leave out any you do not have. Put a number
# that starts with 0 in quotes ("000"), or YAML reads it as the number 0.
program_lead: Priya Shah, mentoring program lead (priya.shah@example.org)
hr: People team, hr@example.org or extension 4410
ethics_line: Speak-up line, 0800 555 0100 (anonymous, 24/7)
eap: Employee assistance program, 0800 555 0111 (free, confidential, 24/7)
crisis_line: Samaritans, 116 123 (UK and Ireland, 24/7)
emergency: 999
"""


class ProgramContacts(DataModel):
    """``COACH_HOME/contacts.yaml``: each contact as the people of the program should read it."""

    program_lead: Text | None = None
    hr: Text | None = None
    ethics_line: Text | None = None
    eap: Text | None = None
    crisis_line: Text | None = None
    emergency: Text | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _number_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value  # emergency: 911

    def given(self, names: tuple[str, ...]) -> list[tuple[str, str]]:
        """(name, contact) of those of ``names`` this program has given, in that order."""
        shown = self.model_dump()
        return [(name, shown[name]) for name in names if shown.get(name)]


class ContactsFile:
    """The contacts of one data folder, read again whenever the file changes."""

    def __init__(self, home: Path) -> None:
        self.path = home / CONTACTS_FILE
        self._lock = threading.Lock()
        self._seen: tuple[float, int] | None = None
        self._contacts = ProgramContacts()

    def load(self) -> ProgramContacts:
        """The contacts as written (none when there is no file); ``DataFileError`` naming the
        file and its problem when it cannot be used."""
        if not self.path.is_file():
            return ProgramContacts()
        hint = "Fix it ('coach contacts' shows an example), or remove it for the built-in wording."
        return load_data_file(self.path, ProgramContacts, hint)

    def current(self) -> ProgramContacts:
        """The contacts for an escalation: never raises (a broken file is logged once per
        change, and the built-in wording is used)."""
        try:
            stat = self.path.stat()
            seen: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
        except OSError:
            seen = None
        with self._lock:
            if seen != self._seen:
                self._seen = seen
                try:
                    self._contacts = self.load()
                except DataFileError as exc:
                    log.error("Escalations use the built-in wording: %s", exc)
                    self._contacts = ProgramContacts()
            return self._contacts
