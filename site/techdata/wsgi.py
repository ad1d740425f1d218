"""The WSGI application ``scripts/run`` serves: InvenioRDM's, its start-up heap frozen.

A web worker holds ~480,000 objects once InvenioRDM's application is built
(schemas, vocabularies, templates, SQLAlchemy's mappers). Every search leaves
some 10,000 objects in reference cycles, so Python's full collection ran every
five or six requests and walked the whole heap each time: 220 ms added to one
request in twenty (the p95 of search and facets, issue 21). Collected once and
frozen here (``gc.freeze``), what the application built at start-up is no
longer walked; a full collection then walks what requests made, ~14,000
objects, in under 10 ms.

Import it in the process that serves requests (gunicorn's worker: without
``--preload`` each worker imports it after its fork).
"""

import gc

from invenio_app.wsgi import application

__all__ = ("application",)

gc.collect()
gc.freeze()
