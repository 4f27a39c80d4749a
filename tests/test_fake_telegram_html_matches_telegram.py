"""The fake's HTML parse mode accepts and refuses what Telegram's own parser does."""

import html

import pytest

from tests.support.fake_telegram_html import HtmlParseError, parse_html


def test_escaped_user_text_round_trips_character_for_character() -> None:
    typed = 'Vi ökade <30 % & "nöjda" kunder > 5\nrad två 😀 &nbsp; <b>'
    parsed = parse_html(f"<b>Ditt svar:</b>\n{html.escape(typed)}")
    assert parsed.text == f"Ditt svar:\n{typed}"


def test_a_bare_ampersand_and_unknown_entities_stay_literal_as_on_telegram() -> None:
    assert parse_html("A&B &copy; &#65; &#x42; &lt").text == "A&B &copy; A B <"


def test_entity_offsets_count_utf16_code_units() -> None:
    parsed = parse_html("😀 <i>kursiv</i> <a href='https://example.org/?a=1&amp;b=2'>länk</a>")
    italic, link = parsed.entities
    assert (italic["type"], italic["offset"], italic["length"]) == ("italic", 3, 6)
    assert link == {
        "type": "text_link",
        "offset": 10,
        "length": 4,
        "url": "https://example.org/?a=1&b=2",
    }


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>oavslutad", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("rad<br>rad", 'Unsupported start tag "br" at byte offset 3'),
        ("<p>stycke</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("slut</b>", "Unexpected end tag at byte offset 4"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_malformed_html_fails_with_telegrams_wording(text: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as raised:
        parse_html(text)
    assert str(raised.value) == error


def test_every_documented_tag_is_accepted() -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>t</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>citat</blockquote><blockquote expandable>mer</blockquote>"
    )
    kinds = [e["type"] for e in parse_html(text).entities]
    assert kinds.count("bold") == 2 and kinds.count("spoiler") == 2
    assert {"pre", "code", "blockquote", "expandable_blockquote", "underline"} <= set(kinds)
    pre = next(e for e in parse_html(text).entities if e["type"] == "pre")
    assert pre["language"] == "python"
