"""Cluster access behind one Protocol: in-memory objects, kubectl dump snapshots, the live API."""
