from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operators' commands (backup, restore, the embedded server): no models, no URLs."""

    name = "ops"
    verbose_name = "Operations"
