"""A screen reader hears what a form field still needs: its problem, or its hint, is the
field's accessible description (on the part that takes focus), in the current language."""

from __future__ import annotations

import pytest
import shiboken6

from shelterdesk.i18n import set_language
from shelterdesk.store.vault import Session
from shelterdesk.ui.cases.context import CaseContext
from shelterdesk.ui.cases.intake_dialog import IntakeDialog
from shelterdesk.ui.common.accessible_names import focus_target
from tests.cases_helpers import type_text

pytestmark = pytest.mark.gui


def test_a_fields_problem_is_its_description_until_it_is_solved(qtbot,
                                                               admin_session: Session) -> None:
    dialog = IntakeDialog(CaseContext(admin_session))
    qtbot.addWidget(dialog)
    sex = focus_target(dialog.fields["sex"])
    assert sex.accessibleDescription()  # a required choice not yet made says so
    dialog.fields["sex"].set_value("female")
    assert sex.accessibleDescription() == ""
    born = focus_target(dialog.fields["date_of_birth"])
    assert "15.03.1995" in born.accessibleDescription()  # the typing hint of a date field
    type_text(dialog.fields["given_name"], "Aynur")
    dialog.discard_and_close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_descriptions_follow_the_language(qtbot, admin_session: Session) -> None:
    dialog = IntakeDialog(CaseContext(admin_session))
    qtbot.addWidget(dialog)
    english = focus_target(dialog.fields["sex"]).accessibleDescription()
    set_language("az")
    try:
        dialog.retranslate_ui()
        azerbaijani = focus_target(dialog.fields["sex"]).accessibleDescription()
        assert azerbaijani and azerbaijani != english
    finally:
        set_language("en")
        dialog.discard_and_close()
