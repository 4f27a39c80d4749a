"""A committee's report as one tagged PDF (PDF/UA-1), laid out by Typst.

The consolidated report is laid out in parts and joined: see `intake.records.report.pdf_parts`.
"""

from __future__ import annotations

from intake.records.report.model import CommitteeReport, PeriodReport
from intake.records.report.render import context
from intake.records.report.typeset import common, compile_pdf, plain


def committee_pdf(report: PeriodReport, committee: CommitteeReport, provenance: bool) -> bytes:
    ctx = context(report, committee, provenance)
    title = f"{ctx['form'].title} – {ctx['c'].name} – {report.period}"
    data = {
        **common(title, ctx["running"], report.generated_at),
        "form": plain(ctx["form"]),
        "committee": plain(ctx["c"]),
        "provenance": provenance,
    }
    return compile_pdf("committee.typ", data, report.generated_at, ua=True)
