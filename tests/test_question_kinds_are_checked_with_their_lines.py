"""`intake forms check` explains every mistake in a question's kind with its line."""

from __future__ import annotations

from intake.forms import BUNDLED_FORMS_DIR, load_form_file
from tests.conftest import SEED
from tests.support.helpers import run_cli

BAD = """\
id: bad
title: T
intro: I
sections:
  - id: s1
    title: S
    questions:
      - id: q1
        text: Q
        kind: choice
      - id: q2
        text: Q
        kind: number
        min: 10
        max: 5
      - id: q3
        text: Q
        kind: choice
        options:
          - id: a
            label: A
          - id: a
            label: B
      - id: q4
        text: Q
        kind: slider
      - id: q5
        text: Q
        unit: st
      - id: q6
        text: Q
        kind: yesno
        options:
          - id: a
            label: A
          - id: b
            label: B
"""


def test_every_kind_mistake_is_reported_with_its_line(cli_env, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = run_cli("forms", "check", str(path))
    assert result.exit_code == 1
    lines = result.stderr.removeprefix("error: ").splitlines()
    assert f"{path}:8: sections.0.questions.0.options: a choice question needs at least two " \
           "options (options: [{id, label, label_en}, ...])" in lines
    assert f"{path}:14: sections.0.questions.1.min: min 10 is above max 5" in lines
    assert f"{path}:22: sections.0.questions.2.options.1.id: option id 'a' is used twice" in lines
    assert f"{path}:26: sections.0.questions.3.kind: unknown kind 'slider' (choose from text, " \
           "choice, number, yesno, date)" in lines
    assert f"{path}:29: sections.0.questions.4.unit: unit is only for kind: number, not text" \
        in lines
    assert f"{path}:34: sections.0.questions.5.options: options are only for kind: choice, " \
           "not yesno" in lines
    assert len(lines) == 6, lines  # no echoes of the same mistakes


def test_the_goal_assessment_form_shows_every_kind_in_the_seeds_words(cli_env):
    path = BUNDLED_FORMS_DIR / "vb-malbedomning.yaml"
    result = run_cli("forms", "check", str(path))
    assert result.exit_code == 0, result.stderr
    form = load_form_file(path)
    assert {q.kind for q in form.all_questions()} == {"text", "choice", "number", "yesno", "date"}
    seed = " ".join((SEED / "norrmalm-2022-naringsliv.txt").read_text(encoding="utf-8").split())
    focus_areas = [s for s in form.sections if s.number in (1, 2, 3)]
    for section in focus_areas:
        assert f"{section.number}. {section.title}" in seed
        choice = next(q for q in section.questions if q.kind == "choice")
        assert [o.label for o in choice.options] == ["Helt uppfyllt", "Delvis uppfyllt",
                                                     "Inte uppfyllt"]
        assert [q.kind for q in section.questions] == ["choice", "number", "text"]
    assert form.closing.title in seed and form.follow_up.description_heading in seed
    assert all(f.label in seed for f in form.contact_fields)


def test_both_bundled_forms_are_offered_and_the_seeds_form_stays_text(cli_env):
    assert run_cli("forms", "list").stdout.split() == ["naringsliv", "vb-malbedomning"]
    seed_form = load_form_file(BUNDLED_FORMS_DIR / "naringsliv.yaml")
    assert {q.kind for q in seed_form.all_questions()} == {"text"}
