"""Files shipped inside the packages (the built-in knowledge, data files, evaluation sets).

Found with ``importlib.resources`` rather than paths relative to a checkout, so that a wheel
installed anywhere finds them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_folder(package: str, *parts: str) -> Path:
    """A folder shipped inside ``package``, as a real path (the loaders read files by path)."""
    folder = files(package).joinpath(*parts)
    if not isinstance(folder, Path):  # a zipped install: nothing here reads from a zip
        raise RuntimeError(f"{package} is installed zipped; install mentor-coach unpacked.")
    return folder


def builtin_knowledge() -> Path:
    """The repository's ``knowledge/`` folder: the guides every index starts from."""
    return package_folder("knowledge")
