"""Blueprints: one module per capability, thin triggers over ``shared`` services."""
