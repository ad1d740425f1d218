"""Deposit certificates (汇交凭证), CD-TD Art. 15 and LZ Art. 38.

When a project's deposits pass the acceptance gate, the platform issues a
certificate stating the project, its datasets, their DOIs and CSTR
identifiers and the checksums of the deposited files. The statement (the
certificate's *body*) is signed with the platform's Ed25519 key, so that
anyone can check it - on ``/certificates/verify``, over REST, or offline with
``scripts/verify-certificate`` and the published public key - and any change
to it makes verification fail (tamper evidence, LZ Art. 38).

- :mod:`.signing`: the key, the canonical form, sign and verify;
- :mod:`.api`: issue, read and verify certificates (called by ``projects``);
- :mod:`.pdf`: the bilingual PDF, with the signed JSON attached;
- :mod:`.views`: ``/api/certificates/...`` and the public verify page;
- :mod:`.cli`: ``invenio techdata certificate verify|public-key|show``.
"""
