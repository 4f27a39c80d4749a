"""Consolidated report at scale: 300 committees x 12 answers of 2,000 characters, every format.

Each format runs in its own process so its peak memory (max RSS) is its own.
Run: .venv/bin/python benchmarks/report_scale.py [--committees 300] [--formats docx,html,md,pdf]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from intake.forms import COMMITTEE_KINDS, find_form
from intake.records.report import AnswerEntry, CommitteeReport, PeriodReport, write_reports
from intake.records.report.model import STOCKHOLM

WORDS = [
    "samverkan",
    "näringslivet",
    "förvaltningen",
    "trygghet",
    "platssamverkan",
    "företag",
    "”Växla",
    "upp",
    "Stockholm”",
    "dialog",
    "åtgärder",
    "utveckling",
    "kultur",
    "öppna",
]


def bench_form():
    """The bundled form widened so every committee kind gets all twelve questions."""
    form = find_form("naringsliv")
    sections = []
    for section in form.sections:
        questions = [
            q.model_copy(update={"applies_to": COMMITTEE_KINDS}) for q in section.questions
        ]
        sections.append(section.model_copy(update={"questions": tuple(questions)}))
    form = form.model_copy(update={"sections": tuple(sections)})
    assert all(len(form.questions_for(kind)) == 12 for kind in COMMITTEE_KINDS)
    return form


def answer_text(rng: random.Random, length: int = 2000) -> str:
    paragraphs, current = [], []
    while sum(map(len, current)) + len(current) + sum(map(len, paragraphs)) < length:
        current.append(rng.choice(WORDS))
        if len(current) > 60:
            paragraphs.append(" ".join(current).capitalize() + ".")
            current = []
    paragraphs.append(" ".join(current).capitalize() + ".")
    return "\n\n".join(paragraphs)[:length]


def build_report(count: int) -> PeriodReport:
    rng = random.Random(12)
    form = bench_form()
    when = datetime(2023, 1, 20, 9, 0, tzinfo=STOCKHOLM)
    committees = []
    for index in range(count):
        kind = COMMITTEE_KINDS[index % 3]
        answers = {
            q.id: AnswerEntry(
                q.id, answer_text(rng), "answered", when, "Kim Exempelsson", "email", 1
            )
            for q in form.questions_for(kind)
        }
        committees.append(
            CommitteeReport(
                f"Exempelnämnd {index:03d}",
                kind,
                "submitted",
                when,
                "Kim Exempelsson",
                "08-000 00 00",
                "kim.exempelsson@example.se",
                answers,
            )
        )
    return PeriodReport(form, "2022 VB", committees, datetime(2023, 2, 1, 9, 0, tzinfo=STOCKHOLM))


def run_one(fmt: str, count: int) -> None:
    report = build_report(count)
    with tempfile.TemporaryDirectory() as out:
        start, cpu_start = time.perf_counter(), time.process_time()
        [path] = write_reports(report, [fmt], Path(out))
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        size = path.stat().st_size
        pages = _pdf_pages(path) if fmt == "pdf" else None
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The PDF's parts are laid out in worker processes: the largest of them, by its own peak.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_mib = children.ru_maxrss / 1024
    line = f"{fmt:5} {seconds:8.1f} s {peak_mib:9.0f} MiB peak RSS {size / 2**20:8.1f} MiB file"
    if worker_mib:
        line += f" {worker_mib:6.0f} MiB worker peak"
    # CPU time (this process and its workers) next to wall time: on a shared machine the wall
    # clock also counts waiting.
    line += f" {cpu + children.ru_utime + children.ru_stime:8.1f} s CPU"
    if pages:
        line += f" {pages:6d} pages"
    print(line)


def _pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--committees", type=int, default=300)
    parser.add_argument("--formats", default="md,html,docx,pdf")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.committees)
        return
    print(f"{args.committees} committees x 12 answers x 2,000 characters, consolidated report")
    for fmt in args.formats.split(","):
        subprocess.run(
            [sys.executable, __file__, "--committees", str(args.committees), "--one", fmt],
            check=True,
        )


if __name__ == "__main__":
    main()
