"""Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL from `pgserver`;
and its read replicas, DATABASE_REPLICA_URLS (none unless set; config/routers.py sends reads there).

The embedded server keeps its data in a git-ignored folder of the project, so runserver, management
commands and tests share it, and a new user needs no database install.
"""

import atexit
import os
import re
import warnings
from pathlib import Path

import dj_database_url


def database_config(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = embedded_database_url(Path(os.environ.get("CALLVAULT_PGDATA", base_dir / ".pgdata")))
    return url_config(url)


def replica_configs() -> dict[str, dict]:
    """replica1, replica2, ...: one alias per URL of DATABASE_REPLICA_URLS (comma-separated), in order."""
    urls = [url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()]
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = url_config(url)
        # A replica is the primary's own data: the test runner creates no database on it (it could
        # not, read-only) and points it at the primary's test database instead.
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def url_config(url: str) -> dict:
    """A DATABASES entry for `url`, with the settings every connection of ours gets."""
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    config["CONN_HEALTH_CHECKS"] = True
    # A common word matches a quarter of a million paragraphs: with PostgreSQL's default 4 MB its
    # bitmap turns lossy and every row of every page it covers is checked again, and the total is no
    # longer counted from the index alone. Set per connection, so it holds on any server.
    work_mem = os.environ.get("DATABASE_WORK_MEM", "64MB").strip()
    if not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
        raise ValueError(f"DATABASE_WORK_MEM must look like 64MB or 512kB, not {work_mem!r}")
    options = config.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c work_mem={work_mem}".strip()
    return config


def embedded_database_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server and return its URL; it stops when its last user exits."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: production never needs it

    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # `pgserver` keeps a list of the processes using the server and stops it when the last one exits,
    # so a test run or a dev server leaves nothing running behind it. A process killed by a signal
    # (kill, a closed terminal, the OOM killer) runs no exit handler and stays on that list for good,
    # and then no later process is ever the last: the dead are dropped when a process starts and
    # again just before pgserver's own exit handler looks (atexit runs the later-registered first).
    forget_dead_users(data_dir)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    atexit.register(forget_dead_users, data_dir)
    return server.get_uri()


def forget_dead_users(data_dir: Path) -> None:
    """Drop the processes that no longer exist from pgserver's list of the server's users."""
    import psutil  # a dependency of pgserver
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    users = DiskList(data_dir / ".handle_pids.json")
    with PostgresServer._lock:
        try:
            pids = users.get()
        except ValueError:  # a list cut short by a crash: only the living can be on it
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid) and pid != 0]
        if alive != pids:
            users.put(alive)
