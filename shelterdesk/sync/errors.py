"""Why an envelope, an invitation or a sync was refused: one typed error per cause."""

from __future__ import annotations

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_


class SyncError(UserFacingError):
    message = N_("Synchronisation failed.")


class EnvelopeRejected(SyncError):
    """An envelope that must not be applied. ``reason`` is a stable code for reports."""

    reason = "rejected"
    message = N_("An envelope was rejected.")
    # True when the envelope may become acceptable later (a key or a device not yet known).
    retry_later = False


class EnvelopeTruncated(EnvelopeRejected):
    reason = "truncated"
    message = N_("An envelope is truncated or has the wrong length.")


class EnvelopeMalformed(EnvelopeRejected):
    reason = "malformed"
    message = N_("An envelope is not in the expected format ({detail}).")


class WrongOrganisation(EnvelopeRejected):
    reason = "wrong_org"
    message = N_("An envelope belongs to another organisation.")


class UnknownDevice(EnvelopeRejected):
    reason = "unknown_device"
    message = N_("An envelope comes from a device this laptop does not know.")
    retry_later = True


class RevokedDevice(EnvelopeRejected):
    reason = "revoked_device"
    message = N_("An envelope comes from a device that was removed from the organisation.")


class BadSignature(EnvelopeRejected):
    reason = "bad_signature"
    message = N_("An envelope's signature does not match its sender (forged or altered).")


class TamperedEnvelope(EnvelopeRejected):
    reason = "tampered"
    message = N_("An envelope was altered: it does not decrypt under the organisation's key.")


class ChainBroken(EnvelopeRejected):
    reason = "chain_broken"
    message = N_("An envelope does not follow the sender's previous envelope (replayed or forked).")


class MissingEpochKey(EnvelopeRejected):
    reason = "missing_key"
    message = N_("An envelope is sealed with a key this laptop has not received yet.")
    retry_later = True


class SchemaTooNew(EnvelopeRejected):
    reason = "schema_too_new"
    message = N_("An envelope comes from a newer version of ShelterDesk; update this laptop.")
    retry_later = True


class RollbackDetected(SyncError):
    message = N_(
        "This vault no longer holds changes the other laptops have already received from it "
        "(it was probably restored from an older copy: change {have} here, {seen} seen "
        "elsewhere). Syncing is stopped for good so that nothing is overwritten; enroll this "
        "laptop again (see docs/sync.md)."
    )


class NotEnrolled(SyncError):
    message = N_("This laptop has not joined an organisation for syncing yet.")


class RelayUnavailable(SyncError):
    message = N_("Syncing through a relay is not available in this version yet; use --folder.")


class FolderUnusable(SyncError):
    message = N_("The sync folder “{path}” cannot be used: {reason}")


class VaultInSyncFolder(SyncError):
    message = N_(
        "The vault directory “{vault}” is inside a synced folder ({reason}). A live database "
        "in a Syncthing, Nextcloud or shared folder gets corrupted; move the vault out first."
    )


class InvalidEnrollmentCode(SyncError):
    message = N_("The enrollment code is mistyped (its check character does not match).")


class InvitationNotFound(SyncError):
    message = N_(
        "No invitation for this code was found in the sync folder: it was used already, "
        "has not arrived yet, or the code is wrong."
    )


class InvitationExpired(SyncError):
    message = N_("This enrollment code has expired; ask for a new one.")


class InvitationTaken(SyncError):
    message = N_("This enrollment code was already used by another laptop. If that was not "
                 "you, tell the coordinator, and ask for a new code.")


class EnrollmentOutdated(SyncError):
    message = N_("The invitation was made by another version of ShelterDesk. Update both "
                 "laptops to the same version, then ask for a new code.")


class EnrollmentTimedOut(SyncError):
    message = N_("The other laptop did not answer in time. Nothing was kept on this laptop; "
                 "ask the coordinator for a new code.")


class EnrollmentCancelled(SyncError):
    message = N_("Joining was cancelled before the coordinator confirmed. Nothing was kept on "
                 "this laptop; ask for a new code to try again.")


class SasMismatch(SyncError):
    message = N_("The digits do not match the ones this laptop computed, so no key was sent. "
                 "Someone may have intercepted the code: do not confirm, and make a new "
                 "invitation.")


class EnrollmentNotConfirmed(SyncError):
    message = N_("The new laptop has not asked to join with this code yet. Type the code "
                 "on the new laptop first, then confirm here.")


class UnknownDeviceId(SyncError):
    message = N_("There is no device “{device}” in this organisation.")


class LaptopNameInvalid(SyncError):
    message = N_("A laptop's name must be 1 to {max} characters, on one line.")


class CannotRevokeSelf(SyncError):
    message = N_("A laptop cannot remove itself; revoke it from another laptop.")


class EnrollmentFailed(SyncError):
    message = N_("Joining the organisation failed: {reason}. Nothing was kept on this laptop.")
