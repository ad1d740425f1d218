"""Persistent identifiers of published datasets: DataCite DOIs and CSTR.

- **DOI** (DataCite): every published version gets a DOI, and its concept
  (all versions, the parent record) a concept DOI, both through InvenioRDM's
  DataCite provider, configured from ``TD_DATACITE_*`` environment variables
  (``invenio.cfg``). A DOI is registered only for a record whose metadata is
  public: a 不予开放 record (``cdtd:opening_type`` ``none``, published with
  ``access.record == "restricted"``) gets no DOI at all, and the DOI of a
  record restricted later is hidden at DataCite (``event: hide``; DataCite
  never deletes a findable DOI). A registration that fails on DataCite's
  side (5xx, network) is retried by Celery with exponential backoff
  (``techdata.identifiers.tasks``) and listed for administrators at
  ``/api/techdata/identifiers/pending``.
- **CSTR** (GB/T 32843, 科技资源标识): the registration certificate (登记凭证)
  of deposited data (XC) names a CSTR, ``CSTR:<agency>.<type>.<local>``.
  One CSTR is minted per dataset, on its parent record, at its first
  publication, whatever its access class (a 不予开放 record gets one too);
  every later version and edit keeps it, and ``/cstr/<id>`` resolves to the
  latest version for whoever may read it (to anyone else the CSTR of a
  不予开放 record answers like an unknown one: CD-TD Art. 18, 24). Its local part comes from a database sequence, so a CSTR
  is unique and never issued twice, even after a deletion.
"""
