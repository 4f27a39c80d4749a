from intake.records.report.blocks import Block, parse_answer


def test_answer_text_keeps_paragraphs_and_lists():
    text = (
        "Första stycket\nmed radbrytning.\r\n\r\nVi har:\n- ett\n* två\n\n"
        "1. a\n2) b\n\n\n”Citat” åäö"
    )
    assert parse_answer(text) == [
        Block("paragraph", ("Första stycket", "med radbrytning.")),
        Block("paragraph", ("Vi har:",)),
        Block("bullets", ("ett", "två")),
        Block("numbered", ("a", "b"), ("1.", "2)")),
        Block("paragraph", ("”Citat” åäö",)),
    ]
