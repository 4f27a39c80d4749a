"""Removing what follows the answer itself: signature, phone footer and legal disclaimers."""

import re

_SENT_FROM = re.compile(
    r"^\s*(skickat från min|skickat från outlook|sent from my|sent from outlook|hämta outlook för"
    r"|get outlook for|skickat från e-post för windows|sent from mail for windows)\b",
    re.IGNORECASE,
)
_SIG_DASHES = re.compile(r"^-- ?$")
_RULE = re.compile(r"^\s*[-_=*]{5,}\s*$")
# A closing phrase alone on its line, optionally with a name ("Mvh Kim", "Best regards, Kim E.").
_CLOSING = re.compile(
    r"^\s*(?i:med\s+vänlig(?:a)?\s+hälsning(?:ar)?|vänlig(?:a)?\s+hälsning(?:ar)?|bästa\s+hälsningar"
    r"|varma\s+hälsningar|hälsningar|hälsning|mvh|m\.v\.h\.?|vh|tack(?:\s+på\s+förhand)?"
    r"|best\s+regards|kind\s+regards|warm\s+regards|regards|best\s+wishes|best|many\s+thanks"
    r"|thanks|thank\s+you|cheers|all\s+the\s+best|br)"
    r"[\s,.!]*(?:[A-ZÅÄÖ/][\w.\-]*(?:\s+[A-ZÅÄÖ][\w.\-]*){0,3})?\s*$"
)
_DISCLAIMER_START = re.compile(
    r"^\s*(detta\s+(e-?post(meddelande)?|mejl|meddelande)|informationen\s+i\s+detta"
    r"|när\s+du\s+(skickar|kontaktar|mejlar)|vi\s+behandlar\s+(dina\s+)?personuppgifter"
    r"|this\s+(e-?mail|message)|the\s+(information|content)s?\s+(contained\s+)?(in|of)\s+this"
    r"|confidentiality|disclaimer|sekretess|konfidentiell)",
    re.IGNORECASE,
)
_DISCLAIMER_WORDS = re.compile(
    r"konfidentiell|sekretess|personuppgift|dataskydd|gdpr|avsedd|av misstag|felaktig mottagare"
    r"|confidential|privileged|intended|recipient|in error|personal data",
    re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 8


def strip_tail(lines: list[str], from_name: str = "", from_address: str = "") -> list[str]:
    """Cut trailing quote leftovers, disclaimers and signatures until nothing more goes."""
    while True:
        before = len(lines)
        lines = _drop_trailing_noise(lines)
        for cut in (_sent_from, _sig_dashes, _disclaimer, _closing, _name_block):
            at = cut(lines, from_name)
            if at is not None:
                lines = lines[:at]
                break
        if len(lines) == before:
            return _drop_trailing_noise(lines)


def _drop_trailing_noise(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")
                   or _RULE.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def _short_block(lines: list[str]) -> bool:
    """Could these lines be a signature: a few short lines of name, title, phone, address."""
    filled = [line for line in lines if line.strip()]
    return len(filled) <= _MAX_SIGNATURE_LINES and all(len(line) <= 90 for line in filled)


def _sent_from(lines: list[str], _name: str) -> int | None:
    for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if _SENT_FROM.match(lines[i]):
            return i
    return None


def _sig_dashes(lines: list[str], _name: str) -> int | None:
    return next((i for i, line in enumerate(lines) if _SIG_DASHES.match(line)), None)


def _disclaimer(lines: list[str], _name: str) -> int | None:
    for i, line in enumerate(lines):
        if not _DISCLAIMER_START.match(line):
            continue
        paragraph = []
        for following in lines[i:]:
            if not following.strip():
                break
            paragraph.append(following)
        if _DISCLAIMER_WORDS.search(" ".join(paragraph)):
            return i
    return None


def _closing(lines: list[str], _name: str) -> int | None:
    for i, line in enumerate(lines):
        # At the very top only with a name block below: "Tack!" alone is an answer, not a sign-off.
        signed = i > 0 or any(rest.strip() for rest in lines[1:])
        if signed and _CLOSING.match(line) and _short_block(lines[i + 1 :]):
            return i
    return None


def _name_block(lines: list[str], name: str) -> int | None:
    """A signature that starts with the sender's name (or '/Kim') and runs to the end."""
    names = _name_forms(name)
    if not names:
        return None
    for i, line in enumerate(lines):
        starts_block = not lines[i - 1].strip() or line.strip().startswith("/")
        is_name = line.strip().lstrip("/-– ").casefold() in names
        if i and is_name and starts_block and _short_block(lines[i:]):
            return i
    return None


def _name_forms(name: str) -> set[str]:
    name = re.sub(r"\s+", " ", name.replace('"', "")).strip()
    if "," in name:  # "Exempelsson, Kim" as some directories write it
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    if not name:
        return set()
    return {name.casefold(), name.split(" ")[0].casefold()}
