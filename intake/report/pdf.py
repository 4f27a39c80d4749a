"""PDF through WeasyPrint from the report's HTML (see docs/report.md for why WeasyPrint).

A committee's report is one WeasyPrint document. The consolidated report is not: WeasyPrint
lays out a whole document in memory and its cost per page grows with the document, so 300
committees took minutes and a gigabyte. It is rendered as parts of bounded size (cover and
contents, overview, slices of each focus area) that pypdf joins; see `intake.report.pdf_parts`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from intake.report.model import local_time

_ENV_LOCK = threading.Lock()
LANGUAGE = "sv-SE"
# PDF/UA-1 gives a tagged PDF (headings, lists, tables as structure) with /Lang and the title
# shown in the viewer's title bar; WeasyPrint >= 68 supports it.
PDF_VARIANT = "pdf/ua-1"


def _fetcher() -> Any:
    # Imported here: WeasyPrint loads Pango at import time, and only PDF output needs it.
    from weasyprint import URLFetcher

    # The report is self-contained; fetching nothing keeps any stray URL from reaching out.
    return URLFetcher(allowed_protocols=())


def layout(html: str, tagged: bool) -> Any:
    """A laid-out WeasyPrint document: its pages, their anchors and links are known."""
    from weasyprint import HTML

    options = {"pdf_variant": PDF_VARIANT} if tagged else {}
    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).render(**options)


def document_bytes(document: Any, html: str, tagged: bool) -> bytes:
    # A content-derived file identifier and the dcterms meta dates (generated_at) make equal
    # input give equal bytes.
    identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode("ascii")
    options = {"pdf_variant": PDF_VARIANT} if tagged else {}
    return document.write_pdf(pdf_identifier=identifier, **options)


def html_to_pdf(html: str, generated_at: datetime) -> bytes:
    """One document, tagged as PDF/UA-1 (a committee's report)."""
    with source_date_epoch(generated_at):
        return document_bytes(layout(html, tagged=True), html, tagged=True)


@contextmanager
def source_date_epoch(moment: datetime) -> Iterator[None]:
    """fontTools stamps each embedded font subset with "now" unless SOURCE_DATE_EPOCH is set."""
    with _ENV_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(local_time(moment).timestamp()))
        try:
            yield
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
