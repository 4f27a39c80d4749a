"""`intake forms check`: the bundled form is valid and faithful; bad files get line numbers."""

from __future__ import annotations

import re

from intake.forms import BUNDLED_FORMS_DIR, load_form_file
from tests.conftest import SEED
from tests.support.helpers import run_cli


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_the_bundled_form_is_valid(cli_env):
    result = run_cli("forms", "check", str(BUNDLED_FORMS_DIR / "naringsliv.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "district 9" in result.stdout


def test_the_bundled_form_has_the_seeds_headings_and_questions_word_for_word_in_order():
    form = load_form_file(BUNDLED_FORMS_DIR / "naringsliv.yaml")
    seed = " ".join(_words((SEED / "norrmalm-2022-naringsliv.txt").read_text(encoding="utf-8")))
    expected = [form.attachment_label, form.title, form.intro]
    expected += [form.follow_up.heading.format(year=2022), form.follow_up.description_heading,
                 form.follow_up.description]
    for section in form.sections:
        district = [q for q in section.questions if q.applies("district")]
        if not district:
            continue
        expected.append(f"{section.number}. {section.title}")
        expected += [q.text for q in district]
    expected.append(form.closing.title)
    position = 0
    for text in expected:
        needle = " ".join(_words(text))
        found = seed.find(needle, position)
        assert found >= 0, f"not in the seed, in order: {needle[:80]}"
        position = found + len(needle)


def test_district_questions_apply_to_districts_only():
    form = load_form_file(BUNDLED_FORMS_DIR / "naringsliv.yaml")
    district_only = {q.id for q in form.all_questions() if q.applies_to == ("district",)}
    assert district_only == {"lokal-samverkan", "hallbar-tillvaxt-i-stadsdelen"}
    fourth = form.sections[3]
    assert fourth.title == "Öka tillgången till arbetskraft med relevant kompetens"
    assert all(not q.applies("district") and q.applies("company") for q in fourth.questions)


def test_malformed_yaml_is_reported_with_its_line(cli_env, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: [unclosed\nintro: y\n", encoding="utf-8")
    result = run_cli("forms", "check", str(path))
    assert result.exit_code == 1
    assert re.search(r"bad\.yaml:\d+: malformed YAML", result.stderr)


def test_every_problem_is_reported_with_its_line(cli_env, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text(
        "id: Bad Id\n"
        "title: T\n"
        "intro: I\n"
        "sections:\n"
        "  - id: s1\n"
        "    title: S\n"
        "    questions:\n"
        "      - id: q1\n"
        "        text: ''\n"
        "      - id: q1\n"
        "        text: Q\n"
        "        applies_to: [county]\n",
        encoding="utf-8",
    )
    result = run_cli("forms", "check", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"error: {path}:1: id") for line in lines), lines
    assert any(f"{path}:9: sections.0.questions.0.text" in line for line in lines), lines
    assert any(f"{path}:12: sections.0.questions.1.applies_to" in line for line in lines), lines


def test_a_missing_form_file_is_one_clear_line(cli_env, tmp_path):
    result = run_cli("forms", "check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: no such file"
