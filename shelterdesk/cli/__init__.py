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


def main(argv: Sequence[str] | None = None) -> int:
    from shelterdesk.cli.parser import build_parser
    from shelterdesk.process_safety import disable_core_dumps

    disable_core_dumps()
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(argv) or os.environ.get("SHELTERDESK_LANG") or system_language())
    for item in argv:  # a name or reason typed with an escape sequence never gets stored
        if found := control_character(item):
            _print_error(_("An argument contains a control character ({character}), which is "
                           "not allowed; nothing was done.").format(character=found))
            return EXIT_ERROR
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
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
        if os.environ.get("SHELTERDESK_DEBUG") == "1":
            raise
        _print_error(_("Unexpected internal error ({kind}). Nothing was changed.").format(
            kind=type(error).__name__))
        return EXIT_UNEXPECTED


def _language_from(argv: list[str]) -> str | None:
    for index, item in enumerate(argv):
        if item == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if item.startswith("--lang="):
            return item.split("=", 1)[1]
    return None


def _print_error(message: str) -> None:
    sys.stderr.write("shelterdesk: " + _("error") + ": " + printable(message) + "\n")
