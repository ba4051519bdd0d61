"""Statistics submissions through the receiving body's relay mailbox (issue 22, item 5):
delivered beside referrals, collected by family, the relay's store holds nothing readable."""

from __future__ import annotations

from pathlib import Path

from shelterdesk.domain.quarters import Quarter
from shelterdesk.reports.referral_send import refer_and_seal
from shelterdesk.reports.statistics.submission import submit
from shelterdesk.store.exchange import identity, submissions
from shelterdesk.store.records import case_list
from shelterdesk.sync import referral_mailbox
from tests.statistics_exchange_helpers import QUARTER_DAY, coalition
from tests.test_referral_mailbox import _dump, _on_relay


def test_a_submission_travels_through_the_mailbox_beside_a_referral(relay_store,
                                                                     tmp_path: Path) -> None:
    store, url = relay_store
    with running(store) as base:
        made = coalition(tmp_path, count=1)
        try:
            ministry, sender = made.ministry, made.senders[0]
            entry = made.ministry_entry[0]
            _on_relay(ministry, base, store)
            # the ministry's code now names its mailbox: the same keys stay confirmed
            identity.add_partner_code(sender, entry.id, identity.our_code(ministry))
            assert identity.partner_keys(sender, entry.id).confirmed
            data = submit(sender, Quarter(2026, 1), entry.id, today=QUARTER_DAY)
            referral_mailbox.deliver_to_partner(sender, entry.id, data, "stats.file.delivered")
            case_code = case_list.list_cases(sender, limit=1)[0].case_code
            _referral, sealed = refer_and_seal(sender, case_code, entry.name)
            referral_mailbox.deliver_to_partner(sender, entry.id, sealed)

            dump = _dump(store, url, tmp_path)
            for secret in (b"2026Q1", "Təmiz".encode(), b"Daxili", b"female",
                           b"statistics", case_code.encode()):
                assert secret not in dump, secret

            referrals_only = referral_mailbox.collect(ministry)  # a case worker's collect
            assert [r.kind for r in referrals_only.applied] == ["referral"]
            assert submissions.submissions(ministry) == []  # left at the relay for its family
            found = referral_mailbox.collect(ministry, "statistics")
            assert [(r.kind, r.status) for r in found.applied] == [("statistics", "2026Q1")]
            assert referral_mailbox.collect(ministry, "statistics").applied == []  # taken

            referral_mailbox.deliver_to_partner(sender, entry.id, data, "stats.file.delivered")
            again = referral_mailbox.collect(ministry, "statistics")
            assert again.applied == [] and "opened here before" in again.refused[0]
            assert len(submissions.submissions(ministry, "2026Q1")) == 1
        finally:
            made.close()


def running(store):
    from tests.relay_helpers import running_relay

    return running_relay(store)
