"""On the development corpus (tests/mail/corpus), the reader gives the meant answer.

At least 98% exactly, and on none does it lose a line the contact wrote. The corpus: replies
from Outlook, OWA, Outlook mobile, Gmail, Apple Mail, iOS Mail, Thunderbird, Samsung, Yahoo,
Proton, web.de, Zimbra, Notes, mutt, Roundcube and Google Groups, in eleven languages, top-,
bottom- and inline-posted, plain, multipart and HTML-only, in several charsets.
"""

from pathlib import Path

import pytest

from bot.mail.parsing import parse_mail
from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT

CORPUS = Path(__file__).parent / "mail" / "corpus"
CASES = sorted(CORPUS.glob("*.eml"))


def expected(eml: Path) -> str:
    return eml.with_suffix(".txt").read_text(encoding="utf-8").strip("\n")


def read(eml: Path, sent: tuple[str, ...] = SENT) -> str:
    return extract_reply(parse_mail(eml.read_bytes()), sent).text


def test_the_corpus_is_as_wide_as_the_issue_asks() -> None:
    names = [case.stem.split("-") for case in CASES]
    assert len(CASES) >= 120
    assert len({parts[1] for parts in names}) >= 10  # clients
    assert len({parts[2] for parts in names}) >= 8  # languages
    styles = {parts[3] for parts in names}
    assert {"top", "bottom", "inline", "htmlonly"} <= styles
    raws = [case.read_bytes().lower() for case in CASES]
    assert sum(b"multipart/alternative" in raw for raw in raws) >= 20
    charsets = {c for raw in raws for c in (b"iso-8859-1", b"iso-8859-2", b"iso-8859-15",
                                           b"windows-1252", b"utf-8") if c in raw}
    assert len(charsets) == 5


def test_at_least_98_percent_are_exactly_the_meant_answer() -> None:
    wrong = [case.name for case in CASES if read(case) != expected(case)]
    assert len(wrong) <= len(CASES) * 0.02, wrong


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_no_line_the_contact_wrote_is_lost(case: Path) -> None:
    got = read(case).split("\n")
    lost = [line for line in expected(case).split("\n") if line.strip() and line not in got]
    assert not lost


@pytest.mark.parametrize("style", ["inline", "bottom", "greeting"])
def test_each_rule_has_its_cases_and_all_of_them_pass(style: str) -> None:
    cases = [case for case in CASES if case.stem.split("-")[3].startswith(style)]
    assert len(cases) >= 4
    assert [case.stem for case in cases if read(case) != expected(case)] == []
