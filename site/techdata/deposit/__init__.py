"""The Chengdu deposit model: categories, classification levels, directory fields.

``fields`` declares the ``cdtd:`` custom fields, ``rules`` the rules a deposit
must keep (CD-TD Art. 2, 14, 18; LZ Art. 16), enforced at the service layer
by ``techdata.components.DepositRulesComponent``; ``config`` wires both into
InvenioRDM (custom fields, form sections, facets, search).
"""
