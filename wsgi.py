"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""

import gc

from hiring import create_app

app = create_app()

# Garbage collector, for a long-running server process. The app's modules, templates and
# mappings are ~135,000 objects that live as long as the process: frozen, a full collection
# no longer walks them (one came every ~150 debrief requests and took ~80 ms). A debrief
# allocates a few thousand objects that its response frees again by reference counting; at
# the default threshold (700) the young generation was collected about twice per debrief.
# Measured in-process: collections took 0.85 ms of an average debrief, 0.05 ms with these
# two settings, and the average debrief went from 13.3 to 11.6 ms (docs/benchmarks.md,
# "Debrief throughput"). Reference counting still frees almost everything at once; only
# reference cycles wait for the rarer collections.
gc.freeze()
gc.set_threshold(10_000, 10, 10)
