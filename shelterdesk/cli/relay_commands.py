"""``shelterdesk relay --listen HOST:PORT --store sqlite:///FILE | postgresql://…``."""

from __future__ import annotations

import argparse
from pathlib import Path

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_, _


class RelayOptionInvalid(UserFacingError):
    message = N_("The relay option {option} is not valid: {value}")


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    relay = commands.add_parser("relay", parents=[common],
                                help=_("run a sync relay (stores only encrypted envelopes)"))
    relay.add_argument("--listen", required=True, metavar="HOST:PORT",
                       help=_("address to listen on, e.g. 127.0.0.1:8470"))
    relay.add_argument("--store", required=True, metavar="URL",
                       help=_("sqlite:///FILE or postgresql://…"))
    relay.add_argument("--proxy-headers", action="store_true",
                       help=_("trust X-Forwarded-* from a reverse proxy"))
    relay.add_argument("--admission-token-file", metavar="PATH",
                       help=_("tokens (one a line) that each let one new organisation found "
                              "itself on this relay; only their hashes are kept"))
    relay.add_argument("--rate-per-device", type=int, default=3000, metavar="N",
                       help=_("requests a minute one laptop may make (0: no limit)"))
    relay.add_argument("--rate-per-address", type=int, default=30000, metavar="N",
                       help=_("requests a minute one network address may make (0: no limit)"))
    relay.add_argument("--retention-days", type=int, default=0, metavar="DAYS",
                       help=_("delete envelopes older than this many days (0: keep them)"))
    relay.set_defaults(handler=cmd_relay)


def cmd_relay(args: argparse.Namespace) -> int:
    from shelterdesk.sync.relay.server import parse_listen, serve

    try:
        parse_listen(args.listen)
    except ValueError:
        raise RelayOptionInvalid(option="--listen", value=args.listen) from None
    if not args.store.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise RelayOptionInvalid(option="--store", value="sqlite:///… | postgresql://…")
    tokens = Path(args.admission_token_file).expanduser() if args.admission_token_file else None
    if tokens is not None:
        from shelterdesk.sync.relay.server import read_admission_tokens

        try:
            read_admission_tokens(tokens)
        except (OSError, ValueError, UnicodeDecodeError):
            raise RelayOptionInvalid(option="--admission-token-file",
                                     value=_("a readable text file, one token of at least 16 "
                                             "characters a line")) from None
    from shelterdesk.sync.relay.limits import Limits

    for option, value in (("--rate-per-device", args.rate_per_device),
                          ("--rate-per-address", args.rate_per_address),
                          ("--retention-days", args.retention_days)):
        if value < 0:
            raise RelayOptionInvalid(option=option, value=str(value))
    serve(args.listen, args.store, proxy_headers=args.proxy_headers,
          admission_token_file=tokens,
          limits=Limits(per_device_per_minute=args.rate_per_device,
                        per_address_per_minute=args.rate_per_address,
                        retention_days=args.retention_days))
    return 0
