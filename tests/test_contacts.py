"""The program's own contacts (COACH_HOME/contacts.yaml) are named by every escalation, shown by
`coach contacts` and `GET /v1/contacts`; a broken file never stops an escalation."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from assistant.answering.contacts import EXAMPLE, ContactsFile, ProgramContacts
from assistant.cli import app

CONTACTS = """\
program_lead: Priya Shah (priya.shah@riverside.example)
hr: Riverside People team, extension 4410
crisis_line: Lifeline, 13 11 14 (24/7)
emergency: "000"
"""
HARASSMENT = "My mentor keeps touching my back and texting me at night after our sessions."
CRISIS = "I've been giving my things away and I don't think I'll be around much longer."


@pytest.mark.unit
def test_the_example_is_a_valid_file_and_numbers_read_as_text(tmp_path):
    (tmp_path / "contacts.yaml").write_text(EXAMPLE)
    example = ContactsFile(tmp_path).load()
    assert example.emergency == "999" and example.hr and example.crisis_line
    assert ProgramContacts.model_validate({"emergency": 911}).emergency == "911"


@pytest.mark.unit
def test_only_the_contacts_that_fit_are_named_in_order():
    from assistant.answering import fixed_replies

    given = ProgramContacts(hr="People team", crisis_line="Lifeline", program_lead="Priya")
    lines = fixed_replies.CONTACT_LINES
    assert lines.block("conduct", given) == [
        "Who to contact in your program:",
        "- Your program lead: Priya",
        "- HR: People team",
    ]
    assert lines.block("crisis", given)[1:] == ["- A crisis line: Lifeline"]
    assert lines.block("crisis", ProgramContacts()) == []


@pytest.mark.unit
def test_a_broken_file_falls_back_to_the_built_in_wording_and_an_edit_is_read(tmp_path, caplog):
    file = ContactsFile(tmp_path)
    assert file.current() == ProgramContacts()
    file.path.write_text("hr: People team\nphone: 123\n")
    with caplog.at_level(logging.ERROR, logger="assistant.answering.contacts"):
        assert file.current() == ProgramContacts()
    assert "contacts.yaml" in caplog.text and "phone" in caplog.text
    file.path.write_text("hr: People team, extension 4410\n")
    assert file.current().hr == "People team, extension 4410"


@pytest.mark.unit
def test_coach_contacts_shows_an_example_then_checks_the_file(tmp_path):
    runner = CliRunner()
    shown = runner.invoke(app, ["contacts", "--home", str(tmp_path)])
    assert shown.exit_code == 0 and "program_lead:" in shown.output
    (tmp_path / "contacts.yaml").write_text("hr: [not, text]\n")
    broken = runner.invoke(app, ["contacts", "--home", str(tmp_path)])
    assert broken.exit_code != 0 and "contacts.yaml" in broken.output
    assert "coach contacts" in broken.output  # how to fix it
    (tmp_path / "contacts.yaml").write_text(CONTACTS)
    listed = runner.invoke(app, ["contacts", "--home", str(tmp_path), "--json"])
    assert '"hr": "Riverside People team, extension 4410"' in listed.output


@pytest.mark.integration
def test_escalations_name_the_programs_contacts_for_their_kind(coach_copy):
    before = coach_copy.ask(HARASSMENT)
    assert before.mode == "escalation" and "Who to contact" not in before.text
    (coach_copy.settings.home / "contacts.yaml").write_text(CONTACTS)
    conduct = coach_copy.ask(HARASSMENT)
    assert "Priya Shah (priya.shah@riverside.example)" in conduct.text
    assert "Riverside People team" in conduct.text and "Lifeline" not in conduct.text
    crisis = coach_copy.ask(CRISIS)
    assert crisis.mode == "escalation"
    assert "Lifeline, 13 11 14 (24/7)" in crisis.text and "000" in crisis.text
    ordinary = coach_copy.ask("How do I prepare for my first mentoring session?")
    assert "Who to contact" not in ordinary.text


@pytest.mark.integration
def test_the_api_shows_the_contacts_to_every_signed_in_person(built_home, tmp_path):
    from tests.security.served import api_service

    with api_service(built_home, tmp_path, {"ann": "mentee"}) as service:
        (service.home / "contacts.yaml").write_text(CONTACTS)
        assert service.client.get("/v1/contacts").status_code == 401
        shown = service.client.get("/v1/contacts", headers=service.headers("ann")).json()
        assert shown["hr"] == "Riverside People team, extension 4410"
        assert shown["ethics_line"] is None
