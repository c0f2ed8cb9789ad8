from django.core.management.base import BaseCommand, CommandError

from config.database import forget_dead_users


class Command(BaseCommand):
    help = (
        "The embedded PostgreSQL (when DATABASE_URL is unset): `status` says whether it runs and who "
        "uses it; `stop` stops it now, whoever still uses it (they reconnect when it next starts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *, action: str, **options):
        import os

        from django.conf import settings

        if os.environ.get("DATABASE_URL", "").strip():
            raise CommandError("DATABASE_URL is set: this server is not the embedded one")
        from pathlib import Path

        from pgserver._commands import pg_ctl
        from pgserver.postgres_server import PostgresServer
        from pgserver.utils import DiskList

        data_dir = Path(os.environ.get("CALLVAULT_PGDATA", settings.BASE_DIR / ".pgdata")).resolve()
        forget_dead_users(data_dir)
        users = [pid for pid in DiskList(data_dir / ".handle_pids.json").get() if pid != os.getpid()]
        server = PostgresServer._instances.get(data_dir)
        if action == "status":
            self.stdout.write(f"running in {data_dir}; used by {len(users)} other process(es): {users}")
            return
        # This very command started or joined it (settings did): stop it for everyone, then leave the
        # list empty so that no one's exit tries again.
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=server.system_user if server else None)
        DiskList(data_dir / ".handle_pids.json").put([])
        self.stdout.write(f"stopped the embedded PostgreSQL in {data_dir}")
