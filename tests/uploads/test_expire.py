"""`manage.py uploads_expire`: pending uploads never confirmed go after a set time, with their bytes."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from tests.uploads.people import uploader
from uploads.models import Upload


def expire(*args) -> str:
    out = io.StringIO()
    call_command("uploads_expire", *args, stdout=out)
    return out.getvalue()


class ExpireTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = uploader()

    def make(self, status: str, *, hours_ago: float, name: str = "") -> Upload:
        upload = Upload.objects.create(
            file_name=name or f"{status}-{hours_ago}.txt",
            data=b"the bytes of " + status.encode(),
            size=20,
            status=status,
            uploaded_by=self.staff,
        )
        # uploaded_at is set on creation (auto_now_add): moved back in time here.
        Upload.objects.filter(pk=upload.pk).update(
            uploaded_at=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
        return upload

    def stored_bytes(self, upload: Upload):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT data FROM {Upload._meta.db_table} WHERE id = %s", [upload.pk])
            row = cursor.fetchone()
        return bytes(row[0]) if row else None

    def test_only_pending_uploads_older_than_the_limit_go_with_their_bytes(self):
        old_pending = self.make("pending", hours_ago=30)
        fresh_pending = self.make("pending", hours_ago=2)
        statuses = {"stored", "unchanged", "cancelled", "failed"}
        decided = [self.make(status, hours_ago=30) for status in statuses]
        self.assertEqual(self.stored_bytes(old_pending), b"the bytes of pending")

        out = expire("--older-than-hours", "24")

        self.assertEqual(out, "removed 1 pending upload older than 24 hours\n")
        self.assertFalse(Upload.objects.filter(pk=old_pending.pk).exists())
        self.assertIsNone(self.stored_bytes(old_pending))
        self.assertTrue(Upload.objects.filter(pk=fresh_pending.pk).exists())
        self.assertEqual(
            set(Upload.objects.filter(pk__in=[u.pk for u in decided]).values_list("status", flat=True)),
            statuses,
        )
        self.assertEqual(
            expire("--older-than-hours", "24"), "removed 0 pending uploads older than 24 hours\n"
        )
        self.assertEqual(expire("--older-than-hours", "1"), "removed 1 pending upload older than 1 hour\n")

    def test_the_default_is_a_day_unless_the_setting_says(self):
        self.make("pending", hours_ago=23)
        self.make("pending", hours_ago=25)
        self.assertEqual(expire(), "removed 1 pending upload older than 24 hours\n")
        with override_settings(UPLOADS_PENDING_HOURS=3):
            self.assertEqual(expire(), "removed 1 pending upload older than 3 hours\n")
        self.assertFalse(Upload.objects.exists())

    def test_no_limit_under_an_hour(self):
        upload = self.make("pending", hours_ago=0.1)
        with self.assertRaisesMessage(CommandError, "at least 1"):
            expire("--older-than-hours", "0")
        self.assertTrue(Upload.objects.filter(pk=upload.pk).exists())
