"""A contract suite that checks any implementation of the Audit Log & Project API."""
