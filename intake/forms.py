"""Questionnaire definitions: the YAML form format, its validation and the bundled forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intake.paths import BUNDLED_FORMS_DIR

CommitteeKind = Literal["district", "specialist", "company"]
COMMITTEE_KINDS: tuple[str, ...] = ("district", "specialist", "company")
QuestionKind = Literal["text", "choice", "number", "yesno", "date"]
QUESTION_KINDS: tuple[str, ...] = ("text", "choice", "number", "yesno", "date")
# A kind check's message may start "@<field>: " to point at that field's line (parse_form).
_AT = re.compile(r"^@([\w.]+): ")
_ID = r"^[a-z0-9][a-z0-9_-]*$"


class FormError(ValueError):
    """A form file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One answer a choice question offers: its id is what exports and summaries carry."""

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    label_en: str | None = None

    def label_for(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label


class Question(_Strict):
    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    text_en: str | None = None
    short: str | None = Field(default=None, description="Short form for mail subjects")
    help: str | None = None
    required: bool = True
    applies_to: tuple[CommitteeKind, ...] = COMMITTEE_KINDS  # type: ignore[assignment]
    kind: QuestionKind = "text"
    options: tuple[Option, ...] = ()
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _kind_fits(self) -> Question:
        for problem in kind_problems(self):
            raise ValueError(problem)
        return self

    def applies(self, kind: str) -> bool:
        return kind in self.applies_to

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def short_text(self, limit: int = 60) -> str:
        """The question shortened for a mail subject or a button."""
        if self.short:
            return self.short
        text = " ".join(self.text.split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def kind_problems(question: Question) -> list[str]:
    """What does not fit the question's kind; each message may name the field it is about."""
    problems = []
    if question.kind == "choice":
        if len(question.options) < 2:
            problems.append("@options: a choice question needs at least two options "
                            "(options: [{id, label, label_en}, ...])")
        seen_ids: set[str] = set()
        seen_labels: set[str] = set()
        for index, option in enumerate(question.options):
            if option.id in seen_ids:
                problems.append(f"@options.{index}.id: option id {option.id!r} is used twice")
            label = " ".join(option.label.split()).casefold()
            if label in seen_labels:
                problems.append(f"@options.{index}.label: option label {option.label!r} "
                                "is used twice")
            seen_ids.add(option.id)
            seen_labels.add(label)
    elif question.options:
        problems.append(f"@options: options are only for kind: choice, not {question.kind}")
    if question.kind != "number":
        for name in ("unit", "min", "max"):
            if getattr(question, name) is not None:
                problems.append(f"@{name}: {name} is only for kind: number, not {question.kind}")
        if question.integer:
            problems.append(f"@integer: integer is only for kind: number, not {question.kind}")
    elif question.min is not None and question.max is not None and question.min > question.max:
        problems.append(f"@min: min {question.min:g} is above max {question.max:g}")
    return problems


class Section(_Strict):
    id: str = Field(pattern=_ID)
    number: int | None = None
    title: str = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)


class ContactField(_Strict):
    id: Literal["committee", "contact_name", "phone", "email"]
    label: str


class FollowUp(_Strict):
    heading: str = Field(min_length=1, description="May contain {year}")
    description_heading: str
    description: str


class Closing(_Strict):
    id: str = Field(pattern=_ID)
    title: str
    title_en: str | None = None
    required: bool = False


class ReminderDefaults(_Strict):
    ladder: tuple[int, ...] = (-7, -3, -1, 0, 1, 3)
    time: str = "09:00"

    @field_validator("time")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"time of day must be HH:MM, got {value!r}")
        return value


class Form(_Strict):
    id: str = Field(pattern=_ID)
    version: int = 1
    title: str
    title_en: str | None = None
    attachment_label: str | None = None
    intro: str
    intro_en: str | None = None
    contact_fields: tuple[ContactField, ...] = ()
    follow_up: FollowUp | None = None
    sections: tuple[Section, ...] = Field(min_length=1)
    closing: Closing | None = None
    reminders: ReminderDefaults = ReminderDefaults()

    @model_validator(mode="after")
    def _unique_ids(self) -> Form:
        seen: set[str] = set()
        for question in self.all_questions():
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} is used twice")
            seen.add(question.id)
        return self

    def all_questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions
        if self.closing:
            yield self.closing_question()

    def closing_question(self) -> Question:
        assert self.closing is not None
        return Question(
            id=self.closing.id,
            text=self.closing.title,
            text_en=self.closing.title_en,
            required=self.closing.required,
        )

    def questions_for(self, kind: str) -> list[Question]:
        """The questions a committee of this kind answers, in form order."""
        return [q for q in self.all_questions() if q.applies(kind)]

    def applies_to(self, kind: str) -> bool:
        return any(q.applies(kind) for s in self.sections for q in s.questions)

    def section_of(self, question_id: str) -> Section | None:
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section
        return None


@dataclass(frozen=True)
class _Located:
    data: Any
    lines: dict[tuple[Any, ...], int]


def _load_yaml_with_lines(text: str, source: str) -> _Located:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FormError([f"{where}: malformed YAML: {problem}"]) from None
    if node is None:
        raise FormError([f"{source}:1: the file is empty"])
    lines: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                lines[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                walk(item, path + (index,))

    walk(node, ())
    return _Located(yaml.safe_load(text), lines)


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def parse_form(text: str, source: str = "<form>") -> Form:
    """Parse and validate a form; raise FormError listing every problem with its line."""
    located = _load_yaml_with_lines(text, source)
    if not isinstance(located.data, dict):
        raise FormError([f"{source}:1: a form must be a mapping with id, title, sections ..."])
    try:
        return Form.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        for error in errors:
            loc = tuple(error["loc"])
            if _follows_from_another(error, errors):
                continue
            message = error["msg"].removeprefix("Value error, ")
            if loc[-1:] == ("kind",) and error["type"] == "literal_error" and len(loc) > 1:
                message = (f"unknown kind {error['input']!r} (choose from "
                           f"{', '.join(QUESTION_KINDS)})")
            if at := _AT.match(message):
                # A kind check names its field: point at that field's own line.
                loc += tuple(int(p) if p.isdigit() else p for p in at[1].split("."))
                message = message[at.end():]
            field = ".".join(str(p) for p in loc) or "form"
            problems.append(f"{source}:{_line_for(located.lines, loc)}: {field}: {message}")
        raise FormError(problems) from None


def _follows_from_another(error: Any, errors: list[Any]) -> bool:
    """"At least 1 item" after a list's only items failed says nothing new: leave it out."""
    loc = tuple(error["loc"])
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and tuple(other["loc"][:len(loc)]) == loc
        for other in errors)


def load_form_file(path: Path) -> Form:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormError([f"{path}: no such file"]) from None
    except UnicodeDecodeError:
        raise FormError([f"{path}: not UTF-8 text"]) from None
    return parse_form(text, str(path))


def form_dirs(extra: str | None) -> list[Path]:
    dirs = [BUNDLED_FORMS_DIR]
    if extra:
        dirs.append(Path(extra))
    return dirs


def find_form(form_id: str, extra_dir: str | None = None) -> Form:
    """The form with this id from the bundled forms or FORMS_DIR."""
    for directory in form_dirs(extra_dir):
        for path in sorted(directory.glob("*.y*ml")):
            form = load_form_file(path)
            if form.id == form_id:
                return form
    known = ", ".join(sorted(available_form_ids(extra_dir))) or "none"
    raise FormError([f"unknown form id {form_id!r} (known: {known})"])


def available_form_ids(extra_dir: str | None = None) -> list[str]:
    ids = []
    for directory in form_dirs(extra_dir):
        for path in sorted(directory.glob("*.y*ml")):
            try:
                ids.append(load_form_file(path).id)
            except FormError:
                continue
    return ids
