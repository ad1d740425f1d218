"""``techdata.wsgi``: the application ``scripts/run`` serves, its start-up heap frozen."""

import os
import subprocess
import sys

PROBE = """
import gc, time
import techdata.wsgi as served
frozen = gc.get_freeze_count()
t = time.perf_counter()
gc.collect()
print(frozen, len(gc.get_objects()), round((time.perf_counter() - t) * 1000), served.application)
"""


def test_the_served_app_leaves_its_start_up_objects_out_of_full_collections():
    """Importing it builds InvenioRDM's application and freezes what it built: hundreds of
    thousands of objects that a full collection no longer walks (issue 21: the 220 ms
    collections behind the p95 of search)."""
    out = subprocess.run([sys.executable, "-c", PROBE], env=os.environ, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    frozen, tracked, _ms, app = out.stdout.strip().splitlines()[-1].split(maxsplit=3)
    assert int(frozen) > 100_000, out.stdout
    assert int(tracked) < int(frozen) // 10, out.stdout  # what a collection still walks
    assert "DispatcherMiddleware" in app or "Flask" in app, app
