"""When the window backs up by itself: on its schedule while unlocked, and on exit (settings)."""

from __future__ import annotations

from datetime import timedelta

from shelterdesk.store import settings
from shelterdesk.store.backups import schedule as backup_schedule
from shelterdesk.store.backups.schedule import ScheduledBackup
from shelterdesk.store.vault import Session


def scheduled_backup_if_due(session: Session) -> ScheduledBackup | None:
    """Back up into the chosen folder when the newest backup there is older than the
    schedule (``backup_every_hours``; 0 = only by hand). None when nothing was due."""
    hours = int(settings.get(session, "backup_every_hours"))
    if hours <= 0 or not backup_schedule.scheduled_backup_due(
            session, min_interval=timedelta(hours=hours)):
        return None
    return backup_schedule.run_scheduled_backup(session)


def backup_on_exit_if_due(session: Session) -> ScheduledBackup | None:
    """On closing the window: back up when ``backup_on_exit`` is on and the folder is there.

    The schedule's interval is not waited for: a person who asks for a backup on exit
    wants today's work in it (an hour apart at least, so quick restarts do not pile up).
    """
    if not settings.get(session, "backup_on_exit") or not backup_schedule.scheduled_backup_due(
            session, min_interval=timedelta(hours=1)):
        return None
    return backup_schedule.run_scheduled_backup(session)
