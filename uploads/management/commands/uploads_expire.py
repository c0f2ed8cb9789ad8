"""Remove pending uploads never confirmed nor cancelled, with their bytes: run it daily (cron, a timer)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uploads.services import uploads_expire

# How long a preview may wait for its confirmation, unless settings.UPLOADS_PENDING_HOURS says.
DEFAULT_PENDING_HOURS = 24


class Command(BaseCommand):
    help = "Remove the pending uploads (never stored nor cancelled) older than a number of hours."

    def add_arguments(self, parser):
        default = getattr(settings, "UPLOADS_PENDING_HOURS", DEFAULT_PENDING_HOURS)
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=default,
            help=f"remove those received longer ago than this (default {default}, UPLOADS_PENDING_HOURS)",
        )

    def handle(self, *args, older_than_hours: int, **options):
        if older_than_hours < 1:
            raise CommandError("--older-than-hours must be at least 1: a preview being read now would go")
        removed = uploads_expire(older_than=datetime.timedelta(hours=older_than_hours))
        uploads = "upload" if removed == 1 else "uploads"
        hours = "hour" if older_than_hours == 1 else "hours"
        self.stdout.write(f"removed {removed} pending {uploads} older than {older_than_hours} {hours}")
