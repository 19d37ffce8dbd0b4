"""The `kfsreport` command: a thin layer that hands each verb to its module.

Heavy libraries are imported inside the commands, so `kfsreport --help` starts at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kfsreport import __version__

FORMATS = ("html", "pdf")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 problems in the report)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        _configure_logging(args)
        return int(args.run(args))
    except KeyboardInterrupt:
        print("Avbrutet. Tidigare utdata är orörda.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kfsreport",
        description="Bygg beredningens rapport (PDF och HTML) från Markdown och YAML.",
        epilog="Exempel: kfsreport build --project rapporter/2025 · kfsreport check --strict",
    )
    parser.add_argument("--version", action="version", version=f"kfsreport {__version__}")
    _add_output_flags(parser, default=False)
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO")
    build = commands.add_parser(
        "build",
        help="bygg rapporten till output/",
        description="Läs in, kontrollera och bygg rapporten. Inget skrivs om något är fel; "
        "tidigare utdata ligger då kvar orörda.",
        epilog="Exempel: kfsreport build --project . --format pdf --out /tmp/utkast",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    _add_check(commands)
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
        "--project",
        type=Path,
        default=Path("."),
        metavar="MAPP",
        help="rapportmappen med report.yaml (standard: aktuell mapp)",
    )


def _add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="granska rapporten utan att bygga den",
        description="Kontrollera allt som build kontrollerar och dessutom länkar, fotnoter, bilder, "
        "alternativtexter, rubriknivåer, tomma avsnitt, stavning, läsbarhet och typografi. "
        "Fel ger slutkod 1; varningar bara med --strict. Ingenting skrivs.",
        epilog="Exempel: kfsreport check --project . --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _project_option(check)
    check.add_argument(
        "--strict", action="store_true", help="låt också varningar ge slutkod 1 (inför att rapporten skickas)"
    )
    _add_output_flags(check)
    check.set_defaults(run=_check)


def _formats(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"okänt format '{','.join(unknown) or value}'; välj html, pdf eller html,pdf"
        )
    return chosen


def _build(args: argparse.Namespace) -> int:
    from kfsreport.build import build
    from kfsreport.errors import BuildFailed
    from kfsreport.progress import Stages

    try:
        with Stages() as stages:
            result = build(args.project, args.format, args.out, on_stage=stages)
    except BuildFailed as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        count = len(failure.errors)
        print(
            f"\nBygget avbröts: {count} fel att rätta. Inget skrevs; tidigare utdata ligger kvar.",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        for path in result.written:
            print(f"Skrev {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kfsreport.check import check
    from kfsreport.progress import Stages

    with Stages() as stages:
        outcome = check(args.project, on_stage=stages)
    print(outcome.report(strict=args.strict, quiet=args.quiet), end="")
    return outcome.exit_code(args.strict)


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
