"""Stores, embedders, hybrid retrieval and answer composition."""
