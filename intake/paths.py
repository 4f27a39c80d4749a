"""Where the bundled forms and templates live: next to the code, never the working directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_FORMS_DIR = PROJECT_ROOT / "forms"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
