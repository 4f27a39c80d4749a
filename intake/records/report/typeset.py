"""PDF through Typst: the report's views as JSON data, laid out by templates/report/*.typ.

Typst rather than WeasyPrint (which rendered the HTML before): it lays out a page in a few
milliseconds instead of about fifty, and writes tagged PDF (PDF/UA-1) itself. The templates
read the data as strings, which Typst never parses as markup, so a contact's text stays text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from intake.records.report.model import ReportError, local_time
from intake.records.report.render import AUTHOR, REPORT_TEMPLATES

LANGUAGE = "sv-SE"


@lru_cache(maxsize=1)
def _fonts() -> Any:
    import typst

    # Searched once per process: scanning the system's fonts costs more than a small report.
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def plain(value: Any) -> Any:
    """Views (dataclasses, tuples) as JSON-ready dicts and lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {key: plain(item) for key, item in asdict(value).items()}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def common(title: str, running: str, generated_at: datetime) -> dict[str, Any]:
    moment = local_time(generated_at)
    stamp = {k: getattr(moment, k) for k in ("year", "month", "day", "hour", "minute", "second")}
    return {"title": title, "running": running, "author": AUTHOR, "moment": stamp}


def compile_pdf(template: str, data: dict[str, Any], generated_at: datetime, ua: bool) -> bytes:
    """Lay out templates/report/<template> with data; `ua` asks for PDF/UA-1."""
    import typst

    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        pdf = typst.compile(
            str(REPORT_TEMPLATES / template),
            root=str(REPORT_TEMPLATES),
            font_paths=_fonts(),
            sys_inputs={"data": payload},
            pdf_standards=["ua-1"] if ua else [],
            timestamp=int(local_time(generated_at).timestamp()),
        )
    except typst.TypstError as exc:
        # A template that does not fit the data (say, a restyled template that names a field
        # the form lacks): one clear line, and no file is written.
        raise ReportError(f"PDF template {template}: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf
