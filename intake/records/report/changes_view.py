"""The consolidated report's "Förändringar sedan föregående period" (`intake report --changes`):
per question, each committee's answer as a word-level diff against its previous period's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from intake.records.changes import Piece, unchanged, word_diff
from intake.records.report.model import PeriodReport

HEADING = "Förändringar sedan föregående period"
ANCHOR = "forandringar"
INTRO = ("Varje svar jämförs ord för ord med samma nämnds svar på samma fråga i föregående "
         "period. Borttagen text är överstruken och märkt ”Borttaget:”, ny text är understruken "
         "och märkt ”Tillagt:”.")
# In Word the changes are Word's own tracked changes, shown and read out as such.
INTRO_DOCX = ("Varje svar jämförs ord för ord med samma nämnds svar på samma fråga i föregående "
              "period. Ändringarna visas som spårade ändringar: borttagen och tillagd text.")


@dataclass(frozen=True)
class ChangeEntry:
    committee: str
    label: str  # "Ändrat sedan 2026 T2" or "Nytt svar, inget svar 2026 T2"
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class ChangedQuestion:
    id: str
    section: str
    text: str
    entries: tuple[ChangeEntry, ...]
    unchanged: str | None  # "Oförändrat: A, B (oförändrad kopia)"


@dataclass(frozen=True)
class ChangesView:
    intro: str
    questions: tuple[ChangedQuestion, ...]


def changes_view(report: PeriodReport,
                 section_heading: Callable[[int | None, str], str]) -> ChangesView | None:
    if report.previous is None:
        return None
    questions = []
    form = report.form
    for question in form.all_questions():
        section = form.section_of(question.id)
        heading = section_heading(section.number, section.title) if section else question.text
        entries, same = [], []
        for committee in report.committees:
            entry = committee.answers.get(question.id)
            if not question.applies(committee.kind) or entry is None \
                    or entry.effective_state != "answered":
                continue
            previous = report.previous.get(committee.committee)
            old = previous.answers.get(question.id) if previous else None
            text = entry.text or ""
            if old is None:
                since = f" {previous.period}" if previous else " föregående period"
                entries.append(ChangeEntry(committee.committee, f"Nytt svar, inget svar{since}",
                                           (Piece("ins", " ".join(text.split())),)))
            elif unchanged(old, text):
                same.append(committee.committee + (" (oförändrad kopia)" if entry.copied else ""))
            else:
                assert previous is not None
                entries.append(ChangeEntry(committee.committee, f"Ändrat sedan {previous.period}",
                                           word_diff(old, text)))
        if entries or same:
            questions.append(ChangedQuestion(
                question.id, heading, question.text, tuple(entries),
                "Oförändrat: " + ", ".join(same) if same else None))
    return ChangesView(INTRO, tuple(questions))
