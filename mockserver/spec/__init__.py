"""The OpenAPI document: loading it, its operations, parameter validation, problems."""
