import importlib.util

from intake.paths import TEMPLATES_DIR


def test_docx_template_is_what_make_template_builds():
    script = TEMPLATES_DIR / "report" / "make_template.py"
    spec = importlib.util.spec_from_file_location("make_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == (TEMPLATES_DIR / "report" / "report-template.docx").read_bytes()
