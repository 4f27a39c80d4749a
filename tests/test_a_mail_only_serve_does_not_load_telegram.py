"""aiogram builds hundreds of models when imported (seconds on a small server), so `intake
serve` loads the Telegram channel only when a bot token is configured."""

import subprocess
import sys


def test_importing_serve_and_the_cli_leaves_aiogram_unloaded():
    code = "import sys, intake.cli, intake.serve; print('aiogram' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
