"""The Sync page says, in a sentence, what the newest snapshot covers, what was pruned,
what this laptop keeps to pass on and what waits for a client's key."""

from __future__ import annotations

from dataclasses import replace

from shelterdesk.domain.workspace import Area
from shelterdesk.store.vault import Vault
from shelterdesk.sync import setup
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import make_window, unlock


def test_the_sync_page_tells_snapshot_prune_and_forwarding_status(qtbot, vault: Vault) -> None:
    window = make_window(qtbot, vault)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    tab = window.work_area.page_for[Area.SYNC].status_tab
    state = setup.sync_status(window.session)
    assert (state.kept_envelopes, state.sealed_waiting, state.snapshot_covers,
            state.pruned_envelopes) == (0, 0, 0, 0)
    tab._show_status(state)
    assert not tab.relaying_label.isVisibleTo(tab)  # nothing to say: no sentence
    tab._show_status(replace(state, kept_envelopes=3, sealed_waiting=2, snapshot_covers=1500,
                             pruned_envelopes=40))
    text = tab.relaying_label.text()
    assert tab.relaying_label.isVisibleTo(tab)
    assert "1500" in text.replace(",", "").replace("\u202f", "").replace("\xa0", "")
    assert "40" in text and "3 envelopes" in text and "2 changes" in text
    assert tab.relaying_label.accessibleName()
