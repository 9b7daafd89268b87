"""Meeting notes read into proposals: the action items (who does each, by when), what was agreed
and the next meeting, from notes a person pastes after a meeting.

Nothing here is stored: the person confirms (or corrects) each proposal, and the surface adds
the entries it makes (``NotesProposal.meeting``, ``ProposedAction.entry``). The patterns and
words live in ``data/notes.yaml``; due dates are resolved against the meeting's day ("by Friday"
is the first Friday after it, "12 Jan" the first 12 January on or after it).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from assistant.data_files import DataModel, Regex, Text, any_of, load_data_file
from assistant.record.models import ActionItemIn, MeetingIn
from assistant.resources import package_folder

NOTES_FILE = package_folder("assistant.record", "data") / "notes.yaml"
ME = "me"
WE = "both of us"
_MAX_ITEM = 500  # ActionItemIn.text's limit
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


# ---------------------------------------------------------------------------- the data file


class NotesRules(DataModel):
    """``data/notes.yaml``: how notes are read."""

    bullet: Regex
    checkbox: Regex
    action_markers: tuple[Regex, ...]
    agreed_markers: tuple[Regex, ...]
    next_meeting: tuple[Regex, ...]
    self_actions: tuple[Regex, ...]
    shared_actions: tuple[Regex, ...]
    named_actions: tuple[Regex, ...]
    owner_forms: tuple[Regex, ...]
    action_verbs: tuple[Text, ...]
    action_headings: tuple[Regex, ...]
    headings: Regex
    not_names: tuple[Text, ...]
    not_actions: tuple[Text, ...]
    dates: tuple[Text, ...]
    due_before: Regex
    due_after: Regex
    relative: dict[Text, int]
    end_of_week: tuple[Regex, ...]
    end_of_month: tuple[Regex, ...]
    weekdays: tuple[tuple[Text, ...], ...] = Field(min_length=7, max_length=7)
    months: tuple[tuple[Text, ...], ...] = Field(min_length=12, max_length=12)
    times: tuple[Regex, ...]
    lengths: tuple[Regex, ...]

    @model_validator(mode="after")
    def _groups(self) -> NotesRules:
        def need(patterns: tuple[str, ...], groups: set[str], name: str) -> None:
            for pattern in patterns:
                missing = groups - set(re.compile(pattern).groupindex)
                if missing:
                    raise ValueError(f"{name}: {pattern!r} lacks the group(s) {sorted(missing)}")

        rest = {"rest"}
        need(self.action_markers, rest, "action_markers")
        need(self.agreed_markers, rest, "agreed_markers")
        need(self.next_meeting, rest, "next_meeting")
        need(self.self_actions, rest, "self_actions")
        need(self.shared_actions, rest, "shared_actions")
        need(self.named_actions, {"who", "rest"}, "named_actions")
        need(self.owner_forms, {"who", "rest"}, "owner_forms")
        for pattern in self.dates:
            try:
                re.compile(self._expand(pattern))
            except re.error as exc:
                raise ValueError(
                    f"dates: {pattern!r} is not a regular expression ({exc})"
                ) from None
        return self

    def _expand(self, pattern: str) -> str:
        def words(groups: tuple[tuple[str, ...], ...]) -> str:
            alts = sorted((w for ws in groups for w in ws), key=len, reverse=True)
            return "|".join(re.escape(w) for w in alts)

        return pattern.replace("{month}", f"(?P<month>{words(self.months)})").replace(
            "{weekday}", f"(?P<weekday>{words(self.weekdays)})"
        )

    @property
    def date_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(self._expand(p), re.I) for p in self.dates]


def load_notes_rules(path: Path = NOTES_FILE) -> NotesRules:
    return load_data_file(path, NotesRules)


@cache
def notes_rules() -> NotesRules:
    """The shipped rules, read once."""
    return load_notes_rules()


# ---------------------------------------------------------------------------- proposals


class ProposedAction(BaseModel):
    """An action item found in the notes, for the person to confirm."""

    text: str
    who: str = ME  # "me", "both of us", or the person who does it
    due: date | None = None
    due_said: str | None = None  # the words the due date came from
    done: bool = False  # a ticked checkbox
    line: str  # the line of the notes it came from

    def entry(self, mentorship_id: str, meeting_id: str | None = None) -> ActionItemIn:
        """The record entry it makes once confirmed."""
        return ActionItemIn(
            mentorship_id=mentorship_id,
            text=self.text[:_MAX_ITEM],
            who=self.who[:80],
            due=self.due,
            done=self.done,
            meeting_id=meeting_id,
        )


class ProposedMeeting(BaseModel):
    """The next meeting, as far as the notes say."""

    day: date | None = None
    at: time | None = None
    minutes: int | None = None
    said: str  # the line it came from


class NotesProposal(BaseModel):
    """Everything read from one meeting's notes; nothing is stored until confirmed."""

    held_on: date
    actions: list[ProposedAction] = Field(default_factory=list)
    agreed: list[str] = Field(default_factory=list)
    next_meeting: ProposedMeeting | None = None

    def meeting(self, mentorship_id: str, notes: str = "", minutes: int | None = None) -> MeetingIn:
        """The meeting entry it makes once confirmed (what was agreed, one line each)."""
        return MeetingIn(
            mentorship_id=mentorship_id,
            held_on=self.held_on,
            minutes=minutes,
            notes=notes,
            agreed="\n".join(self.agreed),
        )


# ---------------------------------------------------------------------------- dates


class _Found(BaseModel):
    day: date
    start: int
    end: int


def _month_number(rules: NotesRules, word: str) -> int:
    word = word.lower().rstrip(".")
    return next(i for i, words in enumerate(rules.months, start=1) if word in words)


def _weekday_number(rules: NotesRules, word: str) -> int:
    word = word.lower().rstrip(".")
    return next(i for i, words in enumerate(rules.weekdays) if word in words)


def _on_or_after(day: date, month: int, dom: int, year: int | None) -> date | None:
    try:
        if year is not None:
            return date(year if year >= 100 else 2000 + year, month, dom)
        found = date(day.year, month, dom)
        return found if found >= day else date(day.year + 1, month, dom)
    except ValueError:
        return None


def find_date(text: str, day: date, rules: NotesRules | None = None) -> _Found | None:
    """The first date said in ``text``, resolved against ``day`` (the meeting's)."""
    rules = rules or notes_rules()
    candidates: list[_Found] = []
    for phrase, days in rules.relative.items():
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", text, re.I):
            candidates.append(
                _Found(day=day + timedelta(days), start=match.start(), end=match.end())
            )
    friday = day + timedelta((4 - day.weekday()) % 7)
    month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    for patterns, when in ((rules.end_of_week, friday), (rules.end_of_month, month_end)):
        if (ends := any_of(patterns)) is not None:
            for match in ends.finditer(text):
                candidates.append(_Found(day=when, start=match.start(), end=match.end()))
    for pattern in rules.date_patterns:
        for match in pattern.finditer(text):
            found = _resolve(rules, match, day)
            if found is not None:
                candidates.append(_Found(day=found, start=match.start(), end=match.end()))
    if not candidates:
        return None
    # The earliest in the text; of those starting together, the longest.
    return min(candidates, key=lambda f: (f.start, -f.end))


def _resolve(rules: NotesRules, match: re.Match[str], day: date) -> date | None:
    groups = {k: v for k, v in match.groupdict().items() if v}
    if "weekday" in groups:
        ahead = (_weekday_number(rules, groups["weekday"]) - day.weekday()) % 7
        return day + timedelta(ahead or 7)  # the next one after the meeting's day
    month = _month_number(rules, groups["month"]) if "month" in groups else int(groups["m"])
    year = int(groups["y"]) if "y" in groups else None
    if not 1 <= month <= 12:
        return None
    return _on_or_after(day, month, int(groups["d"]), year)


def _take_due(text: str, day: date, rules: NotesRules) -> tuple[str, date | None, str | None]:
    """``text`` without its due date, the date, and the words it was said in."""
    found = find_date(text, day, rules)
    if found is None:
        return text, None, None
    before = re.search(rules.due_before, text[: found.start], re.I)
    after = re.match(rules.due_after, text[found.end :], re.I)
    start = before.start() if before else found.start
    end = found.end + (after.end() if after else 0)
    said = text[start:end].strip(" ([)],;")
    rest = (text[:start] + " " + text[end:]).strip()
    rest = re.sub(r"\s+", " ", rest).strip(" ,;:-–—")
    rest = re.sub(r"\(\s*\)|\[\s*\]", "", rest).strip()
    return rest or text, found.day, said


# ---------------------------------------------------------------------------- meetings


def _next_meeting(rest: str, line: str, day: date, rules: NotesRules) -> ProposedMeeting:
    found = find_date(rest, day, rules)
    at = None
    for pattern in rules.times:
        match = re.search(pattern, rest, re.I)
        if match is None:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        if "noon" in groups:
            at = time(12, 0)
            break
        hour, minute = int(groups["h"]), int(groups.get("min", 0))
        ampm = groups.get("ampm", "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm and 1 <= hour <= 7:
            hour += 12  # "at 3" in working hours
        if hour < 24 and minute < 60:
            at = time(hour, minute)
            break
    minutes = None
    for pattern in rules.lengths:
        match = re.search(pattern, rest, re.I)
        if match is None:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        if "n" in groups:
            minutes = int(groups["n"])
        elif "hours" in groups:
            minutes = round(float(groups["hours"]) * 60)
        else:
            minutes = 30 if "half" in groups else 60
        break
    return ProposedMeeting(day=found.day if found else None, at=at, minutes=minutes, said=line)


# ---------------------------------------------------------------------------- reading


def _name(who: str, people: dict[str, str]) -> str:
    key = who.strip().lstrip("@").lower()
    if key in ("i", "me", "myself"):
        return ME
    if key in ("we", "us", "both"):
        return WE
    return people.get(key, who.strip().lstrip("@").title() if who.islower() else who.strip())


def _an_action(rest: str, rules: NotesRules) -> bool:
    words = rest.lower().split()
    if not words:
        return False
    return not any(
        words[: len(phrase.split())] == phrase.lower().split() for phrase in rules.not_actions
    )


def _starts_with_verb(text: str, rules: NotesRules) -> bool:
    words = text.lower().split()
    return any(words[: len(verb.split())] == verb.lower().split() for verb in rules.action_verbs)


def _a_name(who: str, rules: NotesRules) -> bool:
    first = who.lstrip("@").split()[0].lower()
    return first not in {w.lower() for w in rules.not_names}


def _owner(
    text: str, rules: NotesRules, people: dict[str, str], known_action: bool
) -> tuple[str, str] | None:
    """(who, what) when ``text`` says who does it; None when it does not."""
    for pattern in rules.named_actions:
        match = re.match(pattern, text, re.I)
        if match and _a_name(match["who"], rules) and _an_action(match["rest"], rules):
            return _name(match["who"], people), match["rest"]
    for pattern in rules.owner_forms:
        match = re.match(pattern, text, re.I)
        if match is None or not _a_name(match["who"], rules):
            continue
        who, rest = match["who"].lstrip("@"), match["rest"]
        named = who[:1].isupper() or who.lower() in people
        if pattern == rules.owner_forms[0]:  # "X to ...": X a name and a verb after "to"
            if named and rest[:1].islower():
                return _name(who, people), rest
        elif known_action or named:
            return _name(who, people), rest
    return None


def _clean(text: str) -> str:
    text = text.strip().strip("*_`").strip()
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(" .;,")


def read_notes(
    notes: str, held_on: date, me: str | None = None, other: str | None = None
) -> NotesProposal:
    """Proposals from a meeting's notes: action items, what was agreed and the next meeting.

    ``me`` and ``other`` are the mentorship's two people (their names): a name written in any
    case is theirs, and ``me`` doing something is "me"."""
    rules = notes_rules()
    people = {other.lower(): other} if other else {}
    if me:
        people[me.lower()] = ME
    proposal = NotesProposal(held_on=held_on)
    in_actions = False
    for raw in notes.splitlines():
        line = raw.strip()
        if not line:
            continue
        bare = re.sub(rules.bullet, "", line, count=1, flags=re.I).strip()
        bulleted = bare != line
        box = re.match(rules.checkbox, bare, re.I)
        done = False
        if box:
            done = bool((box.group("done") or "").strip() or box.groupdict().get("ticked"))
            bare = bare[box.end() :].strip()
        if any(re.match(p, bare, re.I) for p in rules.action_headings):
            in_actions = True
            continue
        if re.match(rules.headings, bare, re.I):
            in_actions = False
            continue
        if not bulleted and not box:
            in_actions = False
        for sentence in _SENTENCE_END.split(bare) if not box else [bare]:
            known = bool(box) or in_actions
            _read_sentence(_clean(sentence), line, proposal, rules, people, known, done, bulleted)
    return proposal


def _read_sentence(
    text: str,
    line: str,
    proposal: NotesProposal,
    rules: NotesRules,
    people: dict[str, str],
    known_action: bool,
    done: bool,
    bulleted: bool = False,
) -> None:
    if not text:
        return
    day = proposal.held_on
    for pattern in rules.next_meeting:
        match = re.match(pattern, text, re.I)
        if match:
            proposal.next_meeting = _next_meeting(match["rest"], line, day, rules)
            return
    for pattern in rules.agreed_markers:
        match = re.match(pattern, text, re.I)
        if match:
            agreed = _clean(match["rest"])
            proposal.agreed.append(agreed[:1].upper() + agreed[1:])
            found = _action(agreed, rules, people, False)
            if found is not None:
                _add(proposal, found, line, done, rules)
            return
    for pattern in rules.action_markers:
        match = re.match(pattern, text, re.I)
        if match:
            found = _action(_clean(match["rest"]), rules, people, True) or (ME, match["rest"])
            _add(proposal, found, line, done, rules)
            return
    found = _action(text, rules, people, known_action)
    if found is None and (known_action or (bulleted and _starts_with_verb(text, rules))):
        found = (ME, text)
    if found is not None:
        _add(proposal, found, line, done, rules)


def _action(
    text: str, rules: NotesRules, people: dict[str, str], known_action: bool
) -> tuple[str, str] | None:
    for patterns, who in ((rules.self_actions, ME), (rules.shared_actions, WE)):
        for pattern in patterns:
            match = re.match(pattern, text, re.I)
            if match and _an_action(match["rest"], rules):
                return who, match["rest"]
    return _owner(text, rules, people, known_action)


def _add(
    proposal: NotesProposal, found: tuple[str, str], line: str, done: bool, rules: NotesRules
) -> None:
    who, what = found
    what, due, said = _take_due(_clean(what), proposal.held_on, rules)
    what = _clean(what)
    if not what:
        return
    proposal.actions.append(
        ProposedAction(
            text=what[:1].upper() + what[1:], who=who, due=due, due_said=said, done=done, line=line
        )
    )
