from django.db import migrations, models


def fill_family_names(apps, schema_editor):
    # calls.people is pure Python with no models: safe to use from a migration.
    from calls.people import name_tokens

    def family_name(name):
        words = name_tokens(name)
        return words[-1][:100] if words else ""

    Speaker = apps.get_model("calls", "Speaker")
    speakers = list(Speaker.objects.only("pk", "name"))
    for speaker in speakers:
        speaker.family_name = family_name(speaker.name)
    Speaker.objects.bulk_update(speakers, ["family_name"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0002_utterance_period_and_company"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="family_name",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill_family_names, migrations.RunPython.noop),
    ]
