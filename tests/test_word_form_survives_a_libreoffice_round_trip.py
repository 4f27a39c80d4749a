"""A Word form saved again by LibreOffice (headless `soffice --convert-to docx`) still reads back.

LibreOffice 7.4 turns block controls into inline ones and drops their tags and placeholder
flags, keeping only the titles: the reader finds the questions by title then.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from intake.records.word_form import control_aliases
from intake.records.word_form_reading import read_word_form
from tests.support.reports import committee, period
from tests.support.word_form import (
    ANSWER,
    QID,
    W,
    control,
    document_xml,
    fill,
    paragraph,
    replace_document,
    word_form,
)

SOFFICE = shutil.which("soffice")


def _round_trip(data: bytes, tmp_path: Path) -> bytes:
    if SOFFICE is None:
        pytest.fail("soffice is missing: `make test` installs libreoffice-writer-nogui")
    source = tmp_path / "form.docx"
    source.write_bytes(data)
    out = tmp_path / "out"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180, env=env,
    )
    return (out / "form.docx").read_bytes()


def test_answers_placeholders_and_the_reference_survive_libreoffice(tmp_path):
    data, ids = word_form()
    root = document_xml(data)
    fill(control(root, ids[0]), [paragraph(["Ifyllt ", "i ", "LibreOffice."])])
    saved = _round_trip(replace_document(data, root), tmp_path)
    aliases = control_aliases(period(committee("X", "district")), "district")
    reading = read_word_form(saved, aliases)
    assert reading.reference == (7, "2022 VB")
    assert reading.answers[QID] == ANSWER
    assert reading.answers[ids[0]] == "Ifyllt i LibreOffice."
    assert all(reading.answers.get(q) is None for q in ids[1:])
    # The controls are still there for Word users who open LibreOffice's copy.
    assert document_xml(saved).find(f".//{W}sdt") is not None
