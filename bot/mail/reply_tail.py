"""What surrounds the answer itself: a greeting on top; closing, signature, footers below.

Only what is certain goes: a phone footer only when the whole line is one, a closing only
when what follows it is a short signature block. Only the last TAIL_WINDOW lines are looked
at for the tail and every pattern runs on short lines, so the time stays linear.
"""

import re

TAIL_WINDOW = 80
_SHORT = 160  # greeting, closing and footer lines are never longer

_DEVICE = (
    r"(?:iphone|ipad|ipod|android|samsung|galaxy|huawei|xiaomi|pixel|oneplus|nokia|motorola"
    r"|blackberry|mobil\w*|smartphone|smarttelefon|älypuhelin\w*|telefon\w*|phone|handy"
    r"|tablet\w*|surfplatta|outlook|e-?mail|mail|e-?post|yahoo|gmail|proton\s*mail|aol|gmx|web\.de"
    r"|windows|fairemail|k-9\s+mail|spark|airmail|bluemail|thunderbird|iOS|sähköposti"
    r"|posta|correo|poczta|courriel|messagerie)"
)
_FOOTER_LEAD = (
    r"(?:skickat\s+från|sent\s+from|sent\s+with|sent\s+via|sent\s+using|sendt\s+fra"
    r"|lähetetty|von\s+meinem|gesendet\s+von|gesendet\s+mit|envoyé\s+de|envoyé\s+depuis"
    r"|envoyé\s+avec|verzonden\s+vanaf|verzonden\s+met|verstuurd\s+vanaf|inviato\s+da"
    r"|enviado\s+desde|enviado\s+con|wysłane\s+z|wysłano\s+z|hämta|get|hent|få|outlook\s+für"
    r"|télécharger|download|scarica|obtener|descargar|pobierz|lataa)"
)
# The whole line must be the footer: "Sent from my desk, which is easier" is an answer.
_SENT_FROM = re.compile(
    rf"^[ \t]*{_FOOTER_LEAD}\s+(?:(?:my|min|mitt|mina|mein(?:em)?|mon|ma|mijn|il\s+mio|mi"
    rf"|mojego|moim|minun|the|a|an|appen|aplikacji|l'application|de\s+app)\s+)?"
    rf"(?:[\w.'’-]+\s+){{0,2}}{_DEVICE}(?:[’']?\w{{0,4}})(?:[\s-]+(?:[\w.'’]+)){{0,4}}"
    r"[ \t]*[.!]?[ \t]*$"
    rf"|^[ \t]*{_DEVICE}(?:[\s-]+[\w.'’]+){{0,2}}\s+(?:gesendet|verzonden|wysłane|lähetetty)"
    rf"\.?[ \t]*$",
    re.IGNORECASE,
)
_LINK = re.compile(r"[ \t]*<(?:https?|mailto):[^<>\s]{1,300}>")  # "Get Outlook for iOS<https://…>"
_SIG_DASHES = re.compile(r"^-- ?$")
_RULE = re.compile(r"^[ \t]*[-_=*~]{5,}[ \t]*$")
_CLOSING_WORDS = (
    # sv
    r"med\s+vänlig(?:a)?\s+hälsning(?:ar)?|vänlig(?:a)?\s+hälsning(?:ar)?|bästa\s+hälsningar"
    r"|varma\s+hälsningar|hälsningar|hälsning|mvh|m\.v\.h\.?|vh|tack(?:\s+på\s+förhand)?"
    r"|tack\s+och\s+hej|ha\s+en\s+(?:bra|fin|trevlig)\s+(?:dag|helg)|trevlig\s+helg|ha\s+det\s+bra"
    r"|vänligen|hälsar"
    # da, no
    r"|med\s+venlig\s+hilsen|venlig\s+hilsen|med\s+vennlig\s+hilsen|vennlig\s+hilsen"
    r"|venlige\s+hilsner|vennlige\s+hilsener|mange\s+hilsner|hilsen|hilsner|mvh\.?|vh\.?"
    r"|tak|takk|på\s+forhånd\s+tak|kh|kærlig\s+hilsen|kærlige\s+hilsner"
    # fi
    r"|ystävällisin\s+terveisin|parhain\s+terveisin|terveisin|terv\.|kiittäen|t\."
    # en
    r"|best\s+regards|kind\s+regards|warm\s+regards|warmest\s+regards|regards|best\s+wishes"
    r"|best|many\s+thanks|thanks(?:\s+again)?|thank\s+you|cheers|all\s+the\s+best|br|yours"
    r"|sincerely|yours\s+sincerely|yours\s+faithfully|with\s+best\s+regards|take\s+care"
    r"|thanks\s+in\s+advance|many\s+thanks\s+in\s+advance|best\s+regards\s+and\s+thanks"
    # de
    r"|mit\s+freundlichen\s+grüßen|mit\s+freundlichen\s+grüssen|freundliche\s+grüße"
    r"|viele\s+grüße|beste\s+grüße|liebe\s+grüße|herzliche\s+grüße|schöne\s+grüße|grüße|gruß"
    r"|viele\s+grüsse|beste\s+grüsse|liebe\s+grüsse|grüsse|gruss"
    r"|mfg|lg|vg|besten\s+dank|vielen\s+dank|danke"
    # fr
    r"|cordialement|bien\s+cordialement|bien\s+à\s+vous|salutations|meilleures\s+salutations"
    r"|sincères\s+salutations|bonne\s+journée|merci(?:\s+beaucoup)?|amicalement|bises"
    # nl
    r"|met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|hartelijke\s+groet(?:en)?"
    r"|groeten|groet|mvg|bedankt|alvast\s+bedankt"
    # it
    r"|cordiali\s+saluti|distinti\s+saluti|saluti|un\s+saluto|grazie(?:\s+mille)?|a\s+presto"
    # es
    r"|saludos(?:\s+cordiales)?|un\s+saludo|atentamente|gracias|muchas\s+gracias"
    r"|un\s+abrazo"
    # pl
    r"|pozdrawiam(?:\s+serdecznie)?|serdecznie\s+pozdrawiam|z\s+poważaniem|pozdrowienia"
    r"|z\s+wyrazami\s+szacunku|dziękuję|dzięki"
    # cs, hu: seen in other projects' test mail
    r"|s\s+pozdravem|děkuji|díky|üdvözlettel|udvozlettel|üdv|köszönöm|tisztelettel"
)
_NAME = r"[A-ZÅÄÖÆØÜÉÈÀÇŁŚŻŹĆŃ/][\w.'’\-]{0,40}"
# A closing phrase alone on its line, optionally with a name ("Mvh Kim", "Best regards, Kim E.").
_CLOSING = re.compile(
    rf"^[ \t]*(?i:{_CLOSING_WORDS})(?:[ \t]*/[ \t]*(?i:{_CLOSING_WORDS}))?[ \t,.!:–-]{{0,4}}"
    rf"(?:{_NAME}(?:[ \t]{{1,3}}{_NAME}){{0,3}})?"
    r"[ \t]*[.!]?[ \t]*$"
)
_PARTICLE = r"(?:de|van|von|der|den|af|da|di|du|le|la|del|ten|ter)"
# "/Lena", "//Kim", "-Maarten de Jong": a sign-off ("- Kim" with a space is a list item).
_SLASH_NAME = re.compile(
    rf"^[ \t]*(?:/{{1,2}}[ \t]?|[-–]{{1,2}}){_NAME}(?:[ \t]{{1,3}}(?:{_NAME}|{_PARTICLE})){{0,3}}"
    r"[ \t]*$"
)
# After the greeting word: names (capitalised) or the few words people put there ("Hej alla").
_GREETING_FILLER = (
    r"(?i:alla|allihop(?:a)?|igen|på\s+er|team|all|everyone|everybody|there|again|zusammen"
    r"|allerseits|tous|à\s+tous|allen|tutti|a\s+tutti|todos|a\s+todos|wszystkim|kaikki|alle"
    r"|allesammen|allemaal|iedereen|jullie|sir|madam|or|and|och|og|und|et|e|y|i|mr\.?|mrs\.?"
    r"|ms\.?|dr\.?|herr|frau|fru|pani|panie|damen|herren|damer|herrar|heer|mevrouw|colleagues"
    r"|kollegor|kolleger|kollegaer|kollegen|collègues|colleghi|colegas|friends|vänner|där)(?!\w)"
)
_GREETING = re.compile(
    r"^[ \t]*(?i:hej(?:\s+hej)?|hejsan|hallå|tjena|tjenare|tja|bästa|bäste|käre|kära"
    r"|hei(?:\s+hei)?|heippa|moi|moikka|terve|hyvää\s+päivää"
    r"|god\s+(?:morgon|middag|eftermiddag|kväll|dag)|goddag|godmorgen|goddag|kære|hi|hello|hey"
    r"|dear|good\s+(?:morning|afternoon|evening)|hallo|guten\s+(?:tag|morgen|abend)|liebe|lieber"
    r"|sehr\s+geehrte(?:r)?|servus|moin|bonjour|bonsoir|salut|cher|chère|madame|monsieur"
    r"|beste|geachte|goedemorgen|goedemiddag|hoi|ciao|buongiorno|buonasera|salve|gentile"
    r"|gentili|caro|cara|hola|buenos\s+días|buenas\s+tardes|estimado|estimada|estimados"
    r"|cześć|dzień\s+dobry|witam|szanowni\s+państwo|szanowna\s+pani|szanowny\s+panie"
    r"|ahoj|dobrý\s+den|vážený|vážená|szia|sziasztok|kedves|jó\s+napot|tisztelt)"
    rf"(?:,?[ \t]+(?:{_NAME}|{_GREETING_FILLER})){{0,4}}[ \t]*[,!.:]?[ \t]*$"
)
_DISCLAIMER_START = re.compile(
    r"^[ \t]*(detta\s+(e-?post(meddelande)?|mejl|meddelande)|informationen\s+i\s+detta"
    r"|när\s+du\s+(skickar|kontaktar|mejlar)|vi\s+behandlar\s+(dina\s+)?personuppgifter"
    r"|this\s+(e-?mail|message|communication)|the\s+(information|content)s?\s+(contained\s+)?"
    r"(in|of)\s+this|confidentiality|disclaimer|sekretess|konfidentiell|denne\s+e-?mail"
    r"|denne\s+e-?post|dette\s+(?:e-?mail|e-?post|budskab)|tämä\s+(?:sähköposti|viesti)"
    r"|diese\s+(?:e-?mail|nachricht)|ce\s+(?:message|courriel|e-?mail)|les\s+informations"
    r"|dit\s+(?:e-?mail|bericht)|de\s+informatie|questo\s+(?:messaggio|e-?mail)"
    r"|le\s+informazioni|este\s+(?:mensaje|correo)|la\s+información|ta\s+wiadomość"
    r"|niniejsza\s+wiadomość|informacje\s+zawarte|avertissement|vertraulich|aviso\s+legal"
    r"|avviso|haftungsausschluss|behandling\s+af\s+personoplysninger)",
    re.IGNORECASE,
)
_DISCLAIMER_WORDS = re.compile(
    r"konfidentiell|sekretess|personuppgift|dataskydd|gdpr|avsedd|av\s+misstag"
    r"|felaktig\s+mottagare|confidential|privileged|intended|recipient|in\s+error"
    r"|personal\s+data|fortrolig|personoplysninger|personopplysninger|luottamuksellinen"
    r"|ved\s+en\s+fejl|ved\s+en\s+feil|ved\s+feil|virheellisesti|väärälle"
    r"|henkilötie|vertraulich|empfänger|irrtümlich|datenschutz|confidentiel|destinataire"
    r"|par\s+erreur|données\s+personnelles|vertrouwelijk|geadresseerde|per\s+vergissing"
    r"|persoonsgegevens|riservat|destinatario|per\s+errore|dati\s+personali|confidencial"
    r"|por\s+error|datos\s+personales|poufn|adresat|omyłk|dane\s+osobowe|rodo",
    re.IGNORECASE,
)
_LIST_FOOTER = re.compile(
    r"mailing\s+list|listinfo|unsubscribe|avregistrera|e-postlista|sändlista|abmelden"
    r"|désinscri|afmelden|you\s+received\s+this\s+message\s+because",
    re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 10
_SIGNATURE_WIDTH = 120  # "Stadsledningskontoret, Avdelningen för …, Hantverkargatan 3D"


def _short(line: str) -> str:
    """Patterns only see short lines; a long one is never a greeting, closing or footer."""
    return line if len(line) <= _SHORT else ""


def is_greeting(line: str) -> bool:
    """A salutation standing alone: "Hej!", "Hej Anna,", "Hi,", "God morgon,", "Dear Sir,"."""
    return bool(_GREETING.match(_short(line)))


def is_footer_line(line: str) -> bool:
    """A mobile or app footer, the whole line: "Skickat från min iPhone", "Get Outlook for iOS"."""
    return bool(_SENT_FROM.match(_LINK.sub("", _short(line))))


# The organisation's gateway puts a warning on top of mail from outside; nobody wrote it.
_BANNER = re.compile(
    r"^[ \t]*\[?(?:caution|warning|external|extern|externt|extern\s+avsändare|varning|obs"
    r"|achtung|attention|attenzione|atención|uwaga|advarsel|varoitus)\b.{0,300}?\b(?:outside"
    r"|utanför|external|extern\w*|extérieur|außerhalb|ausserhalb|buiten|esterno|esterna"
    r"|externo|fuera|spoza|zewnątrz|udenfor|utenfor|ulkopuol\w*)\b",
    re.IGNORECASE,
)


# ... and it always warns about links or attachments; a contact's "Varning: …" does not.
_BANNER_ADVICE = re.compile(
    r"\b(?:klicka|click|länk\w*|link\w*|bilag\w*|attachment\w*|anhäng\w*|anh[äa]ng\w*"
    r"|liens?|pièces?\s+jointes?|koppeling\w*|bijlage\w*|collegament\w*|allegat\w*"
    r"|enlaces?|adjuntos?|link[óo]w|załącznik\w*|klikk|vedlegg\w*|linkk\w*|liitt\w*)\b",
    re.IGNORECASE,
)


def strip_banner(lines: list[str]) -> list[str]:
    """Drop an "external sender" warning that stands alone as the first paragraph."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines
    end = first
    while end < len(lines) and lines[end].strip() and end - first < 4:
        end += 1
    paragraph = " ".join(lines[first:end])[:1000]
    if not (_BANNER.match(paragraph) and _BANNER_ADVICE.search(paragraph)):
        return lines
    rest = lines[end:]
    return rest if any(line.strip() for line in rest) else lines


def strip_greeting(lines: list[str], alone: bool = False) -> list[str]:
    """Drop a salutation alone on the first line, when something else follows it.

    With alone=True also when nothing follows: the text above a whole-form reply's markers.
    """
    for _ in range(2):  # "Dear Team,\n\nHello\n\n…": both are the greeting
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or not is_greeting(lines[first]):
            return lines
        rest = lines[first + 1 :]
        if not alone and not any(line.strip() for line in rest):
            return lines
        lines = rest
    return lines


def strip_tail(lines: list[str], from_name: str = "", from_address: str = "",
               more_above: bool = False) -> list[str]:
    """Cut trailing quote leftovers, disclaimers and signatures until nothing more goes.

    more_above: the contact wrote more above these lines (a sign-off alone is then a sign-off).
    """
    head_len = max(0, len(lines) - TAIL_WINDOW)
    head, tail = lines[:head_len], lines[head_len:]
    for _ in range(12):  # each round cuts something; a tail is never longer than this
        before = len(tail)
        tail = _drop_trailing_noise(tail)
        for cut in (_sent_from, _sig_dashes, _list_footer, _disclaimer, _closing, _name_block):
            at = cut(tail, from_name, more_above or bool(head))
            if at is not None:
                tail = tail[:at]
                break
        if len(tail) == before:
            break
    return _drop_trailing_noise(head + tail)


def strip_ends(lines: list[str], from_name: str = "", from_address: str = "",
               alone: bool = False) -> list[str]:
    """Greeting on top and tail below removed: what the whole-form reader needs per piece."""
    return strip_tail(strip_greeting(lines, alone), from_name, from_address)


def _drop_trailing_noise(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")
                   or _RULE.match(_short(lines[end - 1]))):
        end -= 1
    return lines[:end]


def _short_block(lines: list[str], notices: bool = False) -> bool:
    """Could these lines be a signature: a few short lines of name, title, phone, address.

    With notices, long paragraphs that read as a legal or data-protection notice may follow
    too (below a closing, never on their own: an answer may well be about personal data).
    """
    filled = [line for line in lines if line.strip()]
    if notices:
        filled = [line for line in filled if len(line) <= _SIGNATURE_WIDTH or not _notice(line)]
    return len(filled) <= _MAX_SIGNATURE_LINES and all(
        len(line) <= _SIGNATURE_WIDTH for line in filled)


def _notice(text: str) -> bool:
    return len({m.group(0).casefold()[:6] for m in _DISCLAIMER_WORDS.finditer(text[:2000])}) >= 2


def _sent_from(lines: list[str], _name: str, _more_above: bool) -> int | None:
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if is_footer_line(lines[i]) and _short_block(lines[i + 1 :]):
            return i
    return None


def _sig_dashes(lines: list[str], _name: str, _more_above: bool) -> int | None:
    return next((i for i, line in enumerate(lines) if _SIG_DASHES.match(line)), None)


def _list_footer(lines: list[str], _name: str, _more_above: bool) -> int | None:
    """A mailing list's footer: a rule, then a few lines naming the list or how to leave it."""
    for i, line in enumerate(lines):
        if _RULE.match(_short(line)) and len(lines) - i <= 8 \
                and _LIST_FOOTER.search(" ".join(lines[i + 1 :])):
            return i
    return None


def _disclaimer(lines: list[str], _name: str, _more_above: bool) -> int | None:
    for i, line in enumerate(lines):
        if not _DISCLAIMER_START.match(line[:_SHORT]):
            continue
        paragraph = []
        for following in lines[i : i + 40]:
            if not following.strip():
                break
            paragraph.append(following)
        # Two different signs: "This message confirms the intended plan" is an answer.
        if _notice(" ".join(paragraph)):
            return i
    return None


# Thanks may begin an answer ("Tack!\nVi har …"): with nothing above, it is not a sign-off.
_THANKS = re.compile(
    r"^[ \t]*(?:tack|tak|takk|kiitos|thanks|thank\s+you|many\s+thanks|danke|vielen\s+dank"
    r"|merci|bedankt|grazie|gracias|muchas\s+gracias|dziękuję|dzięki)\b",
    re.IGNORECASE,
)


def _closing(lines: list[str], _name: str, more_above: bool) -> int | None:
    filled_after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        filled_after[i] = filled_after[i + 1] + bool(lines[i].strip())
    for i, line in enumerate(lines):
        # At the very top only with a name block below: "Tack!" alone is an answer, not a sign-off.
        on_top = not more_above and filled_after[0] == filled_after[i]
        signed = not on_top or (filled_after[1] > 0 and not _THANKS.match(line))
        closing = _CLOSING.match(_short(line)) or (i > 0 and _SLASH_NAME.match(_short(line)))
        if signed and closing and filled_after[i + 1] <= _MAX_SIGNATURE_LINES + 4 \
                and _short_block(lines[i + 1 :], notices=True) and _signs_off(line, lines[i + 1 :]):
            return i
    return None


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-•*–]\s|\d{1,2}[.)]\s)")
_NAME_LINE = re.compile(rf"^[ \t]*{_NAME}(?:[ \t]{{1,3}}(?:{_NAME}|{_PARTICLE})){{0,3}}[ \t]*$")


def _signs_off(line: str, below: list[str]) -> bool:
    """What follows a closing is a signature, not more answer: never a list; after "Tack!"
    or "Thanks" (which may stand inside an answer) only a name, or nothing."""
    following = next((x for x in below if x.strip()), None)
    if following is None:
        return True
    if _LIST_ITEM.match(following):
        return False
    return not _THANKS.match(line) or bool(_NAME_LINE.match(following) or
                                           _SLASH_NAME.match(following))


def _name_block(lines: list[str], name: str, _more_above: bool) -> int | None:
    """A signature that starts with the sender's name (or '/Kim') and runs to the end."""
    names = _name_forms(name)
    if not names:
        return None
    for i, line in enumerate(lines):
        if len(lines) - i > _MAX_SIGNATURE_LINES + 4:
            continue
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
