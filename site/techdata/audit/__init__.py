"""The audit trail's feature side: its actions, pages, export, verification (issue 16).

Recording is the kernel's (:mod:`techdata.kernel.audit`, hash chain in
:mod:`techdata.kernel.audit_chain`); this package names the actions (id,
Chinese/English label, object type, article), lets the bureau and auditors
search and export the trail (LZ Art. 21, 40), records downloads of protected
data, and verifies the chain (LZ Art. 38). Entries are kept at least five
years (CD-PD Art. 23); there is no delete path.
"""

from . import roles  # noqa: F401,E402  (registers the role-change listeners at app load)
