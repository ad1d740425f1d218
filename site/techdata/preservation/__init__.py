"""Preservation (issue 17; CD-TD Art. 17, 25): a second checksum of every file and the
administrators' report of backups, WAL archiving, fixity checks and restore drills.

- ``models.FileSha256``: the SHA-256 of each stored file, recorded when its upload is
  committed (``components.Sha256Component``), beside InvenioRDM's MD5 (two independent
  checksums, as Zenodo keeps); ``scripts/backup`` and ``scripts/backup --check`` verify both.
- ``service.PreservationService.report``: what ``scripts/backup``, ``scripts/backup --check``
  and ``scripts/restore`` wrote into ``.services/backup/``, the archiver's state and the
  scheduled fixity check's results, for the page ``/preservation/`` (``views``).
"""
