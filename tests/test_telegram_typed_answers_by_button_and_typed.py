"""In the chat, end to end through `intake serve` and the fake Bot API: a choice question has a
button per option, yes/no has Ja and Nej; a typed answer that does not fit is refused with the
reason and the same question comes again; buttons and typed answers are stored as values."""

from __future__ import annotations

from datetime import datetime

from intake.clock import as_utc
from intake.forms import find_form
from intake.rounds.opening import open_round
from storage.db import transaction
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster, run_cli
from tests.support.telegram import KIM, expect, serving, start_token, telegram_env

NORRMALM = "Norrmalms stadsdelsnämnd"


def _labels(tg: FakeBotAPIThread, message: dict) -> list[str]:
    return [b["text"] for b in tg.buttons(KIM, message["message_id"])]


def test_options_as_buttons_typed_answers_and_a_refusal(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    with transaction(engine) as session:
        open_round(session, find_form("vb-malbedomning"), "2026 VB",
                   as_utc(datetime(2027, 2, 15, 17, 0)), clock(), telegram_enabled=True)
    token = start_token(engine, NORRMALM)
    with FakeBotAPIThread() as tg, serving(tg, telegram_env(tg, cli_env), tmp_path / "serve.log"):
        tg.open_deep_link(KIM, f"https://t.me/{tg.username}?start={token}", first_name="Kim")
        question = expect(tg, KIM, "Fråga 1 av 15", "1. Helt uppfyllt")
        assert _labels(tg, question)[:3] == ["Helt uppfyllt", "Delvis uppfyllt", "Inte uppfyllt"]
        tg.send_user_message(KIM, "Inte riktigt")
        again = expect(tg, KIM, "Svaret sparades inte", "Fråga 1 av 15")
        assert "”Inte riktigt” är inte ett av alternativen" in again["text"]
        tg.press_button_by_text(KIM, again["message_id"], "Delvis uppfyllt")
        expect(tg, KIM, "Fråga 2 av 15", "Svara med ett heltal (st), lägst 0.")
        tg.send_user_message(KIM, "1 250")
        question = expect(tg, KIM, "Fråga 3 av 15")
        for number in range(3, 13):  # the rest of the focus areas, as quickly as possible
            tg.send_user_message(KIM, "/skip")
            question = expect(tg, KIM, f"Fråga {number + 1} av 15")
        assert _labels(tg, question)[:2] == ["Ja", "Nej"]
        tg.press_button_by_text(KIM, question["message_id"], "Nej")
        expect(tg, KIM, "Fråga 14 av 15", "15 mars 2026")
        tg.send_user_message(KIM, "15 mars 2027")
        expect(tg, KIM, "Fråga 15 av 15")

    exported = run_cli("export", "--period", "2026 VB", "--committee", NORRMALM).json()
    assert {r["question_id"]: (r["answer"], r["value"]) for r in exported} == {
        "bedomning-tillvaxt": ("Delvis uppfyllt", "delvis"),
        "foretagskontakter": ("1 250 st", 1250),
        "kontaktperson-utsedd": ("Nej", False),
        "beslutsdatum": ("2027-03-15", "2027-03-15"),
    }
    assert all(r["channel"] == "telegram" for r in exported)
