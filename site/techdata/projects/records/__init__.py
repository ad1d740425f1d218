"""The project record: model, JSON schema, search mapping."""
