import io

import docx

from intake.records.report import AnswerEntry, CommitteeReport, render
from tests.support.reports import committee, period


def test_unanswered_questions_are_marked_not_dropped():
    base = committee("Exempelnämnden", "specialist", answers={"matchning": "Svar."})
    answers = {
        **base.answers,
        "vagar-in": AnswerEntry("vagar-in", None, "not_applicable"),
        "svart-ekonomi": AnswerEntry("svart-ekonomi", "   ", "answered"),
    }
    report = period(CommitteeReport(**{**base.__dict__, "answers": answers}))
    text = render(report, "md", "Exempelnämnden").decode("utf-8")
    questions = report.form.questions_for("specialist")
    for question in questions:  # all ten questions are there, answered or not
        assert question.text.split()[0] in text
    assert text.count("*Ej besvarad*") == 8  # blank text counts as unanswered
    assert text.count("*Ej aktuellt*") == 1
    document = docx.Document(io.BytesIO(render(report, "docx", "Exempelnämnden")))
    markers = [
        p.text for p in document.paragraphs if p.runs and p.runs[0].style.name == "Markering"
    ]
    assert markers.count("Ej besvarad") == 8 and markers.count("Ej aktuellt") == 1
    assert "Ej besvarad" in render(report, "html", "Exempelnämnden").decode("utf-8")
