"""The words a person sees for a failure, in every screen: never a traceback."""

from __future__ import annotations

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import _


def describe_error(error: BaseException) -> str:
    """The message a person sees for a failure; never a traceback or internal detail."""
    if isinstance(error, UserFacingError):
        return error.user_message()
    return _("Unexpected internal error ({kind}). Nothing was changed.").format(
        kind=type(error).__name__)
