"""The users of the upload pages' tests: staff who may upload, and staff who may also see everyone's."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission


def staff_with(username: str, *codenames: str, password: str = "pw-staff-1"):
    """A staff user holding the given permissions of the uploads app (e.g. "add_upload")."""
    user = get_user_model().objects.create_user(username, password=password, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="uploads", codename__in=codenames)
    )
    return user


def uploader(username: str = "staff", *, password: str = "pw-staff-1"):
    """Staff who may upload, and see their own uploads only."""
    return staff_with(username, "add_upload", password=password)
