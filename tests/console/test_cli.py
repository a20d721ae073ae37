"""`python -m console init` / `users ...`: what the supervisor and the administrator run."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONSOLE_DB_URL": f"sqlite:///{tmp_path / 'console.db'}",
           "TRACKER_DB": str(tmp_path / "tracker.db"), "CALLBACK_DB_URL": f"sqlite:///{tmp_path / 'cb.db'}"}
    env.pop("POSTGRES_HOST", None)
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_init_creates_one_admin_once_and_users_can_be_managed(tmp_path):
    first = run(tmp_path, "init")
    assert first.returncode == 0 and "one-time password" in first.stdout
    password = first.stdout.strip().splitlines()[-1].strip()
    assert len(password) >= 20
    again = run(tmp_path, "init")
    assert again.returncode == 0 and password not in again.stdout and "1 user(s) exist" in again.stdout
    added = run(tmp_path, "users", "add", "robin", "--role", "frontdesk")
    assert added.returncode == 0 and "one-time password" in added.stdout
    assert run(tmp_path, "users", "add", "robin").returncode == 1  # exists
    assert run(tmp_path, "users", "disable", "robin").returncode == 0
    listing = run(tmp_path, "users", "list").stdout
    assert "robin" in listing and "disabled" in listing and "admin" in listing
