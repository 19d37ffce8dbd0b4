"""The `kfsreport` command: a thin layer that hands each verb to its module.

Heavy libraries are imported inside the commands, so `kfsreport --help` starts at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kfsreport import __version__
from kfsreport.commands.argtexts import swedish
from kfsreport.errors import ReportError

FORMATS = ("html", "pdf")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 problems in the report)."""
    swedish()
    parser = _parser()
    given = sys.argv[1:] if argv is None else list(argv)
    word = next((arg for arg in given if not arg.startswith("-")), "")
    if word.lower() in SWEDISH_COMMANDS:
        meant = SWEDISH_COMMANDS[word.lower()]
        parser.error(f"kommandot '{word}' finns inte: kommandona har engelska namn. Skriv kfsreport {meant}.")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if getattr(args, "folder", None) is not None:  # `kfsreport build MAPP`, as after `kfsreport new MAPP`
        if args.project is not None and args.project != args.folder:
            parser.error(f"ange rapportmappen en gång: {args.folder} eller --project {args.project}")
        args.project = args.folder
    if hasattr(args, "project") and args.project is None:
        args.project = Path(".")
    project = getattr(args, "project", None)
    if isinstance(project, Path) and not project.is_dir():
        print(_missing_folder(project), file=sys.stderr)
        return 1
    try:
        _configure_logging(args)
        code = int(args.run(args))
    except ReportError as error:  # not the report's: this computer lacks something (engine.py)
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet. Tidigare utdata är orörda.", file=sys.stderr)
        return 130
    if argv is None and args.command in QUICK_EXIT:
        _exit_now(code)
    return code


SWEDISH_COMMANDS = {
    "bygg": "build",
    "bygga": "build",
    "granska": "check",
    "kontrollera": "check",
    "visa": "serve",
    "förhandsvisa": "serve",
    "förhandsgranska": "serve",
    "ny": "new",
    "skapa": "new",
}
"""Swedish words a user of the Swedish manual may type for a command, and the command."""


QUICK_EXIT = frozenset({"build", "check"})
"""The commands that, run as the program (`argv` None: not from a test), end without the
interpreter's teardown, which takes 0.1–0.2 s with pandas, Altair and WeasyPrint loaded.
Everything they write is written and closed (`output.write_outputs`), their print processes
ended and their threads joined by the time the command returns."""


def _exit_now(code: int) -> None:
    """End the process with `code` now: the streams and the log flushed, nothing else torn down."""
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`kfsreport check | head`)
            stream.flush()
    logging.shutdown()
    os._exit(code)


def _missing_folder(project: Path) -> str:
    """The message for a --project that names no folder (a file, or nothing at all)."""
    what = "är en fil, inte en mapp" if project.exists() else "finns inte"
    return (
        f"{project}: rapportmappen {what}. Ange mappen som innehåller report.yaml, "
        "till exempel --project rapporter/2025 (utan --project används mappen du står i)."
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        formatter_class=argparse.RawDescriptionHelpFormatter,
        prog="kfsreport",
        description="Bygg beredningens rapport (PDF och HTML) från Markdown och YAML.",
        epilog="Exempel:\n"
        "  kfsreport build --project .               bygg rapporten i den här mappen\n"
        "  kfsreport serve                           förhandsvisa medan du skriver\n"
        "  kfsreport check --strict                  granska innan rapporten skickas\n"
        "  kfsreport new ../arsrapport-2026          börja nästa års rapport\n"
        "Varje kommando har egen hjälp: kfsreport build --help",
    )
    parser.add_argument(
        "--version", action="version", version=f"kfsreport {__version__}", help="visa versionen och avsluta"
    )
    _add_output_flags(parser, default=False)
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO")
    build = commands.add_parser(
        "build",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="bygg rapporten till output/",
        description="Läs in, kontrollera och bygg rapporten. Inget skrivs om något är fel; "
        "tidigare utdata ligger då kvar orörda.",
        epilog="Exempel:\n  kfsreport build --project .\n"
        "  kfsreport build --project . --format pdf --out /tmp/utkast",
    )
    _project_option(build)
    build.add_argument(
        "--format",
        type=_formats,
        default=None,
        metavar="FORMAT",
        help="html, pdf eller html,pdf (standard: formats i report.yaml)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="MAPP",
        help="mapp att skriva till (standard: output/ i rapportmappen)",
    )
    build.set_defaults(run=_build)
    _add_output_flags(build)
    _add_serve(commands)
    _add_check(commands)
    _add_new(commands)
    return parser


def _add_output_flags(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """`--quiet` and `--verbose`, before or after the command (`kfsreport -q build`)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="visa bara fel, inga andra meddelanden"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="visa också hur lång tid varje steg tog"
    )


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        metavar="MAPP",
        help="rapportmappen med report.yaml (standard: aktuell mapp); samma som --project MAPP",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="MAPP",
        help="rapportmappen med report.yaml (standard: aktuell mapp)",
    )


def _add_serve(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="förhandsvisa rapporten i webbläsaren medan du skriver",
        description="Bygg HTML-sidan och visa den på http://127.0.0.1:PORT/. När du sparar en fil "
        "byggs sidan om och laddas om av sig själv. Ett fel visas på sidan med fil och rad; den "
        "senaste fungerande versionen finns kvar. PDF:en finns på /rapport.pdf, och när den har gjorts "
        "en gång läggs ett kapitel du sparar ut för sig först, på /kapitel/<id>.pdf (en förhandsvisning, "
        "utan arkivdelen). Inget skrivs i output/.",
        epilog="Exempel:\n  kfsreport serve --project . --port 8000   (avsluta med Ctrl+C)",
    )
    _project_option(serve)
    serve.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="N",
        help="porten på den här datorn (standard: 8000; 0 väljer en ledig)",
    )
    _add_output_flags(serve)
    serve.set_defaults(run=_serve)


def _add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="granska rapporten utan att bygga den",
        description="Kontrollera allt som build kontrollerar och dessutom länkar, fotnoter, bilder, "
        "alternativtexter, rubriknivåer, tomma avsnitt, stavning, läsbarhet och typografi. "
        "Fel ger slutkod 1; varningar bara med --strict. Ingenting skrivs.",
        epilog="Exempel:\n  kfsreport check --project . --strict\n  kfsreport check --pdf\n"
        "  kfsreport check --pdf --out /tmp/utkast",
    )
    _project_option(check)
    check.add_argument(
        "--strict", action="store_true", help="låt också varningar ge slutkod 1 (inför att rapporten skickas)"
    )
    check.add_argument(
        "--pdf",
        action="store_true",
        help="granska också de byggda PDF-filerna i output/ (taggar, språk, metadata, "
        "alternativtexter, rubriker, bokmärken, typsnitt, kopierbar text)",
    )
    check.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="MAPP",
        help="med --pdf: granska PDF-filerna i MAPP (som build --out skrev) i stället för output/",
    )
    _add_output_flags(check)
    check.set_defaults(run=_check)


def _add_new(commands: Any) -> None:
    new = commands.add_parser(
        "new",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="börja nästa års rapport utifrån den här",
        description="Skapa en ny rapportmapp utifrån en befintlig: inställningar med det nya året, "
        "mallar och data följer med, förra årets rekommendationer blir punkter att följa upp och "
        "kapitlen behåller sina rubriker med en kort ledtext om vad som ska stå där.",
        epilog="Exempel:\n  kfsreport new ../arsrapport-2026 --year 2026 --from .",
    )
    new.add_argument(
        "target", type=Path, metavar="MAPP", help="den nya mappen (får inte finnas eller vara tom)"
    )
    new.add_argument(
        "--year", type=_year, default=None, metavar="ÅR", help="den nya rapportens år (standard: året efter)"
    )
    new.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=Path("."),
        metavar="MAPP",
        help="rapporten att utgå från (standard: aktuell mapp)",
    )
    _add_output_flags(new)
    new.set_defaults(run=_new)


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"'{value}' är inget år; skriv till exempel 2026")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"'{value}' är ingen port; skriv ett tal mellan 1024 och 65535")
    return int(value)


def _formats(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"okänt format '{','.join(unknown) or value}'; välj html, pdf eller html,pdf"
        )
    return chosen


def _build(args: argparse.Namespace) -> int:
    from kfsreport.commands.build import build
    from kfsreport.commands.progress import Stages
    from kfsreport.errors import BuildFailed

    try:
        with Stages() as stages:
            result = build(args.project, args.format, args.out, on_stage=stages)
    except BuildFailed as failure:
        _print_warnings([] if args.quiet else failure.warnings)
        for error in failure.errors:
            print(error, file=sys.stderr)
        count = len(failure.errors)
        print(
            f"\nBygget avbröts: {count} fel att rätta. Inget skrevs; tidigare utdata ligger kvar.",
            file=sys.stderr,
        )
        return 1
    _print_warnings([] if args.quiet else result.warnings)
    if not args.quiet:
        if result.unchanged:
            print("Inget har ändrats sedan förra bygget; filerna i utdatamappen är aktuella.")
        for path in result.written:
            print(f"Skrev {path}")
    return 0


def _print_warnings(warnings: Sequence[ReportError]) -> None:
    """What the build warns about, `fil:rad: varning: …`, on stderr (not with --quiet)."""
    for warning in warnings:
        print(warning.labelled("varning"), file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    from kfsreport.commands.serve import serve

    return serve(args.project, args.port, announce=_silent if args.quiet else print)


def _silent(text: str) -> None:
    """What --quiet does with a message."""


def _check(args: argparse.Namespace) -> int:
    printer = _first_check_printer(args.project)  # before the imports below, which take a while
    from kfsreport.commands.check import check
    from kfsreport.commands.progress import Stages

    with Stages() as stages:
        outcome = check(args.project, on_stage=stages, printer=printer)
    print(outcome.report(strict=args.strict, quiet=args.quiet), end="")
    code = outcome.exit_code(args.strict)
    return max(code, _check_pdfs(args.project, args.out, outcome.written_hyphens)) if args.pdf else code


def _first_check_printer(project: Path) -> Any:
    """The print process for the first check of a report (nothing of an earlier check in its
    cache folder), started now so that it is ready (with WeasyPrint imported, if the report
    has stylesheets of its own) when this process has imported the checks; None otherwise,
    and `check` starts one itself if it needs one after all."""
    from kfsreport import pipeline
    from kfsreport.write.cache import cache_dir, checked_before

    if checked_before(cache_dir(project)):
        return None
    return pipeline.print_process(ahead=any((project / "templates" / "css").glob("*.css")))


def _check_pdfs(project: Path, out: Path | None = None, written: frozenset[str] = frozenset()) -> int:
    """`check --pdf`: run the PDF checker on every PDF the last build wrote (to `out`)."""
    from kfsreport.commands.check.pdfcheck import check_pdf

    folder = out if out is not None else project / "output"
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        where = "output/" if out is None else f"{out}/"
        hint = "kfsreport build" if out is None else f"kfsreport build --out {out}"
        print(f"{where}: inga PDF-filer att granska. Bygg först med {hint}.", file=sys.stderr)
        return 1
    failed = 0
    for pdf in pdfs:
        shown = pdf.relative_to(project).as_posix() if pdf.is_relative_to(project) else str(pdf)
        problems = check_pdf(pdf, written)
        for problem in problems:
            print(f"{shown}: fel: {problem}")
        if not problems:
            print(f"{shown}: PDF-granskningen hittade inga fel.")
        failed += bool(problems)
    return 1 if failed else 0


def _new(args: argparse.Namespace) -> int:
    from kfsreport.commands.new import describe, new
    from kfsreport.errors import BuildFailed

    if not args.source.is_dir():
        print(_missing_folder(args.source).replace("--project", "--from"), file=sys.stderr)
        return 1
    try:
        created = new(args.source, args.target, args.year)
    except BuildFailed as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        print("\nIngen ny rapport skapades.", file=sys.stderr)
        return 1
    if not args.quiet:
        print(describe(created, Path.cwd()))
    return 0


def _configure_logging(args: argparse.Namespace) -> None:
    """Warnings from the library on stderr as plain lines; `--verbose` adds stage timings."""
    level = logging.ERROR if args.quiet else logging.INFO if args.verbose else logging.WARNING
    logger = logging.getLogger("kfsreport")
    logger.setLevel(level)
    if not any(isinstance(handler, _Stderr) for handler in logger.handlers):
        logger.addHandler(_Stderr())


class _Stderr(logging.Handler):
    """Log lines on whatever `sys.stderr` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(record.getMessage(), file=sys.stderr)
