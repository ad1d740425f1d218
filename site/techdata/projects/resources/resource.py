"""``/api/projects``: registry, gate, acceptance decision, certificate.

- ``GET/POST /api/projects``, ``GET/PUT /api/projects/{number}``
- ``GET /api/projects/{number}/gate``
- ``POST /api/projects/{number}/acceptance``
- ``POST /api/projects/{number}/status`` (a status decision; the one way besides
  the acceptance decision that the status changes, CD-TD Art. 15)
- ``POST /api/projects/{number}/certificate``
"""

import marshmallow as ma
from flask import g
from flask_resources import resource_requestctx, response_handler, route
from invenio_records_resources.resources import RecordResource, RecordResourceConfig
from invenio_records_resources.services.base.config import ConfiguratorMixin
from invenio_records_resources.resources.records.resource import (
    request_data, request_view_args,
)


class ProjectResourceConfig(RecordResourceConfig, ConfiguratorMixin):
    """Routes of the project resource."""

    blueprint_name = "techdata_projects"
    url_prefix = "/projects"
    routes = {
        "list": "",
        "item": "/<pid_value>",
        "gate": "/<pid_value>/gate",
        "acceptance": "/<pid_value>/acceptance",
        "status": "/<pid_value>/status",
        "certificate": "/<pid_value>/certificate",
    }
    request_view_args = {"pid_value": ma.fields.Str()}


class ProjectResource(RecordResource):
    """Projects over REST."""

    def create_url_rules(self):
        """CRUD rules plus gate, acceptance and certificate."""
        routes = self.config.routes
        return [
            route("GET", routes["list"], self.search),
            route("POST", routes["list"], self.create),
            route("GET", routes["item"], self.read),
            route("PUT", routes["item"], self.update),
            route("GET", routes["gate"], self.gate),
            route("POST", routes["acceptance"], self.acceptance),
            route("POST", routes["status"], self.transition),
            route("POST", routes["certificate"], self.certificate),
        ]

    @request_view_args
    @response_handler()
    def gate(self):
        """The acceptance conditions, each with pass/fail and reason."""
        return self.service.gate(g.identity, resource_requestctx.view_args["pid_value"]), 200

    @request_view_args
    @request_data
    @response_handler()
    def acceptance(self):
        """Record the acceptance decision."""
        item = self.service.decide(
            g.identity, resource_requestctx.view_args["pid_value"], resource_requestctx.data
        )
        return item.to_dict(), 200

    @request_view_args
    @request_data
    @response_handler()
    def transition(self):
        """Record a status decision."""
        item = self.service.transition(
            g.identity, resource_requestctx.view_args["pid_value"], resource_requestctx.data
        )
        return item.to_dict(), 200

    @request_view_args
    @response_handler()
    def certificate(self):
        """Issue the deposit certificate (when deposits are complete)."""
        cert = self.service.certify(g.identity, resource_requestctx.view_args["pid_value"])
        return {"id": cert.id, "links": {"self": f"/api/certificates/{cert.id}"}}, 201
