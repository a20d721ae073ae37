"""Real PostgreSQL and Redis servers on loopback for tests, in a temporary directory.

Uses Debian's binaries (`.ci/run` installs postgresql and redis-server). PostgreSQL refuses to
run as root, so as root the cluster runs as the `postgres` system user.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.servers import free_port


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found: install Debian's postgresql package")
    return found


def _as_postgres(cmd):
    return ["runuser", "-u", "postgres", "--"] + cmd if os.geteuid() == 0 else cmd


class Postgres:
    def __init__(self, workdir: Path):
        # its own directory: pytest's tmp tree is private to root, and the server runs as postgres
        self.dir = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.port = free_port()
        self.user, self.password, self.db = "clinic", "clinic-test-pw", "clinic"

    def start(self) -> "Postgres":
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w",
                                     "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"]),
                       check=True, capture_output=True)
        psql = _as_postgres([_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c"])
        subprocess.run(psql + [f"CREATE USER {self.user} PASSWORD '{self.password}'"], check=True, capture_output=True)
        subprocess.run(psql + [f"CREATE DATABASE {self.db} OWNER {self.user}"], check=True, capture_output=True)
        return self

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
                                     "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", *args]),
                       check=True, capture_output=True)

    def pause(self):
        """Stop the server (fast shutdown: open connections are cut), keeping its data."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def resume(self):
        self._pg_ctl("-w", "start")

    def stop(self):
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.db}"

    def env(self):
        return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.port), "POSTGRES_DB": self.db,
                "POSTGRES_USER": self.user, "POSTGRES_PASSWORD": self.password}


class Redis:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.dir = Path(workdir)
        self.process = None

    def start(self) -> "Redis":
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.dir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        client = redis.Redis(host="127.0.0.1", port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)

    def env(self):
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port), "REDIS_PASSWORD": ""}
