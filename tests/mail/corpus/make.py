"""Writes the development corpus of replies: one NNN-<client>-<lang>-<style>.eml and .txt each.

    .venv/bin/python tests/mail/corpus/make.py

The .txt is the answer the contact meant (what the reader must give, exactly). Each mail is
built the way its client builds a reply: the client's attribution or header block in the
contact's language, its quoting ('>' or none), its HTML (Outlook's MsoNormal and divider,
Gmail's gmail_quote, Apple's blockquote type=cite, Thunderbird's moz-cite-prefix), its
footer. The quoted mail is the bot's question (tests/support/mail_samples.py), or a colleague's mail
when the case is about a chain the bot's text is not in. Fictional people at example.se only.
The files are committed; this script documents how they were made and can re-make them.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent.parent)]

from tests.support.mail_samples import QUESTION_EN, QUESTION_SV, TOKEN  # noqa: E402

BOT = f"svar+{TOKEN}@example.se"
BOT_NAME = "Uppföljningen"
SUBJECT_SV = "Fråga 3 av 9: Näringslivsarbetet under perioden"
SUBJECT_EN = "Question 3 of 9: Business matters during the period"
NORDIC = {"sv", "da", "no", "fi"}


@dataclass(frozen=True)
class Lang:
    greeting: str
    answers: tuple[str, ...]
    closing: str
    footer: str
    header: tuple[str, str, str, str]  # Outlook's From, Sent, To, Subject labels
    date: str  # Outlook's date line
    separator: str
    gmail: str  # Gmail's attribution, {n} name, {a} address
    apple: str
    thunderbird: str
    remark: str  # a remark the contact adds, which stays ("Ursäkta sent svar")
    disclaimer: str = ""


L: dict[str, Lang] = {
    "sv": Lang(
        "Hej!",
        ("Vi har haft fyra möten med Företagarna och två med Cityföreningen under perioden.",
         "Nämnden har arbetat med tre spår:\n- snabbare serveringstillstånd\n- en kontaktväg"
         " för företag\n- dialog med fastighetsägare om tomma lokaler\n\nResultatet följs upp"
         " i tertialrapport 2.",
         "Inga nya insatser i år; planen från våren gäller.\n\nSe också ”Handlingsplan för"
         " näringslivet”, dnr NO 2023/123."),
        "Med vänlig hälsning\nLena Larsson\nEnhetschef, Norrmalms stadsdelsförvaltning\n"
        "Telefon 08-000 000 00", "Skickat från min iPhone",
        ("Från", "Skickat", "Till", "Ämne"), "den 3 oktober 2023 10:15",
        "-----Ursprungligt meddelande-----",
        "Den tis 3 okt. 2023 kl 10:15 skrev {n} <{a}>:",
        "3 okt. 2023 kl. 10:15 skrev {n} <{a}>:",
        "Den 2023-10-03 kl. 10:15, skrev {n}:",
        "Ursäkta sent svar.",
        "Detta e-postmeddelande kan innehålla konfidentiell information. Om du har fått det av"
        " misstag, meddela avsändaren och radera det.\nNär du skickar e-post till oss behandlar"
        " vi dina personuppgifter enligt dataskyddsförordningen (GDPR)."),
    "da": Lang(
        "Hej Uppföljningen,",
        ("Vi har holdt fire møder med erhvervsforeningen og to med bylauget i perioden.",
         "Udvalget har arbejdet med:\n- hurtigere tilladelser\n- én indgang for virksomheder",
         "Ingen nye tiltag i år; planen fra foråret gælder stadig."),
        "Med venlig hilsen\nMette Hansen\nKontorchef", "Sendt fra min iPhone",
        ("Fra", "Sendt", "Til", "Emne"), "3. oktober 2023 10:15",
        "-----Oprindelig meddelelse-----",
        "Den tir. 3. okt. 2023 kl. 10.15 skrev {n} <{a}>:",
        "Den 3. okt. 2023 kl. 10.15 skrev {n} <{a}>:",
        "Den 03.10.2023 kl. 10.15 skrev {n}:",
        "Undskyld det sene svar.",
        "Denne e-mail kan indeholde fortrolige oplysninger. Hvis du har modtaget den ved en"
        " fejl, bedes du slette den."),
    "no": Lang(
        "Hei,",
        ("Vi har hatt fire møter med næringsforeningen og to med byforeningen i perioden.",
         "Utvalget har jobbet med:\n- raskere skjenkebevilling\n- én kontaktvei for bedrifter",
         "Ingen nye tiltak i år; planen fra våren gjelder fortsatt."),
        "Vennlig hilsen\nOla Nordmann\nRådgiver", "Sendt fra min iPhone",
        ("Fra", "Sendt", "Til", "Emne"), "tirsdag 3. oktober 2023 10:15",
        "-----Opprinnelig melding-----",
        "tir. 3. okt. 2023 kl. 10:15 skrev {n} <{a}>:",
        "3. okt. 2023 kl. 10:15 skrev {n} <{a}>:",
        "Den 03.10.2023 10:15, skrev {n}:",
        "Beklager sent svar."),
    "fi": Lang(
        "Hei!",
        ("Lautakunta on tavannut yrittäjäjärjestöä neljä kertaa kauden aikana.",
         "Olemme keskittyneet kolmeen asiaan:\n- nopeammat luvat\n- yksi yhteyspiste yrityksille"
         "\n- vuoropuhelu kiinteistönomistajien kanssa",
         "Ei uusia toimia tänä vuonna; kevään suunnitelma on voimassa."),
        "Ystävällisin terveisin\nAnna Virtanen\nSuunnittelija", "Lähetetty iPhonesta",
        ("Lähettäjä", "Lähetetty", "Vastaanottaja", "Aihe"), "tiistai 3. lokakuuta 2023 10.15",
        "-----Alkuperäinen viesti-----",
        "ti 3.10.2023 klo 10.15 {n} ({a}) kirjoitti:",
        "3.10.2023 kello 10.15, {n} <{a}> kirjoitti:",
        "{n} kirjoitti 3.10.2023 klo 10.15:",
        "Pahoittelen myöhäistä vastausta."),
    "en": Lang(
        "Hi,",
        ("We held four meetings with the business association and two with the city centre"
         " group.",
         "The main results were:\n1. Faster permits – now 14 days on average.\n2. A single"
         " point of contact for companies.\n\nWe’ll follow up in the second report.",
         "Nothing new this period; the spring plan still applies."),
        "Best regards,\nSam Taylor\nBusiness Liaison Officer\n+46 8 000 000 00",
        "Sent from my iPhone",
        ("From", "Sent", "To", "Subject"), "Tuesday, October 3, 2023 10:15 AM",
        "-----Original Message-----",
        "On Tue, 3 Oct 2023 at 10:15, {n} <{a}> wrote:",
        "On 3 Oct 2023, at 10:15, {n} <{a}> wrote:",
        "On 03/10/2023 10:15, {n} wrote:",
        "Sorry for the late reply.",
        "This e-mail and any attachments are confidential and intended solely for the"
        " addressee. If you have received it in error, please notify the sender."),
    "de": Lang(
        "Hallo zusammen,",
        ("Wir hatten vier Treffen mit dem Gewerbeverein und zwei mit der Innenstadtinitiative.",
         "Der Ausschuss hat an drei Punkten gearbeitet:\n- schnellere Genehmigungen\n- eine"
         " Anlaufstelle für Firmen\n- Gespräche mit Eigentümern über Leerstand",
         "Keine neuen Maßnahmen in diesem Jahr; der Plan vom Frühjahr gilt weiter."),
        "Mit freundlichen Grüßen\nJonas Becker\nReferent Wirtschaft", "Von meinem iPhone gesendet",
        ("Von", "Gesendet", "An", "Betreff"), "Dienstag, 3. Oktober 2023 10:15",
        "-----Ursprüngliche Nachricht-----",
        "Am Di., 3. Okt. 2023 um 10:15 Uhr schrieb {n} <{a}>:",
        "Am 03.10.2023 um 10:15 schrieb {n} <{a}>:",
        "Am 03.10.23 um 10:15 schrieb {n}:",
        "Entschuldigung für die späte Antwort.",
        "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige"
        " Empfänger sind, informieren Sie bitte den Absender."),
    "fr": Lang(
        "Bonjour,",
        ("Nous avons tenu quatre réunions avec l’association des commerçants.",
         "Le comité a travaillé sur :\n- des permis plus rapides\n- un guichet unique pour les"
         " entreprises",
         "Rien de nouveau cette année ; le plan du printemps s’applique toujours."),
        "Cordialement,\nClaire Martin\nChargée de mission", "Envoyé de mon iPhone",
        ("De", "Envoyé", "À", "Objet"), "mardi 3 octobre 2023 10:15",
        "-----Message d'origine-----",
        "Le mar. 3 oct. 2023 à 10:15, {n} <{a}> a écrit :",
        "Le 3 oct. 2023 à 10:15, {n} <{a}> a écrit :",
        "Le 03/10/2023 à 10:15, {n} a écrit :",
        "Désolée pour la réponse tardive.",
        "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement au"
        " destinataire. Si vous l’avez reçu par erreur, merci de le supprimer."),
    "nl": Lang(
        "Beste allemaal,",
        ("We hebben vier keer overlegd met de ondernemersvereniging.",
         "De commissie werkte aan:\n- snellere vergunningen\n- één loket voor bedrijven",
         "Niets nieuws dit jaar; het voorjaarsplan blijft gelden."),
        "Met vriendelijke groet,\nDaan de Vries\nBeleidsmedewerker", "Verzonden vanaf mijn iPhone",
        ("Van", "Verzonden", "Aan", "Onderwerp"), "dinsdag 3 oktober 2023 10:15",
        "-----Oorspronkelijk bericht-----",
        "Op di 3 okt 2023 om 10:15 schreef {n} <{a}>:",
        "Op 3 okt. 2023, om 10:15 heeft {n} <{a}> het volgende geschreven:",
        "Op 03-10-2023 om 10:15 schreef {n}:",
        "Sorry voor het late antwoord.",
        "Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde."),
    "it": Lang(
        "Buongiorno,",
        ("Abbiamo tenuto quattro incontri con l’associazione dei commercianti.",
         "Il comitato ha lavorato su:\n- permessi più rapidi\n- uno sportello unico per le"
         " imprese",
         "Nessuna novità quest’anno; vale ancora il piano di primavera."),
        "Cordiali saluti\nGiulia Rossi\nFunzionaria", "Inviato da iPhone",
        ("Da", "Inviato", "A", "Oggetto"), "martedì 3 ottobre 2023 10:15",
        "-----Messaggio originale-----",
        "Il giorno mar 3 ott 2023 alle ore 10:15 {n} <{a}> ha scritto:",
        "Il giorno 3 ott 2023, alle ore 10:15, {n} <{a}> ha scritto:",
        "Il 03/10/2023 10:15, {n} ha scritto:",
        "Scusate il ritardo."),
    "es": Lang(
        "Hola,",
        ("Hemos celebrado cuatro reuniones con la asociación de comerciantes.",
         "El comité ha trabajado en:\n- permisos más rápidos\n- una ventanilla única para"
         " empresas",
         "Nada nuevo este año; sigue vigente el plan de primavera."),
        "Saludos cordiales,\nLucía García\nTécnica de desarrollo local",
        "Enviado desde mi iPhone",
        ("De", "Enviado el", "Para", "Asunto"), "martes, 3 de octubre de 2023 10:15",
        "-----Mensaje original-----",
        "El mar, 3 oct 2023 a las 10:15, {n} (<{a}>) escribió:",
        "El 3 oct 2023, a las 10:15, {n} <{a}> escribió:",
        "El 3/10/23 a las 10:15, {n} escribió:",
        "Perdón por la demora."),
    "pl": Lang(
        "Dzień dobry,",
        ("Odbyliśmy cztery spotkania ze stowarzyszeniem przedsiębiorców.",
         "Komisja pracowała nad:\n- szybszymi pozwoleniami\n- jednym punktem kontaktowym",
         "W tym roku nic nowego; obowiązuje plan wiosenny."),
        "Pozdrawiam\nPiotr Nowak\nSpecjalista ds. rozwoju", "Wysłane z iPhone'a",
        ("Od", "Wysłano", "Do", "Temat"), "wtorek, 3 października 2023 10:15",
        "-----Wiadomość oryginalna-----",
        "wt., 3 paź 2023 o 10:15 {n} <{a}> napisał(a):",
        "Wiadomość napisana przez {n} <{a}> w dniu 03.10.2023, o godz. 10:15:",
        "W dniu 3.10.2023 o 10:15, {n} pisze:",
        "Przepraszam za późną odpowiedź.",
        "Ta wiadomość jest poufna i przeznaczona wyłącznie dla adresata."),
}
CHARSET = {"pl": "iso-8859-2", "de": "iso-8859-15", "fr": "windows-1252", "da": "iso-8859-1",
           "sv": "windows-1252", "nl": "iso-8859-1", "it": "windows-1252", "es": "iso-8859-1",
           "no": "iso-8859-1", "fi": "iso-8859-15", "en": "windows-1252"}


@dataclass
class Case:
    name: str
    lang: str
    expected: str
    text: str | None = None  # the text/plain part, None for HTML-only
    html: str | None = None
    charset: str = "utf-8"
    cte: str = "quoted-printable"
    flowed: bool = False
    sender: tuple[str, str] = ("Kim Exempelsson", "kim.exempelsson@example.se")
    extra_headers: dict[str, str] = field(default_factory=dict)


def question(lang: str) -> str:
    return QUESTION_SV if lang in NORDIC else QUESTION_EN


def subject(lang: str) -> str:
    return SUBJECT_SV if lang in NORDIC else SUBJECT_EN


def quoted(text: str, width: int | None = None) -> str:
    """'>' quoting; with width, long lines rewrapped as Gmail and Thunderbird do."""
    out = []
    for line in text.split("\n"):
        if width and len(line) > width:
            words, cur = line.split(" "), ""
            for word in words:
                if cur and len(cur) + 1 + len(word) > width:
                    out.append(f"> {cur}")
                    cur = word
                else:
                    cur = f"{cur} {word}".strip()
            out.append(f"> {cur}")
        else:
            out.append(f"> {line}".rstrip())
    return "\n".join(out)


def outlook_headers(lang: str, plain_sender: bool = False) -> str:
    f, s, t, subj = L[lang].header
    sender = BOT_NAME if plain_sender else f"{BOT_NAME} <{BOT}>"
    return (f"{f}: {sender}\n{s}: {L[lang].date}\n{t}: Kim Exempelsson"
            f" <kim.exempelsson@example.se>\n{subj}: {subject(lang)}")


def join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def sig(lang: str, n: int) -> str:
    """Closing, signature, and now and then a footer or disclaimer after it."""
    lang_ = L[lang]
    choice = n % 4
    if choice == 0:
        return lang_.closing
    if choice == 1:
        return join(lang_.closing, lang_.disclaimer)
    if choice == 2:
        return lang_.closing.split("\n")[0] + "\n" + lang_.closing.split("\n")[1]
    return join(lang_.closing, lang_.footer)


# HTML renderings: each answer line becomes the client's own markup.
def html_lines(text: str, style: str) -> str:
    out = []
    for line in text.split("\n"):
        esc = html.escape(line, quote=False)
        if style == "mso":
            out.append(f"<p class=MsoNormal>{esc or '<o:p>&nbsp;</o:p>'}<o:p></o:p></p>")
        elif style == "div":
            out.append(f"<div>{esc or '<br>'}</div>")
        else:
            out.append(f"{esc}<br>")
    return "\n".join(out)


def html_doc(body: str) -> str:
    return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html;"
            " charset=utf-8\"><style>p.MsoNormal{margin:0cm;}</style></head>"
            f"<body>{body}</body></html>")


CASES: list[Case] = []


def add(client: str, lang: str, style: str, expected: str, **kw: object) -> None:
    name = f"{len(CASES) + 1:03d}-{client}-{lang}-{style}"
    CASES.append(Case(name=name, lang=lang, expected=expected, **kw))  # type: ignore[arg-type]


def build() -> None:
    langs = list(L)
    for n, lang in enumerate(langs):
        x = L[lang]
        answer = x.answers[n % 3]
        # Outlook desktop, multipart: header block in the plain part, the divider in the HTML.
        body = join(x.greeting, answer, sig(lang, n))
        plain = join(body, outlook_headers(lang), question(lang))
        outlook_html = html_doc(
            "<div class=WordSection1>" + html_lines(body, "mso")
            + "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm"
            " 0cm'><p class=MsoNormal>" + "<br>".join(
                f"<b>{html.escape(h.split(':', 1)[0])}:</b>{html.escape(h.split(':', 1)[1])}"
                for h in outlook_headers(lang).split("\n")) + "</p></div>"
            + html_lines(question(lang), "mso") + "</div>")
        add("outlook", lang, "top", answer, text=plain, html=outlook_html,
            charset=CHARSET[lang])
        # Older Outlook, plain only: "-----Original Message-----" in the client's language.
        body = join(x.remark + " " + answer if n % 2 else answer, x.closing.split("\n")[0])
        expected = x.remark + " " + answer if n % 2 else answer
        plain = join(body, x.separator + "\n" + outlook_headers(lang, plain_sender=True),
                     question(lang))
        add("outlook2010", lang, "top", expected, text=plain, charset=CHARSET[lang],
            cte="8bit")
        # Gmail, multipart: attribution and '>' quote, the plain part rewrapped at 76.
        body = join(x.greeting, answer, x.closing.split("\n")[0] + "\n" + "Kim")
        attribution = x.gmail.format(n=BOT_NAME, a=BOT)
        plain = join(body, attribution, quoted(question(lang), 76))
        gmail_html = (
            f"<div dir=\"ltr\">{html_lines(body, 'div')}</div><br><div class=\"gmail_quote\">"
            f"<div dir=\"ltr\" class=\"gmail_attr\">{html.escape(attribution)}<br></div>"
            "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px"
            f" solid rgb(204,204,204);padding-left:1ex\">{html_lines(question(lang), 'br')}"
            "</blockquote></div>")
        add("gmail", lang, "top", answer, text=plain, html=gmail_html)
        # Thunderbird, bottom-posted, format=flowed.
        body = join(answer, "-- \nKim Exempelsson")
        attribution = x.thunderbird.format(n=BOT_NAME)
        plain = join(attribution, quoted(question(lang), 72), body)
        add("thunderbird", lang, "bottom", answer, text=plain, charset=CHARSET[lang],
            flowed=True)
    for n, lang in enumerate(["sv", "en", "de", "fr", "nl", "da", "it", "es"]):
        x = L[lang]
        answer = x.answers[(n + 1) % 3]
        # Apple Mail, multipart: the attribution inside the blockquote in HTML.
        body = join(x.greeting, answer, x.closing.split("\n")[0] + "\nKim")
        attribution = x.apple.format(n=BOT_NAME, a=BOT)
        plain = join(body, quoted(attribution), quoted(question(lang)))
        apple_html = html_doc(
            f"{html_lines(body, 'div')}<div><br><blockquote type=\"cite\"><div>"
            f"{html.escape(attribution)}</div><br class=\"Apple-interchange-newline\"><div>"
            f"<div>{html_lines(question(lang), 'br')}</div></div></blockquote></div>")
        add("applemail", lang, "top", answer, text=plain, html=apple_html,
            charset="utf-8", cte="base64" if n % 2 else "quoted-printable")
        # Outlook on the web, HTML only: appendonsend, the hr and divRplyFwdMsg.
        body = join(x.greeting, answer, x.closing)
        f, s, t, subj = x.header
        owa = html_doc(
            f"<div style=\"font-family:Calibri\">{html_lines(body, 'div')}</div>"
            "<div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%\""
            " tabindex=\"-1\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\">"
            f"<b>{f}:</b> {BOT_NAME} &lt;{BOT}&gt;<br><b>{s}:</b> {x.date}<br><b>{t}:</b>"
            f" Kim Exempelsson<br><b>{subj}:</b> {html.escape(subject(lang))}</font><div>"
            f"&nbsp;</div></div><div>{html_lines(question(lang), 'div')}</div>")
        add("owa", lang, "htmlonly", answer, html=owa, charset=CHARSET[lang])
    for n, lang in enumerate(["sv", "en", "de", "fi", "no", "pl"]):
        x = L[lang]
        answer = x.answers[(n + 2) % 3]
        # iOS Mail: phone footer, attribution, '>' quote.
        body = join(answer, x.footer)
        attribution = x.apple.format(n=BOT_NAME, a=BOT)
        plain = join(body, attribution, quoted(question(lang)))
        add("iosmail", lang, "top", answer, text=plain)
        # Outlook for iOS / Android: "Get Outlook for iOS" above a header block.
        footer = {"sv": "Hämta Outlook för iOS", "en": "Get Outlook for Android",
                  "de": "Outlook für iOS beziehen", "fi": "Lataa Outlook for iOS",
                  "no": "Få Outlook for iOS", "pl": "Pobierz aplikację Outlook dla systemu iOS"
                  }[lang]
        body = join(x.greeting, answer, footer)
        plain = join(body, "________________________________\n" + outlook_headers(lang),
                     question(lang))
        add("outlookmobile", lang, "top", answer, text=plain)
    for n, lang in enumerate(["sv", "en", "de", "da"]):
        x = L[lang]
        answer = x.answers[n % 3]
        # Gmail, bottom-posted below the quote.
        attribution = x.gmail.format(n=BOT_NAME, a=BOT)
        plain = join(attribution, quoted(question(lang), 76), x.greeting + "\n\n" + answer,
                     x.closing.split("\n")[0] + "\nKim")
        add("gmail", lang, "bottom", answer, text=plain)
        # Samsung Email: its separator and a header block in the contact's language.
        sep = {"sv": "-------- Originalmeddelande --------",
               "en": "-------- Original message --------",
               "de": "-------- Ursprüngliche Nachricht --------",
               "da": "-------- Oprindelig meddelelse --------"}[lang]
        f, s, t, subj = x.header
        samsung = {"sv": "Skickat från min Samsung Galaxy-smarttelefon.",
                   "en": "Sent from my Galaxy", "de": "Von meinem Samsung Galaxy gesendet",
                   "da": "Sendt fra min Galaxy"}[lang]
        heads = (f"{f}: {BOT_NAME} <{BOT}>\n{'Datum' if lang in ('sv', 'de') else 'Date'}:"
                 f" 2023-10-03 10:15 (GMT+01:00)\n{t}: kim.exempelsson@example.se\n{subj}:"
                 f" {subject(lang)}")
        plain = join(answer, samsung, sep + "\n" + heads, question(lang))
        add("samsung", lang, "top", answer, text=plain)
    inline_cases()
    special_cases()
    harder_cases()
    everyday_cases()
    gateway_cases()


def inline_cases() -> None:
    """Answers written between our quoted lines: the quote between them stays."""
    q_sv = QUESTION_SV.split("\n")
    q_en = QUESTION_EN.split("\n")
    for n, (client, lang) in enumerate([("gmail", "sv"), ("thunderbird", "en"),
                                        ("mutt", "en"), ("gmail", "de"), ("roundcube", "sv"),
                                        ("applemail", "fr")]):
        x = L[lang]
        q = q_sv if lang in NORDIC else q_en
        attribution = (x.gmail if client == "gmail" else x.thunderbird).format(n=BOT_NAME,
                                                                            a=BOT)
        if client == "mutt":
            attribution = f"On Tue, Oct 03, 2023 at 10:15:00AM +0200, {BOT_NAME} wrote:"
        if client == "roundcube":
            attribution = f"Den 2023-10-03 10:15, skrev {BOT_NAME}:"
        own1 = {"sv": "Se mina svar i texten nedan.", "en": "See my answers below.",
                "de": "Meine Antworten stehen unten im Text.",
                "fr": "Voir mes réponses ci-dessous."}[lang]
        own2 = x.answers[n % 3]
        own3 = {"sv": "Och det här mejlet svarar jag gärna på igen i december.",
                "en": "Happy to answer this mail again in December.",
                "de": "Im Dezember antworte ich gern wieder.",
                "fr": "Je répondrai volontiers en décembre."}[lang]
        block1 = quoted("\n".join(q[:3]))
        block2 = quoted("\n".join(q[3:5]))
        rest = quoted("\n".join(q[5:]))
        greeting = x.greeting + "\n\n" if n % 2 == 0 else ""
        plain = (f"{greeting}{own1}\n\n{attribution}\n{block1}\n\n{own2}\n\n{block2}\n\n{own3}"
                 f"\n\n{rest}\n\n{x.closing.split(chr(10))[0]}\nKim\n")
        expected = f"{own1}\n\n{block1}\n\n{own2}\n\n{block2}\n\n{own3}"
        add(client, lang, "inline", expected, text=plain)
    # Point by point under the question, nothing on top: the first quote is above the answer.
    for lang in ("sv", "en", "nl"):
        x = L[lang]
        q = QUESTION_SV.split("\n") if lang in NORDIC else QUESTION_EN.split("\n")
        attribution = x.gmail.format(n=BOT_NAME, a=BOT)
        a1, a2 = x.answers[0], x.answers[2]
        plain = (f"{attribution}\n{quoted(chr(10).join(q[:3]))}\n{a1}\n\n"
                 f"{quoted(chr(10).join(q[3:5]))}\n{a2}\n\n{quoted(chr(10).join(q[5:]))}\n")
        expected = f"{a1}\n\n{quoted(chr(10).join(q[3:5]))}\n{a2}"
        add("gmail", lang, "inline-bottom", expected, text=plain)


def special_cases() -> None:
    sv, en = L["sv"], L["en"]
    q = QUESTION_SV
    # No quote at all.
    for lang in ("sv", "en", "de", "pl", "it"):
        x = L[lang]
        add("plain", lang, "noquote", x.answers[1], text=join(x.greeting, x.answers[1],
                                                              x.closing))
    # Only the quote: nothing to take.
    for lang in ("sv", "en"):
        x = L[lang]
        add("gmail", lang, "onlyquote", "", text=join(
            x.gmail.format(n=BOT_NAME, a=BOT), quoted(question(lang))))
    add("outlook", "sv", "onlyquote", "", text=join(sv.footer, outlook_headers("sv"), q))
    # Answers that look like quote headers stay whole.
    look = ("Från: kommunstyrelsens beslut 2023-09-14\nTill: samtliga nämnder\n\nNämnden har"
            " genomfört uppdraget.")
    add("outlook", "sv", "lookalike", look, text=join(look, outlook_headers("sv"), q))
    look2 = "Den 3 oktober skrev nämnden till Företagarna:\n\n”Vi fortsätter samarbetet.”"
    add("gmail", "sv", "lookalike", look2, text=join(
        look2, sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q)))
    look3 = "On Monday we wrote to the council:\nthe plan is ready."
    add("gmail", "en", "lookalike", look3, text=join(
        look3, en.gmail.format(n=BOT_NAME, a=BOT), quoted(QUESTION_EN)))
    # A footer-like sentence that is an answer.
    desk = "We work from home twice a week.\nSent from my desk, which is easier"
    add("iosmail", "en", "footerlike", desk, text=join(
        desk, en.footer, en.apple.format(n=BOT_NAME, a=BOT), quoted(QUESTION_EN)))
    add("gmail", "sv", "thanks", "Tack!", text=join(
        "Tack!", sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q)))
    # Wrapped attributions (Gmail wraps the address, or the word "wrote").
    add("gmail", "sv", "wrapped", sv.answers[0], text=join(
        sv.answers[0], f"Den tis 3 okt. 2023 kl 10:15 skrev {BOT_NAME} <\n{BOT}>:",
        quoted(q, 76)))
    add("gmail", "en", "wrapped", en.answers[0], text=join(
        en.answers[0], f"On Tue, 3 Oct 2023 at 10:15, {BOT_NAME} <{BOT}>\nwrote:",
        quoted(QUESTION_EN, 76)))
    add("gmail", "de", "wrapped3", L["de"].answers[0], text=join(
        L["de"].answers[0], f"Am Di., 3. Okt. 2023 um 10:15 Uhr schrieb\n{BOT_NAME}\n<{BOT}>:",
        quoted(QUESTION_EN)))
    # No colon, and the time run into the name.
    add("yahoo", "en", "nocolon", en.answers[2], text=join(
        en.answers[2], f"On Tuesday, October 3, 2023, 10:15:00 AM GMT+2, {BOT_NAME} <{BOT}>"
        " wrote", quoted(QUESTION_EN)))
    add("iosmail", "sv", "timeinname", sv.answers[0], text=join(
        sv.answers[0], sv.footer, f"3 okt. 2023 kl. 10:15Anna Andersson <{BOT}> skrev:",
        quoted(q)))
    add("iosmail", "da", "timeinname", L["da"].answers[0], text=join(
        L["da"].answers[0], f"3. okt. 2023 kl. 10.15Anna Andersson <{BOT}> skrev:", quoted(q)))
    # Yahoo's plain part leaves the quote unmarked below its attribution.
    for lang in ("en", "fr"):
        x = L[lang]
        att = {"en": f"On Tuesday, October 3, 2023, 10:15:00 AM GMT+2, {BOT_NAME} <{BOT}>"
                     " wrote:",
               "fr": f"Le mardi 3 octobre 2023 à 10:15:00 UTC+2, {BOT_NAME} <{BOT}> a"
                     " écrit :"}[lang]
        add("yahoo", lang, "unmarked", x.answers[0], text=join(
            x.greeting, x.answers[0], x.closing, att, question(lang)))
    # Proton Mail: separator, then attribution and '>' quote.
    add("protonmail", "en", "top", en.answers[1], text=join(
        en.answers[1], "Sent with Proton Mail secure email.",
        "------- Original Message -------\nOn Tuesday, October 3rd, 2023 at 10:15,"
        f" {BOT_NAME} <{BOT}> wrote:", quoted(QUESTION_EN)))
    add("protonmail", "de", "top", L["de"].answers[2], text=join(
        L["de"].answers[2], "Gesendet mit der sicheren E-Mail von Proton Mail.",
        "------- Original Message -------\nAm Dienstag, 3. Oktober 2023 um 10:15 schrieb"
        f" {BOT_NAME} <{BOT}>:", quoted(QUESTION_EN)))
    # GMX / web.de: the header block starts with the date.
    for lang, ans in (("de", L["de"].answers[0]), ("de", L["de"].answers[1])):
        add("webde", lang, "top", ans, text=join(
            ans, "Viele Grüße\nJonas",
            f"Gesendet: Dienstag, 03. Oktober 2023 um 10:15 Uhr\nVon: \"{BOT_NAME}\" <{BOT}>\n"
            "An: kim.exempelsson@example.se\nBetreff: " + SUBJECT_EN, QUESTION_EN))
    # Zimbra: dashes with spaces, fields in another order.
    add("zimbra", "sv", "top", sv.answers[2], text=join(
        sv.answers[2], "Hälsningar\nKim",
        f"----- Ursprungligt meddelande -----\nFrån: \"{BOT_NAME}\" <{BOT}>\nTill: \"Kim"
        f" Exempelsson\" <kim.exempelsson@example.se>\nSkickat: tisdag, 3 okt 2023 10:15:00"
        f"\nÄmne: {SUBJECT_SV}", q))
    add("zimbra", "fr", "top", L["fr"].answers[0], text=join(
        L["fr"].answers[0], "Bien à vous,\nClaire",
        f"----- Mail original -----\nDe: \"{BOT_NAME}\" <{BOT}>\nÀ: \"Kim Exempelsson\""
        f" <kim.exempelsson@example.se>\nEnvoyé: Mardi 3 Octobre 2023 10:15:00\nObjet:"
        f" {SUBJECT_EN}", QUESTION_EN))
    # A colleague's mail in between: our text is further down or not there at all.
    colleague = ("Hej Kim,\n\nHär är texten till uppföljningen, skicka gärna vidare.\n\n"
                 "/Per")
    add("outlook", "sv", "colleague", sv.answers[0], text=join(
        sv.answers[0], sv.closing,
        "Från: Per Persson <per.persson@example.se>\nSkickat: den 4 oktober 2023 09:00\n"
        "Till: Kim Exempelsson <kim.exempelsson@example.se>\nÄmne: SV: " + SUBJECT_SV,
        colleague, outlook_headers("sv"), q))
    add("gmail", "en", "colleague-no-ours", en.answers[0], text=join(
        en.answers[0], "Cheers,\nKim",
        "On Wed, 4 Oct 2023 at 09:00, Per Persson <per.persson@example.se> wrote:",
        quoted("Hi Kim,\n\nCould you answer the city's question about business matters?"
               "\n\nThanks,\nPer")))
    add("outlook", "de", "forward", L["de"].answers[1], text=join(
        L["de"].answers[1], "Viele Grüße\nJonas", L["de"].separator,
        "Von: Petra Schmidt <petra.schmidt@example.se>\nGesendet: Mittwoch, 4. Oktober 2023"
        " 09:00\nAn: Jonas Becker <jonas.becker@example.se>\nBetreff: WG: " + SUBJECT_EN,
        "Hallo Jonas,\nbitte beantworten.\nPetra"))
    # A mailing list's footer below a bottom-posted answer.
    add("mutt", "en", "list", en.answers[2], text=join(
        f"On Tue, Oct 03, 2023 at 10:15:00AM +0200, {BOT_NAME} wrote:", quoted(QUESTION_EN),
        en.answers[2], "_______________________________________________\nnamnden mailing list"
        "\nnamnden@lists.example.se\nhttps://lists.example.se/mailman/listinfo/namnden"))
    add("googlegroups", "sv", "list", sv.answers[1], text=join(
        sv.answers[1], "-- \nDu har fått det här meddelandet eftersom du prenumererar på"
        " gruppen Nämnden i Google Grupper.", sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q)))
    # Lotus Notes: attribution with the verb in the middle, quote unmarked.
    add("notes", "sv", "top", sv.answers[0], text=join(
        sv.answers[0], "Mvh Kim", f"{BOT_NAME} <{BOT}> skrev 2023-10-03 10:15:", q))
    # Outlook, answers typed inside our unmarked quote.
    qs = QUESTION_SV.split("\n")
    inline = "\n".join(qs[:3] + ["Vi har haft fyra möten med Företagarna under perioden.",
                                 ""] + qs[3:])
    add("outlook", "sv", "inline-unmarked", "Se svar nedan.\n\n" + "\n".join(
        qs[:3] + ["Vi har haft fyra möten med Företagarna under perioden."]),
        text=join("Hej,", "Se svar nedan.", "Mvh Kim", outlook_headers("sv"), inline))
    # Remarks and quotation marks stay; several charsets and encodings.
    for n, (lang, charset, cte) in enumerate([("sv", "windows-1252", "quoted-printable"),
                                              ("pl", "iso-8859-2", "base64"),
                                              ("fi", "utf-8", "8bit"),
                                              ("no", "iso-8859-1", "quoted-printable"),
                                              ("es", "utf-8", "base64"),
                                              ("de", "iso-8859-15", "8bit")]):
        x = L[lang]
        answer = x.remark + "\n\n" + x.answers[n % 3]
        add("gmail", lang, "remark", answer, charset=charset, cte=cte, text=join(
            x.greeting, answer, x.closing, x.gmail.format(n=BOT_NAME, a=BOT),
            quoted(question(lang), 76)))
    # Greetings of several shapes alone on top.
    for n, greeting in enumerate(["Hej Anna,", "God morgon,", "Hej igen!", "Hi Kim,",
                                  "Dear Sir or Madam,", "Sehr geehrte Damen und Herren,",
                                  "Hei hei,", "Moi,", "Ciao a tutti,", "Hola a todos,",
                                  "Cześć,", "Goedemorgen,"]):
        answer = (sv.answers[0], en.answers[0], L["de"].answers[2])[n % 3]
        add("gmail", "sv" if n % 3 == 0 else "en" if n % 3 == 1 else "de", f"greeting{n}",
            answer, text=join(greeting, answer, "Mvh\nKim" if n % 2 else "Best,\nKim",
                              sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q, 76)))
    # A greeting with text on the same line is the contact's text.
    add("gmail", "sv", "greeting-with-text", "Hej, här kommer vårt svar: inget nytt.",
        text=join("Hej, här kommer vårt svar: inget nytt.", "Mvh Kim",
                  sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q)))
    # Closings in every language with only a name below, no other signature.
    for lang in ("da", "no", "fi", "nl", "it", "es", "pl", "fr"):
        x = L[lang]
        closing = x.closing.split("\n")[0]
        add("thunderbird", lang, "closing", x.answers[0], text=join(
            x.answers[0], closing + "\nKim", x.thunderbird.format(n=BOT_NAME),
            quoted(question(lang), 72)))
    # "/Lena" as the whole sign-off, and a disclaimer after the quote (Exchange appends it).
    add("outlook", "sv", "slashname", sv.answers[1], text=join(
        sv.answers[1], "/Lena", outlook_headers("sv"), q))
    add("gmail", "sv", "disclaimer-after-quote", sv.answers[0], text=join(
        sv.answers[0], sv.gmail.format(n=BOT_NAME, a=BOT), quoted(q), sv.disclaimer))


def harder_cases() -> None:
    """Shapes found where other projects' tests look (written anew, with our own people)."""
    sv, en = L["sv"], L["en"]
    # An Android client rewrapped the quote after marking it: broken '>' lines.
    broken = ("> Hej Kim Exempelsson,\n>\n> Fråga 3 av 9: Beskriv hur nämnden har arbetat med"
              " näringslivsfrågor under\nperioden.\n>\n> Svara på det här mejlet. Skriv ditt svar"
              " överst; allt under din text\ntas bort.\n>\n> Med vänlig hälsning")
    add("androidmail", "sv", "brokenwrap", sv.answers[0], text=join(
        sv.answers[0], sv.gmail.format(n=BOT_NAME, a=BOT), broken))
    # Two greetings on top; Outlook's footer with its link.
    add("outlookmobile", "en", "twogreetings", en.answers[1], text=join(
        "Dear Team,", "Hello", en.answers[1], "Get Outlook for iOS<https://aka.ms/o0ukef>",
        outlook_headers("en"), QUESTION_EN))
    # "Kh" and a name; an attribution without a date, the quote left unmarked.
    add("mobile", "da", "kh", L["da"].answers[2], text=join(
        "Hej,", L["da"].answers[2], "Kh\nMette", f"{BOT_NAME} <{BOT}> skrev:", QUESTION_SV))
    add("yahoo", "en", "nodate", en.answers[0], text=join(
        en.answers[0], f"On Tuesday, October 3, 2023, 10:15:00 AM GMT+2, {BOT_NAME} wrote:",
        QUESTION_EN))
    # The attribution's date and name wrapped over two lines, the verb alone on the second.
    add("gmail", "es", "wrapped", L["es"].answers[0], text=join(
        "Hola Uppföljningen,", L["es"].answers[0], "Saludos\nLucía",
        f"El mar, 3 oct 2023 a las 10:15, {BOT_NAME} <{BOT}>\nescribió:", quoted(QUESTION_EN)))
    add("gmail", "it", "wrapped", L["it"].answers[1], text=join(
        "Ciao,", L["it"].answers[1], "Saluti\nGiulia",
        f"Il giorno mar 3 ott 2023 alle ore 10:15 {BOT_NAME} <{BOT}>\nha scritto:",
        quoted(QUESTION_EN)))
    # A greeting with no blank line below it; a sign-off "-Name".
    add("gmail", "sv", "tightgreeting", "Det låter bra.\nVi svarar utförligt i december.",
        text=join("Hej Anna,\nDet låter bra.\nVi svarar utförligt i december.",
                  "-Lena af Klint", sv.gmail.format(n=BOT_NAME, a=BOT), quoted(QUESTION_SV)))


def everyday_cases() -> None:
    """What offices send every day: images in signatures, bilingual closings, HTML only."""
    sv, en, de = L["sv"], L["en"], L["de"]
    cid = ("Med vänlig hälsning\n\nLena Larsson\nEnhetschef\n[cid:image001.png@01D9F5A2.3C4B5E60]"
           "\nNorrmalms stadsdelsförvaltning\nBesöksadress: Exempelgatan 1\nwww.example.se")
    add("outlook", "sv", "cidsignature", sv.answers[1], text=join(
        sv.answers[1], cid, outlook_headers("sv"), QUESTION_SV))
    long_notice = ("Stockholms stad behandlar personuppgifter i enlighet med"
                   " dataskyddsförordningen. Läs mer om hur vi hanterar dina personuppgifter"
                   " och vilka rättigheter du har på stadens webbplats, där du också hittar"
                   " kontaktuppgifter till stadens dataskyddsombud.")
    add("outlook", "sv", "longnotice", sv.answers[0], text=join(
        sv.answers[0], "Mvh Lena", long_notice, outlook_headers("sv"), QUESTION_SV))
    add("outlook", "de", "bilingual", de.answers[0], text=join(
        de.answers[0], "Mit freundlichen Grüßen / Kind regards\nJonas Becker",
        outlook_headers("de"), QUESTION_EN))
    add("outlook", "sv", "bilingual", sv.answers[2], text=join(
        sv.answers[2], "Vänliga hälsningar / Best regards\nLena Larsson",
        outlook_headers("sv"), QUESTION_SV))
    # Outlook for Mac: "Datum:" and "Date:" instead of "Skickat:".
    add("outlookmac", "sv", "top", sv.answers[0], text=join(
        sv.answers[0], "Mvh/Lena", f"Från: {BOT_NAME} <{BOT}>\nDatum: tisdag, 3 oktober 2023"
        " 10:15\nTill: Kim Exempelsson <kim.exempelsson@example.se>\nÄmne: " + SUBJECT_SV,
        QUESTION_SV))
    add("outlookmac", "en", "top", en.answers[2], text=join(
        en.answers[2], "MVH, Sam", f"From: {BOT_NAME} <{BOT}>\nDate: Tuesday, 3 October 2023"
        " at 10:15\nTo: Kim Exempelsson <kim.exempelsson@example.se>\nSubject: " + SUBJECT_EN,
        QUESTION_EN))
    # HTML only from Gmail on a phone, Apple Mail and Thunderbird (bottom-posted).
    attribution = sv.gmail.format(n=BOT_NAME, a=BOT)
    add("gmail", "sv", "htmlonly", sv.answers[1], html=(
        f"<div dir=\"ltr\">{html_lines('Hej!', 'div')}<div><br></div>"
        f"{html_lines(sv.answers[1], 'div')}</div><br><div class=\"gmail_quote\"><div"
        f" dir=\"ltr\" class=\"gmail_attr\">{html.escape(attribution)}<br></div><blockquote"
        f" class=\"gmail_quote\">{html_lines(QUESTION_SV, 'br')}</blockquote></div>"))
    add("applemail", "en", "htmlonly", en.answers[0], html=html_doc(
        f"{html_lines(en.answers[0], 'div')}<div><br></div><div>Best,</div><div>Sam</div><div>"
        f"<br><blockquote type=\"cite\"><div>{html.escape(en.apple.format(n=BOT_NAME, a=BOT))}"
        f"</div><br><div>{html_lines(QUESTION_EN, 'br')}</div></blockquote></div>"),
        charset="utf-8", cte="base64")
    add("thunderbird", "de", "htmlonly-bottom", de.answers[2], html=html_doc(
        f"<div class=\"moz-cite-prefix\">{html.escape(de.thunderbird.format(n=BOT_NAME))}"
        f"<br></div><blockquote type=\"cite\">{html_lines(QUESTION_EN, 'br')}</blockquote>"
        f"<p>{html.escape(de.answers[2])}</p><p>Viele Grüße<br>Jonas</p>"),
        charset="iso-8859-15")
    # Older history quoted twice, answer on top; a remark on its own line under the greeting.
    nested = quoted(join(en.gmail.format(n="Kim Exempelsson", a="kim.exempelsson@example.se"),
                         quoted("Earlier: we will answer after the board meeting.")))
    add("iosmail", "en", "nested", en.answers[1], text=join(
        en.answers[1], en.footer, en.apple.format(n=BOT_NAME, a=BOT), quoted(QUESTION_EN),
        nested))
    add("gmail", "sv", "remarkline", "Ursäkta sent svar!\n" + sv.answers[0], text=join(
        "Hej på er!\nUrsäkta sent svar!\n" + sv.answers[0], "Mvh Lena", attribution,
        quoted(QUESTION_SV, 76)))
    # Footer variants that are whole lines; a sentence mentioning a phone stays.
    add("outlookmobile", "sv", "android", sv.answers[2], text=join(
        sv.answers[2], "Skickat från Outlook för Android", outlook_headers("sv"), QUESTION_SV))
    phone = "Vi skickade rapporten från min telefon i går.\nDen kommer också per post."
    add("gmail", "sv", "phonesentence", phone, text=join(
        phone, "Mvh Lena", attribution, quoted(QUESTION_SV)))
    # A forward to the bot: the contact forwards our question to itself and writes on top.
    add("gmail", "en", "forwarded", en.answers[0], text=join(
        en.answers[0], "---------- Forwarded message ---------\nFrom: " + BOT_NAME
        + f" <{BOT}>\nDate: Tue, 3 Oct 2023 at 10:15\nSubject: {SUBJECT_EN}\nTo: Kim"
        " Exempelsson <kim.exempelsson@example.se>", QUESTION_EN))
    # A list right at the top, and quotation marks of every kind.
    listed = "- fyra möten\n- två nya samarbeten\n\n»Vi fortsätter«, säger ordföranden."
    add("applemail", "sv", "listtop", listed, text=join(
        listed, "Hälsningar\nLena", quoted(sv.apple.format(n=BOT_NAME, a=BOT)),
        quoted(QUESTION_SV)))


def gateway_cases() -> None:
    """Gateways' banners, old attribution styles and bold or reordered header blocks."""
    sv, en, it = L["sv"], L["en"], L["it"]
    banner = ("EXTERN AVSÄNDARE: Det här mejlet kommer från en avsändare utanför organisationen."
              " Klicka inte på länkar om du inte känner igen avsändaren.")
    add("exchange", "sv", "banner", sv.answers[0], text=join(
        banner, "Hej!", sv.answers[0], "Mvh Lena", outlook_headers("sv"), QUESTION_SV))
    add("gmail", "en", "verbless", en.answers[2], text=join(
        en.answers[2], f"2023-10-03 10:15 GMT+02:00 {BOT_NAME} <{BOT}>:", quoted(QUESTION_EN)))
    add("yahoo", "en", "indented", en.answers[0], text=join(
        en.answers[0], f"    On Tuesday, October 3, 2023, 10:15:00 AM CEST, {BOT_NAME}  wrote:",
        QUESTION_EN))
    add("blackberry", "it", "top", it.answers[2], text=join(
        it.answers[2], "Inviato da BlackBerry", it.gmail.format(n=BOT_NAME, a=BOT),
        quoted(QUESTION_EN)))
    add("outlook", "en", "boldheaders", en.answers[1], text=join(
        en.answers[1], f"*From:* {BOT_NAME} [mailto:{BOT}]\n*Sent:* Tuesday, October 3, 2023"
        " 10:15 AM\n*To:* kim.exempelsson@example.se\n*Subject:* " + SUBJECT_EN, QUESTION_EN))
    add("hotmail", "en", "headerorder", en.answers[0], text=join(
        "Hi Uppföljningen,", en.answers[0], "Regards,\nSam", f"From: {BOT}\nSubject: "
        f"{SUBJECT_EN}\nTo: kim.exempelsson@example.se\nDate: Tue, 3 Oct 2023 10:15:00 +0200",
        QUESTION_EN))
    add("gmail", "en", "gluedverb", ":+1:", text=join(
        ":+1:", f"On Tue, Oct 3, 2023 at 10:15 AM, {BOT_NAME}\n<{BOT}>wrote:",
        quoted(QUESTION_EN)))


def write(case: Case) -> None:
    msg = EmailMessage()
    name, address = case.sender
    msg["From"] = f"{name} <{address}>"
    msg["To"] = f"{BOT_NAME} <{BOT}>"
    msg["Subject"] = ("Re: " if case.lang == "en" else "SV: ") + subject(case.lang)
    msg["Date"] = "Wed, 04 Oct 2023 11:30:00 +0200"
    msg["Message-ID"] = f"<{case.name}@corpus.example.se>"
    msg["In-Reply-To"] = f"<q3.{TOKEN}@intake.example.se>"
    for key, value in case.extra_headers.items():
        msg[key] = value
    cte = case.cte
    if case.text is not None:
        params = {"format": "flowed"} if case.flowed else {}
        msg.set_content(case.text, charset=case.charset, cte=cte, params=params)
        if case.html is not None:
            msg.add_alternative(case.html, subtype="html", charset="utf-8",
                                cte="quoted-printable")
            msg.set_boundary(f"==corpus-{case.name}==")  # the same bytes on every re-make
    else:
        assert case.html is not None
        msg.set_content(case.html, subtype="html", charset=case.charset, cte=cte)
    (HERE / f"{case.name}.eml").write_bytes(msg.as_bytes(policy=SMTP))
    (HERE / f"{case.name}.txt").write_text(case.expected + ("\n" if case.expected else ""),
                                           encoding="utf-8")


def main() -> None:
    build()
    for old in HERE.glob("*.eml"):
        old.unlink()
    for old in HERE.glob("*.txt"):
        old.unlink()
    for case in CASES:
        write(case)
    print(f"{len(CASES)} replies written to {HERE}")


if __name__ == "__main__":
    main()
