"""OAI-PMH 2.0 at ``/oai2d`` as harvesters expect it (QY Art. 23; LZ Art. 22; issue 14).

invenio-oaiserver serves the endpoint; this package changes it only through
its extension points:

- :mod:`.config`: building blocks of the ``OAISERVER_*`` keys that
  ``techdata.config`` assigns (a plain-string repository name, our search
  class, our ``oai_dc`` and DataCite formats);
- :mod:`.search`: stateless paging, so a resumption token can be used again
  until it expires (OAI-PMH 2.0 §3.5.1);
- :mod:`.protocol`: request checks invenio-oaiserver gets wrong (badVerb,
  cannotDisseminateFormat, mixed from/until granularity) and HTTP 200 for
  protocol errors (§3.6), hooked on the app by :func:`init_app`;
- :mod:`.sets`: the percolator queries of the OAI sets, registered once the
  custom-field mappings exist (set membership in record headers);
- :mod:`.formats`: ``oai_dc`` and ``oai_datacite`` through our serializers.
"""

from .protocol import init_app

__all__ = ("init_app",)
