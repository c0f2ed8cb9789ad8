from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.postgres import client_program, connection_arguments, run


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` file into the configured database, in one transaction. The "
        "database must be empty (a new one, not migrated) unless --replace, which drops what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="drop the tables the backup holds before restoring"
        )

    def handle(self, *, path: Path, replace: bool, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            tables = cursor.fetchone()[0]
        connection.close()
        if tables and not replace:
            raise CommandError(
                f"the database already has {tables} tables: restore into an empty database, or give "
                "--replace to drop and replace them"
            )
        arguments, environment = connection_arguments()
        command = [client_program("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error"]
        if replace:
            command += ["--clean", "--if-exists"]
        run([*command, *arguments, str(path)], environment)
        self.stdout.write(f"restored {path}")
