"""The committee's Word form: one tagged content control per question, read back as typed.

The edits below are the ones Word makes when a person fills in a control: the placeholder flag
goes, runs are split at arbitrary points, quotes turn smart, paragraphs and list items are added.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from lxml import etree

from intake.records.word_form import FormReference, placeholder_text
from intake.records.word_form_reading import WordFormError, form_changes, read_word_form
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


def test_every_question_has_one_tagged_control_holding_the_answer_or_the_placeholder():
    data, ids = word_form()
    root = document_xml(data)
    tags = [t.get(f"{W}val") for t in root.iter(f"{W}tag")]
    assert sorted(t for t in tags if t != "intake-reference") == sorted(
        [*ids, "vaxla-upp-stockholm"]
    )
    assert len(tags) == len(set(tags))
    answered = control(root, "vaxla-upp-stockholm")
    assert answered.find(f"{W}sdtPr/{W}showingPlcHdr") is None
    assert "".join(answered.itertext()) == ANSWER
    empty = control(root, ids[-1])
    assert empty.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
    assert "".join(empty.itertext()) == placeholder_text()
    # It opens as a normal document with the form's headings.
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Uppföljningsrapport" in text or "uppföljning" in text.lower()


def test_an_untouched_form_reads_back_its_reference_the_answer_and_placeholders_as_left():
    data, ids = word_form()
    reading = read_word_form(data)
    assert reading.reference == (7, "2022 VB")
    assert reading.answers["vaxla-upp-stockholm"] == ANSWER
    assert all(reading.answers[q] is None for q in ids)


def test_text_typed_as_word_stores_it_reads_back_with_paragraphs_lists_and_smart_quotes():
    data, ids = word_form()
    root = document_xml(data)
    target = ids[1]
    fill(
        control(root, target),
        [
            paragraph(["Vi har ", "startat ", "”Företags", "lots”", " i år."]),
            paragraph(["Två insatser:"]),
            paragraph(["feriejobb"], style="ListBullet"),
            paragraph(["trainee", "platser"], style="ListBullet"),
            paragraph([""]),
            paragraph(["Ett stycke till, inne i kontrollen."]),
        ],
    )
    reading = read_word_form(replace_document(data, root))
    assert reading.answers[target] == (
        "Vi har startat ”Företagslots” i år.\n\nTvå insatser:\n\n- feriejobb\n- traineeplatser"
        "\n\nEtt stycke till, inne i kontrollen."
    )
    assert reading.answers["vaxla-upp-stockholm"] == ANSWER


def test_deleted_text_of_tracked_changes_is_not_read():
    data, ids = word_form()
    root = document_xml(data)
    p = paragraph(["Kvar"])
    deleted = etree.SubElement(p, f"{W}del")
    run = etree.SubElement(deleted, f"{W}r")
    etree.SubElement(run, f"{W}delText").text = " borttaget"
    fill(control(root, ids[2]), [p])
    assert read_word_form(replace_document(data, root)).answers[ids[2]] == "Kvar"


def test_a_placeholder_typed_back_or_whitespace_counts_as_left():
    data, ids = word_form()
    root = document_xml(data)
    fill(control(root, ids[1]), [paragraph(["  Klicka här och skriv ", "ert svar. "])])
    fill(control(root, ids[2]), [paragraph(["   "])])
    reading = read_word_form(replace_document(data, root))
    assert reading.answers[ids[1]] is None and reading.answers[ids[2]] is None


def test_a_reference_from_someone_elses_document_is_not_ours():
    assert FormReference.decode("intake-form/v1;assignment=12;period=2022 VB") == (12, "2022 VB")
    for text in ("", "hej", "intake-form/v2;assignment=1;period=x", "intake-form/v1;assignment=x"):
        assert FormReference.decode(text) is None


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04broken"],
)
def test_a_file_that_is_not_a_word_document_is_refused_with_a_reason(data):
    with pytest.raises(WordFormError, match="not a Word document"):
        read_word_form(data)


def test_entities_are_not_expanded_and_external_ones_not_fetched():
    data, _ = word_form()
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:body><w:sdt><w:sdtPr><w:tag w:val="q"/></w:sdtPr><w:sdtContent><w:p><w:r>'
        b"<w:t>&x;&b;</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, hostile if info.filename == "word/document.xml" else src.read(info))
    answer = read_word_form(out.getvalue()).answers.get("q") or ""
    assert "root:" not in answer and not re.search("a{20}", answer)


def test_only_controls_changed_from_the_current_answer_are_placed():
    data, ids = word_form()
    reading = read_word_form(data)
    unchanged = form_changes(reading, {QID: ANSWER}, [QID, *ids])
    assert unchanged.placed == {} and len(unchanged.left) == len(ids) + 1
    rewrapped = form_changes(reading, {QID: "Nämnden deltar i\n”Växla upp Stockholm”. "}, [QID])
    assert rewrapped.placed == {}
    changed = form_changes(reading, {QID: "Något annat"}, [QID])
    assert changed.placed == {QID: ANSWER}
