"""Values the deposit form starts with (``APP_RDM_DEPOSIT_FORM_DEFAULTS``).

Open is the rule (CD-TD Art. 18): sharing and opening start unconditional.
The project page's "deposit this dataset" link (issue 13) opens the form
with ``?project=<number>&plan_key=<key>``: the form then starts with the
project and the planned dataset filled in, so neither is retyped. The values
are only a start: the service checks them on save like typed ones
(``ProjectLinkComponent``: the project exists, the depositor takes part, the
key is planned).
"""

from flask import has_request_context, request

from .fields import NAMESPACE

PREFILL_ARGS = {"project": (f"{NAMESPACE}:project", 64),
                "plan_key": (f"{NAMESPACE}:project_dataset", 40)}
"""Query arguments the form takes: argument → (custom field, longest value kept)."""


def initial_custom_fields():
    """The ``custom_fields`` of a new deposit form, with the project link from the URL."""
    fields = {
        f"{NAMESPACE}:sharing_type": {"id": "unconditional"},
        f"{NAMESPACE}:opening_type": {"id": "unconditional"},
    }
    if has_request_context():
        for arg, (field, longest) in PREFILL_ARGS.items():
            value = "".join(ch for ch in request.args.get(arg, "")[:longest]
                            if ch.isprintable()).strip()
            if value:
                fields[field] = value
    return fields
