"""Automatic sync when the network returns: QNetworkInformation's reachability turning Online
starts a sync at once, without waiting for the one-minute retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtNetwork import QNetworkInformation

from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Vault
from shelterdesk.ui.common.background import operations_in_flight
from tests.conftest import ADMIN, ADMIN_PASSPHRASE
from tests.gui_helpers import WAIT_MS, make_window, unlock
from tests.test_ui_sync import set_up_sync_folder, wait_idle

pytestmark = pytest.mark.gui
Reachability = QNetworkInformation.Reachability


def test_network_returning_online_syncs_at_once(qtbot, vault: Vault, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    window = make_window(qtbot, vault, sync_interval_ms=3_600_000)
    unlock(qtbot, window, ADMIN, ADMIN_PASSPHRASE)
    set_up_sync_folder(qtbot, window, shared)
    wait_idle(qtbot, window)
    auto = window.auto_sync
    auto.retry_ms = 3_600_000  # only the network event may start the next sync

    def network_says(state: QNetworkInformation.Reachability) -> None:
        # Through the backend's own signal when one loaded (as the system would tell it);
        # offscreen without a backend, the slot the signal is wired to.
        if auto.network is not None:
            auto.network.reachabilityChanged.emit(state)
        else:
            auto.on_reachability_changed(state)

    organisations.add_organisation(window.session, Organisation("After the outage", "ngo"))
    started: list[bool] = []
    auto.started.connect(lambda: started.append(True))
    # Losing the network, or a half-open one, starts nothing.
    for state in (Reachability.Disconnected, Reachability.Local, Reachability.Site):
        network_says(state)
    assert not started
    with qtbot.waitSignal(auto.finished, timeout=WAIT_MS) as finished:
        network_says(Reachability.Online)
    assert started == [True]
    assert finished.args[0].sent_changes > 0
    # After lock no session is left to sync: the event is ignored.
    window.close()
    qtbot.waitUntil(lambda: operations_in_flight() == 0, timeout=WAIT_MS)
    assert not auto.sync_now("network")
