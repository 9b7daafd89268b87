"""The YAML data files shipped in the packages (templates, word lists, fixed replies).

Each file is read into a pydantic model whose validators check what the code relies on, so a
file edited by a program lead either loads or fails at once with an error naming the file and
the problem (``DataFileError``), never deep inside a draft.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from assistant.errors import DataFileError
from assistant.resources import package_folder

Model = TypeVar("Model", bound=BaseModel)
_MAX_PROBLEMS = 10


class DataModel(BaseModel):
    """Base of the data files' models: an unknown key is an error (a typo is not silently
    ignored) and the values loaded are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return text


Text = Annotated[str, AfterValidator(_not_blank)]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
    return pattern


# A regular expression a program lead wrote: one that does not compile fails on load.
Regex = Annotated[str, AfterValidator(_not_blank), AfterValidator(_compiles)]


def any_of(patterns: Iterable[str], flags: int = re.I) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` does (None for none)."""
    alternatives = [f"(?:{pattern})" for pattern in patterns]
    return re.compile("|".join(alternatives), flags) if alternatives else None


def _no_braces(text: str) -> str:
    if set(text) & set("{}"):
        raise ValueError(f"{text!r} is shown in braces: write it without them")
    return text


# Text that the code shows in braces, as a {placeholder} for the person to fill in.
Unbraced = Annotated[str, AfterValidator(_not_blank), AfterValidator(_no_braces)]
# Placeholders a template leaves for the person to fill in; ``blanks:`` with nothing is none.
Blanks = Annotated[tuple[Text, ...], BeforeValidator(lambda value: () if value is None else value)]


def shown(path: Path) -> str:
    """A shipped file as ``assistant/drafting/data/messages.yaml``; any other path as given."""
    root = package_folder("assistant").parent
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"is not valid YAML ({where}{problem})"


def _validation_problems(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors()[:_MAX_PROBLEMS]:
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    if exc.error_count() > _MAX_PROBLEMS:
        lines.append(f"... and {exc.error_count() - _MAX_PROBLEMS} more")
    return "; ".join(lines)


SHIPPED_HINT = "Fix the file, or restore the copy shipped with the release."


def load_data_file(path: Path, model: type[Model], hint: str = SHIPPED_HINT) -> Model:
    """The file at ``path`` validated as ``model``; ``DataFileError`` naming it if it cannot be
    (with ``hint``: how to fix it)."""
    name = shown(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"{name}: cannot be read ({exc.strerror or exc}).", hint) from None
    except UnicodeDecodeError:
        raise DataFileError(f"{name}: is not UTF-8 text.", hint) from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{name}: {_yaml_problem(exc)}.", hint) from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{name}: {_validation_problems(exc)}.", hint) from None


def require_keys(name: str, given: Collection[Any], needed: tuple[str, ...]) -> None:
    """ValueError naming each of ``needed`` (a Literal type's values) that ``given`` lacks."""
    absent = [key for key in needed if key not in given]
    if absent:
        raise ValueError(f"{name} has nothing for {', '.join(absent)}")


def placeholders(text: str) -> set[str]:
    """The ``{names}`` that ``str.format_map`` fills in ``text``.

    ValueError when the braces do something other than name a placeholder: unbalanced, empty
    or numbered (``{}``, ``{0}``), with an attribute, index, conversion or format spec."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text)]
    except ValueError as exc:
        raise ValueError(f"{text!r} has braces that are not a {{placeholder}} ({exc})") from None
    names = set()
    for name, spec, conversion in fields:
        if name is None:
            continue
        if not name.strip() or name.isdigit() or set(name) & set(".[]") or spec or conversion:
            field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError(f"{{{field}}} in {text!r} is not a plain {{placeholder}}")
        names.add(name)
    return names


def check_placeholders(
    text: str, allowed: set[str] | frozenset[str], known: str, where: str = ""
) -> None:
    """ValueError when ``text`` uses a placeholder outside ``allowed`` (``known`` says which
    placeholders those are, ``where`` where the text is, for the message)."""
    prefix = f"{where}: " if where else ""
    try:
        unknown = sorted(placeholders(text) - set(allowed))
    except ValueError as exc:
        raise ValueError(f"{prefix}{exc}") from None
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise ValueError(f"{prefix}{text!r} uses {names}; the placeholders here are {known}")


def template_placeholders(filled: frozenset[str], blanks: tuple[str, ...]) -> set[str]:
    """The placeholders a file's templates may use: those the code fills and its ``blanks``
    (ValueError for a blank that cannot be a placeholder)."""
    for blank in blanks:
        try:
            fits = placeholders(f"{{{blank}}}") == {blank}
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"blanks: {blank!r} cannot be a {{placeholder}}")
    return set(filled) | set(blanks)
