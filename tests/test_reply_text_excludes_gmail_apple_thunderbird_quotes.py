import pytest

from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT, load

EXPECTED = {
    "gmail_sv.eml": """Nämnden har haft fyra möten med Företagarna och två med Cityföreningen. Kim skrev en sammanfattning som skickades till stadsledningskontoret den 3 oktober.""",  # noqa: E501
    "gmail_en.eml": """Three things stand out:

1. The business council met four times.
2. Permit handling times dropped from 30 to 14 days.
3. We opened a "business desk" at the district office.""",
    "apple_mail_sv_flowed.eml": """Vi har inte hunnit starta det planerade företagsrådet under perioden, men förberedelserna är klara och första mötet hålls i januari tillsammans med Cityföreningen och Företagarna.

Från och med februari tar näringslivsenheten över samordningen.""",  # noqa: E501
    "ios_sv.eml": "Ej aktuellt för oss i år.",
    "ios_en.eml": "Same as last period.",
    "thunderbird_sv_flowed.eml": """Samverkan med fastighetsägarna har fortsatt enligt plan, med ett gemensamt möte per månad och en uppföljning av vakanserna i varje kvarter.

Två saker att lyfta:
- Gatuköket vid Hötorget öppnade i september.
- Julmarknaden flyttades till Kungsträdgården.""",  # noqa: E501
    "thunderbird_en_flowed_delsp_latin1.eml": "The committee's work with the business community continued as planned. We held a seminar on public procurement for small firms in Vasastaden, attended by forty-two companies, and the evaluation will be ready in February.",  # noqa: E501
    "plain_quote_no_attribution.eml": "Inga förändringar jämfört med förra perioden.",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reply_gives_only_the_new_text(name: str) -> None:
    extraction = extract_reply(load(name), SENT)
    assert extraction.text == EXPECTED[name]
    assert extraction.confident, extraction.reason


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_client_patterns_alone_cut_the_same_but_flag_it(name: str) -> None:
    extraction = extract_reply(load(name))
    assert extraction.text == EXPECTED[name]
    assert not extraction.confident
    assert "our own text not found" in extraction.reason
