"""The golden test end to end: the seed's answers entered as a contact would, by mail and in
chat fragments, come back word for word from the DOCX and the PDF that `intake report` writes."""

from __future__ import annotations

from datetime import datetime

import yaml

from intake.clock import as_utc
from tests.support.helpers import load_roster, open_test_round, run_cli, send
from tests.support.reports import (
    DATA,
    contains_in_order,
    docx_text,
    pdf_body_text,
    seed_items,
    words,
)

NORRMALM = "Norrmalms stadsdelsnämnd"


def _enter_seed_answers(engine, clock):
    data = yaml.safe_load((DATA / "norrmalm-2022-answers.yaml").read_text(encoding="utf-8"))
    roster = ("committee,kind,contact_name,email,phone\n"
              f"{NORRMALM},district,Kim Exempelsson,kim.exempelsson@example.se,08-000 00 00\n")
    load_roster(engine, clock(), roster)
    open_test_round(engine, clock(), period="2022 VB", deadline=as_utc(datetime(2027, 1, 20, 17)))
    send(engine, clock(), NORRMALM, "start")
    for index, (question_id, text) in enumerate(data["answers"].items()):
        if text is None:
            send(engine, clock(), NORRMALM, "skip")
        elif index % 2 == 0:  # a mail reply: the whole answer at once
            send(engine, clock(), NORRMALM, "answer", channel="email", question=question_id,
                 text=text)
        else:  # a chat burst: one message per paragraph, then "next"
            for paragraph in text.split("\n\n"):
                send(engine, clock(), NORRMALM, "text", text=paragraph)
            send(engine, clock(), NORRMALM, "next")
    send(engine, clock(), NORRMALM, "submit")
    assert send(engine, clock(), NORRMALM, "submit")[0].template == "receipt"


def test_the_seed_comes_back_word_for_word_from_docx_and_pdf(cli_env, engine, clock, tmp_path):
    _enter_seed_answers(engine, clock)
    out = tmp_path / "out"
    result = run_cli("report", "--period", "2022 VB", "--committee", NORRMALM,
                     "--format", "docx,pdf,html,md", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    paths = {p.suffix: p for p in out.iterdir()}
    assert set(paths) == {".docx", ".pdf", ".html", ".md"}
    expected = seed_items() + ["Ej besvarad"]
    assert contains_in_order(words(docx_text(paths[".docx"])), expected) is None
    pdf = words(pdf_body_text(paths[".pdf"], running=f"{NORRMALM} – 2022 VB"))
    assert contains_in_order(pdf, expected) is None


def test_the_consolidated_report_and_bad_input(cli_env, engine, clock, tmp_path):
    _enter_seed_answers(engine, clock)
    result = run_cli("report", "--period", "2022 VB", "--format", "md", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "sammanstallning" in result.stdout
    unknown = run_cli("report", "--period", "1999 VB", "--format", "md", "--out", str(tmp_path))
    assert unknown.exit_code == 1 and "no round for period '1999 VB'" in unknown.stderr
    nobody = run_cli("report", "--period", "2022 VB", "--committee", "Ingen nämnd",
                     "--format", "md", "--out", str(tmp_path / "x"))
    assert nobody.exit_code == 1 and "'Ingen nämnd'" in nobody.stderr
    assert not (tmp_path / "x").exists()
    bad = run_cli("report", "--period", "2022 VB", "--format", "odt", "--out", str(tmp_path))
    assert bad.exit_code == 1 and "--format must be one of" in bad.stderr
