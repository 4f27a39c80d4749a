"""Shared data for the report tests: the seed's Norrmalm answers and a small fictional period."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import yaml

from intake.forms import find_form
from intake.records.report import AnswerEntry, CommitteeReport, PeriodReport
from intake.records.report.model import STOCKHOLM

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = DATA / "norrmalm-2022-naringsliv.txt"
GENERATED_AT = datetime(2023, 2, 1, 9, 30, tzinfo=STOCKHOLM)
ANSWERED_AT = datetime(2023, 1, 20, 14, 5, tzinfo=STOCKHOLM)


def norrmalm() -> CommitteeReport:
    data = yaml.safe_load((DATA / "norrmalm-2022-answers.yaml").read_text(encoding="utf-8"))
    answers = {}
    for index, (qid, text) in enumerate(data["answers"].items()):
        if text is None:
            continue
        channel = "telegram" if index % 2 else "email"
        answers[qid] = AnswerEntry(
            qid, text, "answered", ANSWERED_AT, data["contact_name"], channel, index % 3
        )
    return CommitteeReport(
        committee=data["committee"],
        kind=data["kind"],
        status="submitted",
        submitted_at=datetime(2023, 1, 23, 16, 0, tzinfo=STOCKHOLM),
        contact_name=data["contact_name"],
        phone=data["phone"],
        email=data["email"],
        answers=answers,
    )


def committee(
    name: str,
    kind: str,
    status: str = "in_progress",
    answers: dict[str, str] | None = None,
    submitted: datetime | None = None,
) -> CommitteeReport:
    entries = {
        qid: AnswerEntry(qid, text, "answered", ANSWERED_AT, "Alex Exempel", "email", 0)
        for qid, text in (answers or {}).items()
    }
    return CommitteeReport(
        name,
        kind,
        status,
        submitted,
        "Alex Exempel",
        "08-000 00 01",
        "alex.exempel@example.se",
        entries,
    )


def period(*committees: CommitteeReport, period: str = "2022 VB") -> PeriodReport:
    return PeriodReport(find_form("naringsliv"), period, list(committees), GENERATED_AT)


def sample_period() -> PeriodReport:
    """Norrmalm plus fictional committees of every kind, listed out of order on purpose."""
    return period(
        committee("Stockholms Exempelhamnar AB", "company", "not_started"),
        committee(
            "Östermalms stadsdelsnämnd",
            "district",
            "approved",
            {"vaxla-upp-stockholm": "Nämnden deltar i ”Växla upp Stockholm”."},
            submitted=datetime(2023, 1, 19, 10, 0, tzinfo=STOCKHOLM),
        ),
        committee(
            "Exploateringsnämnden",
            "specialist",
            "returned",
            {"kompetensforsorjning": "Praktikplatser erbjuds.\n\n- feriejobb\n- traineeplatser"},
        ),
        norrmalm(),
        committee("Älvsjö exempelnämnd", "district", "in_progress"),
        committee(
            "Arbetsmarknadsnämnden",
            "specialist",
            "submitted",
            {},
            submitted=datetime(2023, 1, 30, 8, 0, tzinfo=STOCKHOLM),
        ),
    )


def words(text: str) -> list[str]:
    """Whitespace-normalised tokens; a space after a hyphen is a line wrap, not a word break."""
    return re.sub(r"-\s+", "-", " ".join(text.split())).split(" ")


def contains_in_order(haystack: list[str], needles: list[str]) -> str | None:
    """None when every needle occurs, contiguously and in order; otherwise the first missing one."""
    position = 0
    for needle in needles:
        tokens = words(needle)
        found = next(
            (
                i
                for i in range(position, len(haystack) - len(tokens) + 1)
                if haystack[i : i + len(tokens)] == tokens
            ),
            None,
        )
        if found is None:
            return needle
        position = found + len(tokens)
    return None


def pdftotext(pdf: Path) -> str:
    """The text in the order the PDF draws it (-raw): no guessing of columns, so a table reads
    row by row and any text drawn out of order would show."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (Debian package poppler-utils, see system-packages-test.txt) is missing"
    return subprocess.run(
        [tool, "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
        text=True,
    ).stdout


def _seed_text(first: int, last: int) -> str:
    """Seed lines first..last (1-based), joined; a wrap right after a hyphen joins directly."""
    lines = SEED.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    return " ".join(line.strip() for line in lines if line.strip())


def seed_items() -> list[str]:
    """Every heading, label, question and answer of the seed, in the seed's order.

    The seed's end is scrambled: the answer on lines 369-372 belongs to the last question,
    after which comes "Övriga upplysningar" (line 359), which the contact left unanswered.
    """
    ranges = [
        (2, 2),
        (4, 4),
        (6, 12),  # attachment label, title, opening paragraph
        (15, 15),
        (17, 17),
        (19, 19),
        (21, 21),
        (23, 23),
        (25, 25),  # contact fields
    ]
    items = [_seed_text(a, b) for a, b in ranges]
    items += ["E-post", "kim.exempelsson@example.se"]  # the seed wraps inside the address
    ranges = [
        (31, 32),
        (34, 34),
        (35, 39),  # follow-up heading, "Beskrivning", its text
        (44, 44),
        (48, 48),
        (49, 61),
        (62, 62),
        (63, 63),
        (70, 70),
        (74, 75),
        (76, 119),
        (120, 120),
        (127, 128),
        (129, 141),
        (142, 143),
        (144, 335),
        (336, 336),
        (337, 348),
        (349, 351),
        (352, 356),
        (357, 358),
        (369, 372),
        (359, 359),
    ]
    return items + [_seed_text(a, b) for a, b in ranges]


def docx_text(path: Path) -> str:
    """All text of a .docx in document order, tables included, as python-docx reads it."""
    import docx
    from docx.table import Table

    parts = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def pdf_body_text(pdf: Path, running: str) -> str:
    """pdftotext's text without the page footers (running title and "n (m)", on one line
    or two)."""
    footer = re.compile(rf"(?:{re.escape(running)})?\s*(?:\d+ \(\d+\))?")
    lines = pdftotext(pdf).replace("\f", "\n").split("\n")
    return "\n".join(line for line in lines if not footer.fullmatch(line.strip()))
