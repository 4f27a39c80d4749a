"""Chat texts: a long review cut under 4,096 characters between answers, text escaped."""

from __future__ import annotations

from bot.telegram.render import render, split_message, utf16_length

ENGINE_TEMPLATES = (
    "question", "fragment_saved", "fragment_updated", "answer_saved", "summary", "missing",
    "confirm_submit", "receipt", "review", "status", "help", "already_submitted",
    "no_previous", "copied_previous", "unknown_question", "empty_answer",
)


def _review_data(answer: str, count: int = 9) -> dict:
    return {"committee": "Norrmalms stadsdelsnämnd", "period": "2026 T3", "answered": count,
            "total": count, "missing": [], "deadline": "2027-01-20T17:00:00+01:00",
            "answers": [{"number": n, "short": f"Fråga {n}", "answer": answer,
                         "state": "answered", "required": True} for n in range(1, count + 1)]}


def test_a_long_review_is_split_on_paragraph_boundaries():
    answer = ("Ett stycke om samverkan & <företag>. " * 30).strip()
    parts = split_message(render("review", "sv", _review_data(answer)))
    assert len(parts) > 1
    assert all(utf16_length(part) <= 4096 for part in parts)
    # No answer is cut in two: each one appears whole in exactly one part.
    escaped = answer.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert sum(part.count(escaped) for part in parts) == 9


def test_one_answer_longer_than_a_message_is_cut_between_words():
    answer = "ord " * 3000
    parts = split_message(render("review", "en", _review_data(answer.strip(), 1)))
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert "".join(parts).count("ord") == 3000


def test_every_engine_template_renders_in_both_languages_with_text_escaped():
    data = _review_data("<script>&") | {
        "number": 1, "text": "Fråga <ett>", "length": 9, "fragments": 2, "answer": "a < b",
        "reference": "99", "section": None, "contact_name": "Kim", "invitation": False}
    for template in ENGINE_TEMPLATES:
        for language in ("sv", "en"):
            text = render(template, language, data)
            assert text and "<script>" not in text and "<ett>" not in text, template
    assert "Fråga 1 av 9" in render("question", "sv", data)
    assert "Question 1 of 9" in render("question", "en", data)
