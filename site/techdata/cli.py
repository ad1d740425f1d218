"""``invenio techdata ...``: set-up, health, and the commands of the packages.

Production commands (``upgrade``, ``roles``, ``status`` and the packages'
groups) import nothing from ``techdata.demo`` or ``techdata.bench``: those two
commands are loaded only when they are run (:class:`LazyGroup`).
"""

import importlib
import json
import os

import click
from flask.cli import with_appcontext

from . import upgrade as setup
from .audit.cli import audit_cli
from .certificates.cli import certificate_cli
from .directory.cli import directory_cli
from .entities.cli import entities_cli
from .health import collect_health
from .kernel.roles import ensure_roles
from .projects.cli import projects_cli
from .workdays.cli import calendar_cli


def absolute_instance_path(environ=os.environ):
    """Make a relative ``INVENIO_INSTANCE_PATH`` absolute (from the working directory).

    The README runs the CLI as ``INVENIO_INSTANCE_PATH=.services/instance
    invenio ...``; Flask refuses a relative instance path with a traceback.
    The Flask CLI imports its plugin commands (this module) before it creates
    the app, so resolving the path here is in time.
    """
    path = environ.get("INVENIO_INSTANCE_PATH")
    if path and not os.path.isabs(path):
        environ["INVENIO_INSTANCE_PATH"] = os.path.abspath(path)


absolute_instance_path()


class LazyGroup(click.Group):
    """A click group whose ``lazy`` sub-commands are imported only when used.

    ``lazy`` maps a command name to ``"module:attribute"`` (click's documented
    lazy-loading pattern).
    """

    def __init__(self, *args, lazy=None, **kwargs):
        """A group with the sub-commands of ``lazy`` besides the added ones."""
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx):
        """Names of the added and of the lazy sub-commands."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx, name):
        """The sub-command ``name``, imported now if it is a lazy one."""
        if name in self.lazy:
            module, attribute = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy={
    "demo": "techdata.demo.cli:demo",
    "bench-seed": "techdata.bench.seed:bench_seed",
    "import": "techdata.importer.cli:import_command",
})
def techdata():
    """Chengdu tech-data repository commands."""


techdata.add_command(audit_cli)
techdata.add_command(calendar_cli)
techdata.add_command(certificate_cli)
techdata.add_command(directory_cli)
techdata.add_command(entities_cli)
techdata.add_command(projects_cli)


@techdata.command("roles")
@with_appcontext
def roles():
    """Create the domain roles that are missing."""
    click.echo(f"roles created: {len(ensure_roles())}")


@techdata.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def status(as_json):
    """Report database and search-index health and record counts."""
    report = collect_health()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for name, item in report.items():
        click.echo(f"{name:<22} {item}")


@techdata.command("upgrade")
@click.option("--no-index-catch-up", is_flag=True,
              help="Do not reindex the last day's changes (after a restore, which rebuilds "
                   "every index).")
@with_appcontext
def upgrade(no_index_catch_up):
    """Bring an existing database up to the code: tables, indices, roles, centre, OAI set."""
    for label, result in setup.upgrade(catch_up=not no_index_catch_up):
        click.echo(f"{label}: {result}")
