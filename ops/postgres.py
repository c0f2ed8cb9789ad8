"""The PostgreSQL client programs and how to reach the configured database with them."""

import os
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections


def client_program(name: str) -> str:
    """pg_dump, pg_restore... from pgserver's bundle (PostgreSQL 16, as new as the embedded server and
    the Docker image's), else from PATH."""
    try:
        from pgserver._commands import POSTGRES_BIN_PATH as bundled
    except ImportError:
        bundled = None
    if bundled is not None and (Path(bundled) / name).is_file():
        return str(Path(bundled) / name)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} was not found: install PostgreSQL's client programs")
    return found


def connection_arguments(alias: str = "default") -> tuple[list[str], dict]:
    """libpq options for the database `alias` (its socket folder or host, port, user, name), and an
    environment holding its password, which is never put on a command line."""
    settings = connections[alias].settings_dict
    options = settings.get("OPTIONS", {})
    arguments = []
    host = options.get("host") or settings.get("HOST")
    if host:
        arguments += ["--host", str(host)]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    arguments += ["--dbname", settings["NAME"]]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    if options.get("sslmode"):
        environment["PGSSLMODE"] = options["sslmode"]
    return arguments, environment


def run(command: list[str], environment: dict) -> None:
    # The program is one of ours (client_program), its arguments from settings: no shell, no user input.
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")
