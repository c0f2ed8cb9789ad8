from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.postgres import client_program, connection_arguments, run


class Command(BaseCommand):
    help = (
        "Write the whole database (calls, search index, uploads, users) to PATH with pg_dump, in its "
        "custom format. `manage.py restore PATH` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    def handle(self, *, path: Path, force: bool, **options):
        if path.exists() and not force:
            raise CommandError(f"{path} exists: give another path, or --force to overwrite it")
        arguments, environment = connection_arguments()
        # Written beside PATH, then renamed: an interrupted dump never leaves a truncated backup
        # under the name of a good one.
        partial = path.with_name(path.name + ".partial")
        try:
            run(
                [client_program("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", *arguments],
                environment,
            )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"backup written to {path} ({path.stat().st_size:,} bytes)")
