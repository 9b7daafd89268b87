"""`coach ui`: opens the Coach on the given home and serves the app on the given host and port."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Calls to ui.app.launch, recorded instead of serving."""
    import ui.app

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(
        ui.app,
        "launch",
        lambda coach, host, port: calls.append(
            {"home": coach.settings.home, "host": host, "port": port}
        ),
    )
    return calls


@pytest.mark.integration
def test_ui_serves_on_localhost_by_default_and_takes_host_port_home(
    launched, built_home: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ui", "--home", str(built_home)]).exit_code == 0
    assert (
        runner.invoke(
            app, ["ui", "--host", "::1", "--port", "8123", "--home", str(built_home)]
        ).exit_code
        == 0
    )
    assert launched == [
        {"home": built_home.resolve(), "host": "127.0.0.1", "port": 7860},
        {"home": built_home.resolve(), "host": "::1", "port": 8123},
    ]


@pytest.mark.integration
def test_the_one_person_ui_refuses_to_serve_the_network(launched, built_home: Path) -> None:
    result = CliRunner().invoke(app, ["ui", "--host", "0.0.0.0", "--home", str(built_home)])
    assert result.exit_code == 1
    assert "no sign-in" in result.output and "coach serve" in result.output
    assert launched == []


@pytest.mark.integration
def test_serve_refuses_the_network_without_accounts_and_serves_with_them(
    monkeypatch: pytest.MonkeyPatch, home_copy: Path
) -> None:
    import uvicorn

    served: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: served.append((host, port)))
    runner = CliRunner()
    args = ["serve", "--host", "0.0.0.0", "--port", "8124", "--no-ui", "--home", str(home_copy)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "without accounts" in refused.output
    assert served == []
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "lee",
            "--role",
            "program-lead",
            "--password-stdin",
            "--home",
            str(home_copy),
        ],
        input="lee-password\n",
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, args).exit_code == 0
    assert served == [("0.0.0.0", 8124)]


@pytest.mark.unit
def test_ui_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(app, ["ui", "--port", "70000"])
    assert result.exit_code == 2
    assert "65535" in result.output
