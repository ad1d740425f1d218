"""``scripts/bench``'s own command line."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_help_prints_the_usage_and_touches_nothing():
    """``--help`` (and ``-h``) print the usage and end: nothing is seeded or started (it
    once seeded 10,000 records, the default N)."""
    for flag in ("--help", "-h"):
        out = subprocess.run([str(ROOT / "scripts" / "bench"), flag], capture_output=True,
                             text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert "scripts/bench [-n N]" in out.stdout and "scripts/bench vanilla" in out.stdout
        assert "seeding" not in out.stdout + out.stderr
        assert not out.stdout.startswith("#")
