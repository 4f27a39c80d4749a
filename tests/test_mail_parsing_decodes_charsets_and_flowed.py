from bot.mail.flowed import decode_flowed
from bot.mail.parsing import parse_mail
from tests.support.mail_samples import load


def test_iso_8859_1_label_with_windows_1252_quotes_and_dashes() -> None:
    mail = load("outlook_ursprungligt_meddelande.eml")
    assert "”näringslivsplan 2023–2025”" in mail.text
    assert "\x94" not in mail.text and "\x96" not in mail.text


def test_windows_1252_base64() -> None:
    assert "The “business desk” is still staffed" in load(
        "outlook_original_message_cp1252_base64.eml"
    ).text


def test_utf8_base64_html_only() -> None:
    mail = load("outlook_web_sv_html_only.eml")
    assert mail.content_type == "text/html"
    assert mail.html is not None and "Drottninggatan" in mail.html
    assert "- kartlagt tomma lokaler längs Drottninggatan" in mail.text


def test_format_flowed_paragraphs_are_joined() -> None:
    text = load("apple_mail_sv_flowed.eml").text
    assert text.startswith(
        "Vi har inte hunnit starta det planerade företagsrådet under perioden, men "
        "förberedelserna är klara och första mötet hålls i januari tillsammans med "
        "Cityföreningen och Företagarna.\n\nFrån och med februari"
    )


def test_format_flowed_delsp_joins_words_split_over_lines() -> None:
    text = load("thunderbird_en_flowed_delsp_latin1.eml").text
    assert "continued as planned. We held a seminar on public procurement for small firms" in text


def test_flowed_keeps_signature_separator_and_quote_depth() -> None:
    flowed = "Svar som \nfortsätter.\n-- \nKim\n> citat som \n> fortsätter\n>> djupare"
    expected = "Svar som fortsätter.\n-- \nKim\n> citat som fortsätter\n>> djupare"
    assert decode_flowed(flowed) == expected


def test_space_stuffed_lines_are_unstuffed() -> None:
    assert decode_flowed("  From here\n >not a quote") == " From here\n>not a quote"


def test_crlf_mail() -> None:
    mail = load("outlook_crlf_gdpr_notice.eml")
    assert "\r" not in mail.text
    assert mail.text.startswith("Hej!\n\nSvaret är detsamma")


def test_undeclared_charset_8bit_body_falls_back_to_windows_1252() -> None:
    mail = parse_mail(b"Subject: x\n\nS\xe5 h\xe4r \x93citerat\x94\n")
    assert mail.text == "Så här “citerat”\n"
