"""The `shelterdesk` command: opens the window, or runs an administrator's sub-command.

Errors are one translated line on stderr and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.validation import control_character, printable
from shelterdesk.i18n import _, set_language, system_language

EXIT_ERROR = 1
EXIT_UNEXPECTED = 70
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a tool the pipe's reader left

# Modules that come with an optional extra of pyproject.toml, and that extra's name.
OPTIONAL_EXTRAS = {"starlette": "relay", "uvicorn": "relay", "psycopg": "relay",
                   "psycopg_pool": "relay"}


def main(argv: Sequence[str] | None = None) -> int:
    from shelterdesk.cli.parser import build_parser
    from shelterdesk.process_safety import disable_core_dumps, owner_only_files

    disable_core_dumps()
    owner_only_files()
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(argv) or os.environ.get("SHELTERDESK_LANG") or system_language())
    from shelterdesk.cli import argparse_words

    argparse_words.install()
    for item in argv:  # a name or reason typed with an escape sequence never gets stored
        if found := control_character(item):
            _print_error(_("An argument contains a control character ({character}), which is "
                           "not allowed; nothing was done.").format(character=found))
            return EXIT_ERROR
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # `shelterdesk cases list | head`: the reader has gone, which is not an error
        # to report. Point stdout at /dev/null so the interpreter's last flush is quiet.
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except ModuleNotFoundError as error:
        extra = OPTIONAL_EXTRAS.get((error.name or "").split(".")[0])
        if extra is None:
            return _unexpected(error)
        _print_error(_("This command needs the optional “{extra}” packages, which are not "
                       "installed. Add them with: pip install \"shelterdesk[{extra}]\"").format(
            extra=extra))
        return EXIT_ERROR
    except UserFacingError as error:
        _print_error(error.user_message())
        return EXIT_ERROR
    except KeyboardInterrupt:
        _print_error(_("Interrupted; nothing was changed by the unfinished step."))
        return 130
    except OSError as error:
        _print_error(_("A file could not be read or written: {reason}").format(
            reason=error.strerror or type(error).__name__))
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback, no data
        return _unexpected(error)


def _unexpected(error: Exception) -> int:
    if os.environ.get("SHELTERDESK_DEBUG") == "1":
        raise error
    _print_error(_("Unexpected internal error ({kind}). Nothing was changed.").format(
        kind=type(error).__name__))
    return EXIT_UNEXPECTED


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (embedded): nothing left to quieten
        pass


def _language_from(argv: list[str]) -> str | None:
    for index, item in enumerate(argv):
        if item == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if item.startswith("--lang="):
            return item.split("=", 1)[1]
    return None


def _print_error(message: str) -> None:
    sys.stderr.write("shelterdesk: " + _("error") + ": " + printable(message) + "\n")
