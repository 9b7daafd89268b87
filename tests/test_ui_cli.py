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
            app, ["ui", "--host", "0.0.0.0", "--port", "8123", "--home", str(built_home)]
        ).exit_code
        == 0
    )
    assert launched == [
        {"home": built_home.resolve(), "host": "127.0.0.1", "port": 7860},
        {"home": built_home.resolve(), "host": "0.0.0.0", "port": 8123},
    ]


@pytest.mark.unit
def test_ui_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(app, ["ui", "--port", "70000"])
    assert result.exit_code == 2
    assert "65535" in result.output
