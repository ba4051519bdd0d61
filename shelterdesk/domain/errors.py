"""Errors a person may see: each carries a translatable message and its parameters."""

from __future__ import annotations

from typing import Any

from shelterdesk.i18n import N_, NN_, _, ngettext


class UserFacingError(Exception):
    """An error whose message is shown to people, translated when shown.

    Subclasses set ``message`` with ``N_()``; named ``{placeholders}`` are
    filled from keyword arguments, so translators can reorder them. A message
    that depends on a number sets ``plural = NN_(singular, plural)`` instead and
    passes ``count``.
    """

    message: str = N_("Something went wrong.")
    plural: tuple[str, str] | None = None

    def __init__(self, message: str | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message)

    def user_message(self) -> str:
        if self.plural is not None and "count" in self.params:
            text = ngettext(*self.plural, int(self.params["count"]))
        else:
            text = _(self.message)
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.message.format(**self.params)

    def __str__(self) -> str:
        return self.user_message()


class ValidationFailed(UserFacingError):
    """A record failed validation; ``problems`` lists every field at once."""

    plural = NN_("The record has {count} problem: {details}",
                 "The record has {count} problems: {details}")
    message = plural[0]

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__(count=len(problems), details="; ".join(str(p) for p in problems))


class PermissionDenied(UserFacingError):
    message = N_("You do not have permission to {action}.")

    def user_message(self) -> str:
        # The action is itself a marked phrase ("manage users"): translate it as well.
        action = str(self.params.get("action", ""))
        return _(self.message).format(action=_(action) if action else "")
