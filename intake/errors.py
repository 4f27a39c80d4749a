"""The errors that mean bad input: the command line prints them as one line and exits 1."""

from intake.forms import FormError
from intake.people.coordinators import CoordinatorError
from intake.people.privacy import PrivacyError
from intake.people.roster import RosterError
from intake.records.export import ExportError
from intake.records.report.model import ReportError
from intake.rounds.calendar import LadderError
from intake.rounds.opening import RoundError
from storage.backup import BackupError
from storage.db import DatabaseError

USER_ERRORS: tuple[type[Exception], ...] = (
    CoordinatorError, DatabaseError, ExportError, FormError, LadderError, ReportError,
    RosterError, RoundError,
    BackupError, PrivacyError,  # operations (issue 8)
)
