"""The `intake` command line: thin commands over the domain functions."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from dotenv import load_dotenv
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from intake.clock import Clock, fixed_clock, parse_datetime, system_clock
from intake.paths import PROJECT_ROOT
from intake.settings import Settings, load_settings
from storage.db import DatabaseError, make_engine, migrate, safe_url, transaction

if TYPE_CHECKING:
    from intake.rounds.reminders import SweepResult

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Collect follow-up reports from committees over Telegram and e-mail.")
db_app = typer.Typer(no_args_is_help=True, help="The database.")
forms_app = typer.Typer(no_args_is_help=True, help="Questionnaire forms.")
roster_app = typer.Typer(no_args_is_help=True, help="Committees and contacts.")
round_app = typer.Typer(no_args_is_help=True, help="Rounds: one period of one form.")
coordinator_app = typer.Typer(no_args_is_help=True, help="Coordinators' dashboard accounts.")
app.add_typer(db_app, name="db")
app.add_typer(forms_app, name="forms")
app.add_typer(roster_app, name="roster")
app.add_typer(round_app, name="round")
app.add_typer(coordinator_app, name="coordinator")
privacy_app = typer.Typer(no_args_is_help=True, help="Personal data: export, erase, purge.")
app.add_typer(privacy_app, name="privacy")

T = TypeVar("T")
P = ParamSpec("P")


class UserError(Exception):
    """Bad input: printed as one line, exit status 1."""


@dataclass
class Context:
    settings: Settings
    engine: Engine
    clock: Clock


def make_clock() -> Clock:
    # INTAKE_FAKE_NOW lets tests and demos travel in time through every command.
    fake = os.environ.get("INTAKE_FAKE_NOW")
    return fixed_clock(parse_datetime(fake)) if fake else system_clock


def open_context() -> Context:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    except DatabaseError as exc:
        raise UserError(str(exc).splitlines()[0]) from None
    return Context(settings, engine, make_clock())


@contextmanager
def unit_of_work(ctx: Context) -> Iterator[Session]:
    try:
        with transaction(ctx.engine) as session:
            yield session
    except OperationalError as exc:
        raise UserError(f"database error at {safe_url(ctx.engine)}: {exc.orig}") from None


def run(action: Callable[[], T]) -> T:
    """Run a command body, turning known errors into one line on stderr and exit 1."""
    from intake.errors import USER_ERRORS

    try:
        return action()
    except (UserError, *USER_ERRORS) as exc:
        message = str(exc).strip() or type(exc).__name__
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(1) from None


def command(group: typer.Typer, name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Register a command whose known errors print as one line on stderr with exit status 1."""
    def register(func: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(func)  # typer reads the options from the wrapped signature
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            run(lambda: func(*args, **kwargs))
        group.command(name)(guarded)
        return guarded
    return register


def echo_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


# -- db --------------------------------------------------------------------------------------
@command(db_app, "upgrade")
def db_upgrade() -> None:
    """Create the database or migrate it to the latest schema."""
    ctx = open_context()
    typer.echo(f"database {safe_url(ctx.engine)} is up to date")


# -- forms -----------------------------------------------------------------------------------
@command(forms_app, "check")
def forms_check(file: Path) -> None:
    """Validate a form file; every problem is reported with its line."""
    from intake.forms import load_form_file

    form = load_form_file(file)
    counts = ", ".join(f"{kind} {len(form.questions_for(kind))}"
                       for kind in ("district", "specialist", "company"))
    typer.echo(f"{file}: form {form.id!r} is valid ({len(form.sections)} sections; "
               f"questions per kind: {counts})")


@command(forms_app, "list")
def forms_list() -> None:
    """The forms that `round open` can use."""
    from intake.forms import available_form_ids

    for form_id in available_form_ids(load_settings().forms_dir):
        typer.echo(form_id)


# -- roster ----------------------------------------------------------------------------------
@command(roster_app, "import")
def roster_import(file: Path) -> None:
    """Import committees and contacts from CSV: all rows or none."""
    from intake.people.roster import decode_csv, import_roster, parse_roster

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(f"{file}: {exc.strerror}") from None
    rows = parse_roster(decode_csv(data, str(file)), str(file))
    ctx = open_context()
    with unit_of_work(ctx) as session:
        result = import_roster(session, rows, ctx.clock(), str(file))
    typer.echo(f"{file}: {len(rows)} rows imported: {result.summary()}")
    for note in result.notes:
        typer.echo(f"note: {note}")


# -- rounds ----------------------------------------------------------------------------------
@command(round_app, "open")
def round_open(
    form_id: str,
    period: Annotated[str, typer.Option(help='The period, e.g. "2022 VB"')],
    deadline: Annotated[str, typer.Option(help="ISO date-time; Stockholm time without offset")],
    reminders: Annotated[str | None, typer.Option(
        help='Working-day offsets from the deadline, e.g. "-7,-3,-1,0,+1,+3"')] = None,
    reminder_time: Annotated[str | None, typer.Option(help="Time of day, e.g. 09:00")] = None,
) -> None:
    """Open a round: an assignment per committee and one invitation per main contact."""
    from intake.forms import find_form
    from intake.rounds.manage import parse_deadline
    from intake.rounds.opening import open_round

    when = parse_deadline(deadline)  # the dashboard's form gives the same message
    ctx = open_context()
    form = find_form(form_id, ctx.settings.forms_dir)
    with unit_of_work(ctx) as session:
        opened = open_round(session, form, period, when, ctx.clock(), ladder_text=reminders,
                            reminder_time=reminder_time,
                            telegram_enabled=bool(ctx.settings.telegram_bot_token))
        period_name = opened.round.period
    for warning in opened.warnings:
        prefix = "" if warning.startswith("warning:") else "warning: "
        typer.echo(prefix + warning, err=True)
    typer.echo(f"round {period_name!r} opened: {opened.assignments} assignments, "
               f"{opened.invitations} invitations queued")


@command(round_app, "list")
def round_list() -> None:
    """Every round with its deadline."""
    from intake.clock import iso
    from intake.rounds.opening import list_rounds, round_form

    ctx = open_context()
    with unit_of_work(ctx) as session:
        for round_ in list_rounds(session):
            state = "closed" if round_.closed_at else "open"
            typer.echo(f"{round_.period}\t{round_form(session, round_).id}\t"
                       f"deadline {iso(round_.deadline)}\t{state}")


@command(round_app, "show")
def round_show(period: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A round and its reminder ladder with the actual date-times."""
    from intake.rounds.opening import find_round, round_json

    ctx = open_context()
    with unit_of_work(ctx) as session:
        data = round_json(find_round(session, period))
    if as_json:
        echo_json(data)
        return
    typer.echo(f"{data['period']}: deadline {data['deadline']}")
    for step in data["ladder"]:
        typer.echo(f"  reminder {step['step']:+d}: {step['at']}")


# -- status and export -----------------------------------------------------------------------
@command(app, "status")
def status(
    period: Annotated[str | None, typer.Option(help="Default: the latest round")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Per committee: status, answered/total, channel, last activity, reminders."""
    from intake.rounds.opening import find_round
    from intake.rounds.status import status_json, status_table

    ctx = open_context()
    with unit_of_work(ctx) as session:
        round_ = find_round(session, period)
        if as_json:
            echo_json(status_json(session, round_))
        else:
            typer.echo(status_table(session, round_))


@command(app, "export")
def export(
    period: Annotated[str, typer.Option()],
    format: Annotated[str, typer.Option("--format", help="json or csv")] = "json",
    committee: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Every current answer, verbatim."""
    from intake.records.export import export_rows, to_csv, to_json
    from intake.rounds.opening import find_round

    if format not in ("json", "csv"):
        raise UserError(f"--format must be json or csv, not {format!r}")
    ctx = open_context()
    with unit_of_work(ctx) as session:
        rows = export_rows(session, find_round(session, period), committee)
    sys.stdout.write(to_json(rows) + "\n" if format == "json" else to_csv(rows))


@command(app, "summary")
def summary(
    period: Annotated[str | None, typer.Option(help="Default: the latest round")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The round's figures: who submitted, and per question its counts, sum, median ..."""
    from intake.records.summary import round_summary, summary_table
    from intake.rounds.opening import find_round

    ctx = open_context()
    with unit_of_work(ctx) as session:
        data = round_summary(session, find_round(session, period))
    if as_json:
        echo_json(data)
    else:
        typer.echo(summary_table(data))


# -- coordinators ----------------------------------------------------------------------------
@command(coordinator_app, "add")
def coordinator_add(
    email: str,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Also set a password, read from standard input")] = False,
) -> None:
    """Create a coordinator (or keep one) and print a one-time login link, valid 24 hours."""
    from intake.people.coordinators import add_coordinator

    # One line of standard input, so `echo secret | intake ...` and a here-string both work.
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    ctx = open_context()
    with unit_of_work(ctx) as session:
        link = add_coordinator(session, email, ctx.clock(), password)
        address, token = link.coordinator.email, link.token
    verb = "added" if link.created else "exists"
    typer.echo(f"coordinator {address} {verb}"
               + ("; password set" if password is not None else ""), err=True)
    typer.echo(f"{ctx.settings.public_url}/login/{token}")


@command(coordinator_app, "remove")
def coordinator_remove(email: str) -> None:
    """Remove a coordinator: the account, its login links and every session end at once."""
    from intake.people.coordinators import remove_coordinator

    ctx = open_context()
    with unit_of_work(ctx) as session:
        remove_coordinator(session, email, ctx.clock())
    typer.echo(f"coordinator {email.strip().lower()} removed", err=True)


# -- report -----------------------------------------------------------------------------
@command(app, "report")
def report(
    period: Annotated[str, typer.Option()],
    format: Annotated[str, typer.Option("--format", help="docx, html, md or pdf (or a list)")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write into")],
    committee: Annotated[str | None, typer.Option(help="One committee; default: all")] = None,
    provenance: Annotated[bool, typer.Option(help="Append when, by whom and how")] = False,
    changes: Annotated[bool, typer.Option(
        "--changes", help="Add 'Förändringar sedan föregående period' (consolidated)")] = False,
) -> None:
    """The finished report: per committee in the form's layout, or consolidated."""
    from intake.records.report import FORMATS, write_reports
    from intake.records.report.loading import load_period_report

    formats = [f.strip() for f in format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
    ctx = open_context()
    with unit_of_work(ctx) as session:
        data = load_period_report(session, period, ctx.clock(), committee, changes)
    for path in write_reports(data, formats, out, committee=committee, provenance=provenance):
        typer.echo(str(path))


# -- reminders -------------------------------------------------------------------------------
@command(app, "remind")
def remind(
    now: Annotated[str | None, typer.Option(
        help="The instant to sweep at (ISO; Stockholm time without offset). Default: now")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print, change nothing")] = False,
) -> None:
    """Send the reminders due at --now and deliver them before exiting (cron-friendly)."""
    import asyncio

    from intake.rounds.reminders import sweep
    from intake.serve import deliver_pending

    try:
        moment = parse_datetime(now) if now else None
    except ValueError as exc:
        raise UserError(f"--now: {exc}") from None
    ctx = open_context()
    clock = fixed_clock(moment) if moment else ctx.clock
    try:
        result = sweep(ctx.engine, clock(), dry_run=dry_run)
    except OperationalError as exc:
        raise UserError(f"database error at {safe_url(ctx.engine)}: {exc.orig}") from None
    for line in remind_lines(result):
        typer.echo(line)
    if dry_run:
        return
    from intake.messaging.outbox import worker_identity

    worker = worker_identity("remind")
    channels, sent, failed = asyncio.run(
        deliver_pending(ctx.settings, ctx.engine, clock, worker))
    typer.echo(f"delivered {sent} message(s) through {', '.join(channels)}"
               + (f"; {failed} stay in the outbox to retry" if failed else ""))


def remind_lines(result: SweepResult) -> list[str]:
    """One line per reminder, digest, waiting or unreachable contact, then a total."""
    from intake.clock import iso

    lines = []
    for n in result.notices:
        where = f"{n.channel} {n.recipient}" if n.channel else n.recipient
        note = f" ({n.note})" if n.note else ""
        lines.append(f"{n.kind:<11} {n.committee}  step {n.step}  {where}{note}")
    for error in result.errors:
        lines.append(f"error       {error}")
    verb = "would be sent (dry run, nothing changed)" if result.dry_run else "enqueued"
    lines.append(f"{len(result.reminders)} reminder(s) and {len(result.digests)} digest(s) "
                 f"{verb} at {iso(result.now)}")
    return lines


# -- operations: round close, privacy, backup (issue 8) -------------------------------------
@command(round_app, "close")
def round_close(period: str) -> None:
    """Close a round: no more replies or reminders; its raw messages' retention starts."""
    from intake.rounds.opening import close_round, find_round

    ctx = open_context()
    with unit_of_work(ctx) as session:
        round_ = find_round(session, period)
        cancelled = close_round(session, round_, ctx.clock())
        name, days = round_.period, ctx.settings.raw_retention_days
    typer.echo(f"round {name!r} closed; {cancelled} queued reminder(s) cancelled; raw "
               f"messages are purged {days} days from now")


@command(privacy_app, "export")
def privacy_export(
    email: str,
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE, not stdout")] = None,
) -> None:
    """Everything stored about the person with this e-mail address, as JSON."""
    from intake.people.privacy import export_person

    ctx = open_context()
    with unit_of_work(ctx) as session:
        data = export_person(session, email)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: {exc.strerror}") from None
    typer.echo(f"wrote {out}", err=True)


@command(privacy_app, "erase")
def privacy_erase(email: str) -> None:
    """Erase a person's contact data, chat ids, tokens and raw messages; keep the answers."""
    from intake.people.erasure import reclaim_free_pages, scrub_maildir
    from intake.people.privacy import erase_person

    ctx = open_context()
    with unit_of_work(ctx) as session:
        result = erase_person(session, email, ctx.clock())
    # After the commit: mail delivered locally, and the free pages of the database file.
    mails = scrub_maildir(ctx.settings.maildir, result.traces)
    reclaim_free_pages(ctx.engine)
    typer.echo(f"{email.strip().lower()}: {result.summary()}; "
               f"{mails} delivered mail(s) removed from the maildir")


@command(privacy_app, "purge")
def privacy_purge(
    days: Annotated[int | None, typer.Option(
        help="Days after a round closes; default RAW_RETENTION_DAYS or 90")] = None,
) -> None:
    """Delete raw mails and Telegram updates of rounds closed more than DAYS ago."""
    from intake.people.privacy import purge_raw

    ctx = open_context()
    keep = ctx.settings.raw_retention_days if days is None else days
    with unit_of_work(ctx) as session:
        done = purge_raw(session, ctx.clock(), keep)
    typer.echo(f"{done} raw message(s) deleted (older than {keep} days after their round "
               "closed); the answers are kept")


@command(app, "backup")
def backup(file: Path) -> None:
    """A consistent copy of the SQLite database, safe while serve runs (PostgreSQL: pg_dump)."""
    from storage.backup import backup_sqlite

    ctx = open_context()
    size = backup_sqlite(ctx.engine, file)
    typer.echo(f"backup written to {file} ({size} bytes)")


# -- serve -----------------------------------------------------------------------------------
@command(app, "serve")
def serve() -> None:
    """Everything in one process: channels, web, reminders and the outbox sender."""
    from intake.serve import serve_forever

    ctx = open_context()
    serve_forever(ctx.settings, ctx.engine, ctx.clock)


def main() -> None:
    # The working directory's .env first, then the one beside the code; the environment wins.
    load_dotenv(Path.cwd() / ".env")
    load_dotenv(PROJECT_ROOT / ".env")
    app()


if __name__ == "__main__":
    main()
