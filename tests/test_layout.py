"""The package's shape: every module imports on its own (no import cycle bites whoever imports
it first), and the import contracts of pyproject.toml hold (lint-imports: no cycle, the library
never imports its front ends, no CLI command module imports another)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "evals", "ui")

# Each module is imported first, in a process where no module of ours is loaded yet.
IMPORT_EACH = """
import importlib, sys
ours = lambda name: name.split(".")[0] in ("assistant", "evals", "ui", "knowledge")
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if ours(m)]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__" or "migrations" in parts:  # Alembic runs those, by path
                continue
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.integration
def test_every_module_imports_first():
    names = modules()
    assert "assistant.cli.drafts" in names and "evals.results" in names
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, *names], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout


@pytest.mark.integration
def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency ('make setup-dev')"
    result = subprocess.run([lint_imports, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.unit
def test_the_library_contract_lists_every_module_of_the_library():
    """The contract names the library's modules one by one (the CLI lives inside the same
    package); a new module must be added there, or its imports go unchecked."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (library,) = [c for c in config["contracts"] if "never imports its front ends" in c["name"]]
    children = {
        f"assistant.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "assistant").iterdir()
        if (path.suffix == ".py" and path.stem not in ("__init__", "__main__"))
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert set(library["source_modules"]) == children - {"assistant.cli", "assistant.server"}
