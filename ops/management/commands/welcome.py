"""What `./dev run` tells a newcomer before serving: where the site is, how to sign in as staff
(offering to create the admin account when there is none and someone is at the terminal), and how
to import more transcripts.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from calls.models import Call


class Command(BaseCommand):
    help = "Say where the site is, how to sign in to its admin and how to import more transcripts."
    stealth_options = ("stdin",)  # a terminal other than sys.stdin, as createsuperuser takes it

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the site will be served")
        parser.add_argument(
            "--python", default=".venv/bin/python", help="the interpreter to show in the commands given"
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="never ask (the default when stdin is not a terminal)",
        )

    def handle(self, *, url: str, python: str, interactive: bool, **options):
        url = url.rstrip("/")
        manage = f"{python} manage.py"
        out = self.stdout
        calls = Call.objects.count()
        out.write(f"\nThe archive holds {calls} call{'' if calls == 1 else 's'}.")

        admins = list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .order_by("pk")
            .values_list("username", flat=True)[:3]
        )
        if not admins and interactive and self._at_terminal(options):
            answer = self._ask("No admin account yet. Create one now (to upload in the browser)? [y/N] ")
            if answer.strip().lower() in {"y", "yes"}:
                call_command("createsuperuser", interactive=True, stdin=options.get("stdin") or sys.stdin)
                admins = list(
                    get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True)[:3]
                )
        out.write("\nAdmin (staff uploads, corrections, merges):")
        if admins:
            out.write(f"  sign in at {url}/admin/ as {', '.join(admins)}")
        else:
            out.write(f"  create an account:  {manage} createsuperuser")
            out.write(f"  then sign in at     {url}/admin/")
        out.write("\nMore transcripts:")
        out.write(f"  {manage} ingest path/to/folder          every *.txt below a folder")
        out.write(f"  {manage} ingest ../shared/seeds/*.txt   files (see README.md for JSON, XML, --dry-run)")
        out.write(f"  or upload them in the browser:  {url}/admin/uploads/new/\n")

    def _at_terminal(self, options) -> bool:
        stdin = options.get("stdin") or sys.stdin
        return hasattr(stdin, "isatty") and stdin.isatty()

    def _ask(self, question: str) -> str:
        try:
            return input(question)
        except EOFError:
            return ""
