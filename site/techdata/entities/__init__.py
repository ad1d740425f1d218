"""Legal entities, competent departments and memberships (issue 18).

The subject of duties is the entity (CD-TD Art. 4-5, 8, 9; QY Art. 5): an
account belongs to entities through verified memberships, and department
admins administer their departments. Every other feature scopes on this
through ``techdata.kernel.scopes``: the needs this package puts on an
identity when it is loaded (:mod:`.identity`). Reached through
:data:`.proxies.current_entities_service`.
"""
