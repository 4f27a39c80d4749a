from bot.mail.html_text import html_to_text


def test_paragraphs_lists_and_breaks() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>x()</script></head><body>"
        "<div>Hej!</div><div><br></div><div>Rad &amp; <b>fet</b> text</div>"
        "<ul><li>Ett</li><li>Två</li></ul><ol><li>A</li><li>B</li></ol>"
        "<p>Stycke ett</p><p>Stycke två</p></body></html>"
    )
    assert html_to_text(html) == (
        "Hej!\n\nRad & fet text\n\n- Ett\n- Två\n\n1. A\n2. B\n\nStycke ett\n\nStycke två"
    )


def test_outlook_msonormal_paragraphs_are_lines_and_symbol_bullets_become_bullets() -> None:
    html = (
        '<p class="MsoNormal">Rad ett<o:p></o:p></p><p class="MsoNormal">Rad två<o:p></o:p></p>'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<p class="MsoListParagraph" style="mso-list:l0 level1 lfo1"><![if !supportLists]>'
        '<span style="font-family:Symbol">·<span>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>'
        "<![endif]>Punkt<o:p></o:p></p>"
    )
    assert html_to_text(html) == "Rad ett\nRad två\n\n• Punkt"


def test_blockquotes_become_quoted_lines() -> None:
    html = (
        "<div>Svar</div><blockquote>Fråga<br><br>mer"
        "<blockquote>djupare</blockquote></blockquote>"
    )
    assert html_to_text(html) == "Svar\n> Fråga\n>\n> mer\n> > djupare"


def test_broken_html_does_not_raise() -> None:
    assert html_to_text("<div><p>Öppen <b>tagg <li>punkt</ul></table>") == "Öppen tagg\n- punkt"
