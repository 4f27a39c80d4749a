"""The errors that mean bad input: the command line prints them as one line and exits 1."""

from intake.calendar import LadderError
from intake.coordinators import CoordinatorError
from intake.export import ExportError
from intake.forms import FormError
from intake.privacy import PrivacyError
from intake.report.model import ReportError
from intake.roster import RosterError
from intake.rounds import RoundError
from storage.backup import BackupError
from storage.db import DatabaseError

USER_ERRORS: tuple[type[Exception], ...] = (
    CoordinatorError, DatabaseError, ExportError, FormError, LadderError, ReportError,
    RosterError, RoundError,
    BackupError, PrivacyError,  # operations (issue 8)
)
