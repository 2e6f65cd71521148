"""Adapters: an Azure and an embedded implementation of each port in ``shared.ports``."""
