"""HTML and Markdown from the Jinja2 templates in templates/report/."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from intake.paths import TEMPLATES_DIR
from intake.records.report.markdown import md_block, md_finalize
from intake.records.report.model import CommitteeReport, PeriodReport, local_time
from intake.records.report.views import committee_view, form_view, period_view

REPORT_TEMPLATES = TEMPLATES_DIR / "report"
AUTHOR = "intake"


@lru_cache(maxsize=1)
def html_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(REPORT_TEMPLATES),
        autoescape=True,  # every contact's text is escaped; the templates add the only markup
        undefined=StrictUndefined,
        trim_blocks=False,
    )
    env.filters["css_string"] = css_string
    return env


def css_string(value: object) -> str:
    """Text for a CSS string: everything but ASCII letters, digits and spaces as a hex escape."""
    return "".join(
        c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):x} " for c in str(value)
    )


@lru_cache(maxsize=1)
def markdown_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(REPORT_TEMPLATES),
        autoescape=False,
        finalize=md_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md_block"] = md_block
    return env


def context(
    report: PeriodReport, committee: CommitteeReport | None, provenance: bool
) -> dict[str, Any]:
    """What the templates (and the DOCX builder) get: views, never the raw data."""
    common = {
        "period": report.period,
        "provenance": provenance,
        "author": AUTHOR,
        "timestamp": local_time(report.generated_at).isoformat(timespec="seconds"),
    }
    if committee is None:
        view = period_view(report)
        return {
            **common,
            "p": view,
            "running": f"{view.form.title} – Sammanställning {report.period}",
        }
    common["running"] = f"{committee.committee} – {report.period}"
    return {
        **common,
        "form": form_view(report.form, report.year),
        "c": committee_view(report.form, committee),
    }


def render_html(report: PeriodReport, committee: CommitteeReport | None, provenance: bool) -> str:
    name = "period.html.j2" if committee is None else "committee.html.j2"
    return html_env().get_template(name).render(context(report, committee, provenance))


def render_markdown(
    report: PeriodReport, committee: CommitteeReport | None, provenance: bool
) -> str:
    name = "period.md.j2" if committee is None else "committee.md.j2"
    text = markdown_env().get_template(name).render(context(report, committee, provenance))
    return text.rstrip("\n") + "\n"
