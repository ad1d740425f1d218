"""Blueprint factory of the project REST resource."""



def create_api_blueprint(app):
    """The ``/api/projects`` blueprint (the resource lives on the extension)."""
    return app.extensions["techdata"].projects_resource.as_blueprint()
