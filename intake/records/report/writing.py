"""Write report files: every format rendered in memory first, then each file moved into place."""

from __future__ import annotations

import difflib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from intake.records.report.model import CommitteeReport, PeriodReport, ReportError

FORMATS = ("docx", "html", "md", "pdf")


def _renderers() -> dict[str, Callable[[PeriodReport, CommitteeReport | None, bool], bytes]]:
    from intake.records.report.docx_render import render_docx
    from intake.records.report.pdf import committee_pdf
    from intake.records.report.pdf_parts import period_pdf
    from intake.records.report.render import render_html, render_markdown

    return {
        "docx": render_docx,
        "html": lambda r, c, p: render_html(r, c, p).encode("utf-8"),
        "md": lambda r, c, p: render_markdown(r, c, p).encode("utf-8"),
        # The consolidated PDF is laid out in parts so time and memory stay bounded.
        "pdf": lambda r, c, p: period_pdf(r, p) if c is None else committee_pdf(r, c, p),
    }


def render(
    report: PeriodReport, fmt: str, committee: str | None = None, provenance: bool = False
) -> bytes:
    """One report as bytes: the committee's own, or the consolidated one when committee is None."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    target = find_committee(report, committee) if committee is not None else None
    return _renderers()[fmt](report, target, provenance)


def find_committee(report: PeriodReport, name: str) -> CommitteeReport:
    wanted = " ".join(name.split()).casefold()
    for committee in report.committees:
        if committee.committee.casefold() == wanted:
            return committee
    names = [c.committee for c in report.committees]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ReportError(f"no committee named {name!r} in period {report.period}{hint}")


def slug(text: str) -> str:
    """ASCII file-name part: å/ä → a, ö → o, everything else but letters and digits → '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


def file_name(report: PeriodReport, fmt: str, committee: str | None) -> str:
    period = re.sub(r"[^0-9A-Za-z]+", "-", report.period).strip("-")
    who = slug(committee) if committee is not None else "sammanstallning"
    return f"{period}-{report.form.id}-{who}.{fmt}"


def write_reports(
    report: PeriodReport,
    formats: Sequence[str],
    out_dir: Path,
    committee: str | None = None,
    provenance: bool = False,
) -> list[Path]:
    """Render the reports and write them into out_dir; return the paths written."""
    if not formats:
        raise ReportError("no report format given")
    name = find_committee(report, committee).committee if committee is not None else None
    rendered = [(fmt, render(report, fmt, name, provenance)) for fmt in dict.fromkeys(formats)]
    _ensure_dir(out_dir)
    staged: list[tuple[Path, Path]] = []
    try:
        for fmt, data in rendered:
            staged.append((_stage(out_dir, data), out_dir / file_name(report, fmt, name)))
        for temp, final in staged:
            os.replace(temp, final)
    except OSError as exc:
        raise ReportError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [final for _, final in staged]


def _ensure_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create output folder {out_dir}: {exc.strerror or exc}") from None
    if not out_dir.is_dir():
        raise ReportError(f"output folder {out_dir} is not a folder")


def _stage(out_dir: Path, data: bytes) -> Path:
    """A complete temporary copy in the same folder, so the rename cannot cross file systems."""
    fd, name = tempfile.mkstemp(prefix=".report-", suffix=".part", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, 0o644)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)
