from tests.support.reports import committee, period


def test_committees_sort_by_kind_then_swedish_name():
    names = [
        "Östermalm",
        "Skärholmen",
        "Spånga-Tensta",
        "Hässelby-Vällingby",
        "Zeta",
        "Hägersten-Älvsjö",
        "Skarpnäck",
        "Södermalm",
        "Enskede-Årsta-Vantör",
        "bromma",
    ]
    report = period(
        committee("Aktiebolaget", "company"),
        committee("Facknämnden", "specialist"),
        *(committee(n, "district") for n in names),
    )
    assert [c.committee for c in report.committees] == [
        "bromma",
        "Enskede-Årsta-Vantör",
        "Hägersten-Älvsjö",
        "Hässelby-Vällingby",
        "Skarpnäck",
        "Skärholmen",
        "Spånga-Tensta",
        "Södermalm",
        "Zeta",
        "Östermalm",
        "Facknämnden",
        "Aktiebolaget",
    ]
    assert report.year == 2022
