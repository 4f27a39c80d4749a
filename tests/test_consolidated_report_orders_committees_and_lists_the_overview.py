import re

from intake.records.report import render
from tests.support.reports import sample_period

ORDER = [
    ("Norrmalms stadsdelsnämnd", "stadsdelsnämnd", "Inskickad", "8 av 9", "2023-01-23"),
    ("Älvsjö exempelnämnd", "stadsdelsnämnd", "Pågående", "0 av 9", "–"),
    ("Östermalms stadsdelsnämnd", "stadsdelsnämnd", "Godkänd", "1 av 9", "2023-01-19"),
    ("Arbetsmarknadsnämnden", "facknämnd", "Inskickad", "0 av 10", "2023-01-30"),
    ("Exploateringsnämnden", "facknämnd", "Återsänd för komplettering", "1 av 10", "–"),
    ("Stockholms Exempelhamnar AB", "bolagsstyrelse", "Ej påbörjad", "0 av 10", "–"),
]


def test_consolidated_report_orders_committees_and_lists_the_overview():
    text = render(sample_period(), "md").decode("utf-8")
    rows = [
        tuple(c.strip() for c in line.strip("|").split("|"))
        for line in text.splitlines()
        if line.startswith("| ") and "av" in line
    ]
    assert rows == ORDER
    chapters = re.findall(r"^## (.+)$", text, re.M)
    assert chapters[:4] == [
        "Innehåll",
        "Översikt över inrapporteringen",
        "1. Stimulera tillväxt och företagsamhet",
        "2. Förbättra service, tillgänglighet och myndighetsutövning",
    ]
    assert chapters[-1] == "Övriga upplysningar"
    # Under a question every committee that got it, in the same order; districts only here.
    start = text.index("### Beskriv samverkan med det lokala")
    block = text[start : text.index("\n### ", start)]
    assert re.findall(r"^#### (.+)$", block, re.M) == [row[0] for row in ORDER[:3]]
    block = text[text.index("## Övriga upplysningar") :]
    assert re.findall(r"^#### (.+)$", block, re.M) == [row[0] for row in ORDER]
