"""Uploading now takes the permission uploads.add_upload (before, any staff member could).

Staff who could upload before this migration keep the permission, so a deploy locks nobody out;
seeing others' uploads (uploads.view_upload) is given to nobody: an administrator grants it.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_upload_to_staff(apps, schema_editor):
    # Permissions are made after all migrations ran (post_migrate); make this app's now.
    config = apps.get_app_config("uploads")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    add_upload = Permission.objects.filter(content_type__app_label="uploads", codename="add_upload").first()
    if add_upload is None:
        return
    for user in User.objects.filter(is_staff=True, is_superuser=False):
        user.user_permissions.add(add_upload)


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0002_upload_kind"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(grant_upload_to_staff, migrations.RunPython.noop)]
