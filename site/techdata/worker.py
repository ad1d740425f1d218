"""The Celery application ``scripts/run`` starts: InvenioRDM's, its start-up heap frozen.

As in ``techdata.wsgi``: the worker holds InvenioRDM's whole application, and a
full collection walked it every few tasks (indexing, notifications, the audit
entries' index copies), CPU taken from the web workers on the same cores.
Frozen in the parent before the pool forks, the children inherit the frozen
objects: their collections leave them alone, and so their pages stay shared.
"""

import gc

from invenio_app.celery import celery

__all__ = ("celery",)

gc.collect()
gc.freeze()
