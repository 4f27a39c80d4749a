import pytest

from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT, load

ANSWER_SV = """Under perioden har nämnden genomfört tre företagarfrukostar tillsammans med Företagarna Norrmalm och lokala fastighetsägare.

Vi har särskilt arbetat med:
- snabbare handläggning av serveringstillstånd
- en gemensam kontaktväg för företag i City
- dialog med fastighetsägare om tomma lokaler

Resultatet följs upp i tertialrapport 2."""  # noqa: E501

ANSWER_EN = """During the period the committee held three business breakfasts with local business owners.

The main results were:
1. Faster handling of outdoor seating permits – now 14 days on average.
2. A single point of contact for companies in the city centre.
3. Regular meetings with property owners about empty premises.

We’ll follow up in the second tertial report."""  # noqa: E501

EXPECTED = {
    "outlook_desktop_sv.eml": ANSWER_SV,
    "outlook_desktop_en_cp1252.eml": ANSWER_EN,
    "outlook_ursprungligt_meddelande.eml": """Nämnden antog i oktober en ny ”näringslivsplan 2023–2025”. Planen bygger på tre spår:

• ”Lätt att starta” – enklare tillståndsprocess
• ”Levande stadskärna” – fler evenemang i City
• ”Trygg handel” – samverkan med polisen

Se även beslutet ”Handlingsplan för näringslivet”, dnr NO 2022/123.""",  # noqa: E501
    "outlook_original_message_cp1252_base64.eml": "No major changes since last period. The “business desk” is still staffed two days a week, and the next review is in March.",  # noqa: E501
    "outlook_web_en.eml": """Not applicable for our company this period: the board decided in September to pause the programme.

We expect to report on it again in the annual report.""",  # noqa: E501
    "outlook_web_sv_html_only.eml": """Nämnden har under perioden:

- startat ett företagsråd med tolv medlemmar
- infört digital ansökan om uteserveringar
- kartlagt tomma lokaler längs Drottninggatan

Mer finns i bilagan till tertialrapporten.""",
    "outlook_desktop_html_only_cp1252.eml": """Vi har under tertialet fokuserat på tre saker:

• Företagsbesök – 24 besök hos små företag
• Tillstånd – kortare handläggningstider
• Kompetens – samarbete med Arbetsförmedlingen""",
    "outlook_mac_sv_base64_lists.eml": """Svar på fråga 3:

1. Företagsrådet har träffats två gånger.
2. Vi har tagit fram en ny folder: «Lätt att göra rätt».

Övrigt:
• Citatet från handlarna var »äntligen händer något».
- Uppföljning sker i december.
  - Ansvarig: näringslivsenheten.""",
    "outlook_crlf_gdpr_notice.eml": """Svaret är detsamma som förra perioden, men vi har lagt till en punkt:
- Nya företagarträffar varannan månad.""",  # noqa: E501
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outlook_reply_gives_only_the_new_text(name: str) -> None:
    extraction = extract_reply(load(name), SENT)
    assert extraction.text == EXPECTED[name]
    assert extraction.confident, extraction.reason


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outlook_reply_without_our_text_is_cut_the_same_but_flagged(name: str) -> None:
    extraction = extract_reply(load(name))
    assert extraction.text == EXPECTED[name]
    assert not extraction.confident
