"""`intake serve` against the fake Bot API: the whole bundled form answered in a chat."""

from __future__ import annotations

from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster, run_cli
from tests.support.telegram import (
    KIM,
    expect,
    open_telegram_round,
    question_number,
    serving,
    start_token,
    telegram_env,
    user_message_id,
)

NORRMALM = "Norrmalms stadsdelsnämnd"
BURST = ["Vi samverkar med företagarföreningen på Vasagatan.",
         "Dessutom: frukostmöten varannan månad & <b>inte</b> fetstil.",
         "Slutligen ”Växla upp Stockholm”,\nmed två rader."]
EDITED = "Dessutom: frukostmöten varje månad & <b>inte</b> fetstil."


def _answer_and_next(tg: FakeBotAPIThread, number: int, text: str) -> dict:
    tg.send_user_message(KIM, text)
    expect(tg, KIM, str(number))  # the acknowledgement names the question
    tg.send_user_message(KIM, "/next")
    return expect(tg, KIM)


def test_a_contact_completes_the_form_by_telegram_chat(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, NORRMALM)
    with FakeBotAPIThread() as tg, serving(tg, telegram_env(tg, cli_env), tmp_path / "serve.log"):
        assert tg.commands()[0]["description"] == "Nästa fråga"
        assert tg.commands("en")[0]["description"] == "Next question"
        tg.open_deep_link(KIM, f"https://t.me/{tg.username}?start={token}", first_name="Kim")
        question = expect(tg, KIM, "Fråga 1 av 9")
        labels = [b["text"] for b in tg.buttons(KIM, question["message_id"])]
        assert {"Nästa ▶", "◀ Tillbaka", "Hoppa över", "Ej aktuellt", "Granska",
                "Skicka in"} <= set(labels)

        for count, text in enumerate(BURST, 1):  # one answer in three messages
            tg.send_user_message(KIM, text)
            ack = expect(tg, KIM, "Sparat till fråga 1")
            assert count == 1 or f"{count} meddelanden" in ack["text"]
        tg.press_button_by_text(KIM, ack["message_id"], "Nästa ▶")
        question = expect(tg, KIM, "Fråga 2 av 9")

        question = _answer_and_next(tg, 2, "Första versionen av svar två.")
        assert question_number(question) == 3
        tg.send_user_message(KIM, "/back")  # back: the first message replaces the answer
        expect(tg, KIM, "Fråga 2 av 9", "Första versionen av svar två.")
        question = _answer_and_next(tg, 2, "Andra versionen av svar två.")
        assert question_number(question) == 3

        tg.press_button_by_text(KIM, question["message_id"], "Ej aktuellt")
        question = expect(tg, KIM, "Fråga 4 av 9")
        answers = {}
        while "Fråga" in question["text"]:
            number = question_number(question)
            answers[number] = f"Svar på fråga {number}: 100 % klart & \"citerat\" <ok>."
            question = _answer_and_next(tg, number, answers[number])
        assert "Alla frågor har gått igenom" in question["text"]

        tg.edit_user_message(KIM, user_message_id(tg, KIM, BURST[1]), EDITED)
        expect(tg, KIM, "Ändringen är sparad i svaret på fråga 1")

        tg.send_user_message(KIM, "/review")
        review = expect(tg, KIM, "Era svar", EDITED)
        assert "Ändra 1" in [b["text"] for b in tg.buttons(KIM, review["message_id"])]
        tg.send_user_message(KIM, "/submit")
        confirm = expect(tg, KIM, "Vill ni skicka in formuläret?")
        tg.press_button_by_text(KIM, confirm["message_id"], "Ja, skicka in")
        expect(tg, KIM, "Tack! Formuläret är inskickat.")

    status = run_cli("status", "--period", "2026 T3", "--json").json()
    norrmalm = next(a for a in status["assignments"] if a["committee"] == NORRMALM)
    assert (norrmalm["status"], norrmalm["channel"]) == ("submitted", "telegram")
    exported = run_cli("export", "--period", "2026 T3", "--committee", NORRMALM,
                       "--format", "json").json()
    by_number = {i: row["answer"] for i, row in enumerate(exported, 1)}
    assert by_number[1] == "\n\n".join([BURST[0], EDITED, BURST[2]])
    assert by_number[2] == "Andra versionen av svar två."
    assert by_number[3] == "Ej aktuellt"
    assert all(by_number[n] == text for n, text in answers.items())
    assert next(r for r in exported if r["answer"] == by_number[2])["revisions"] == 2
