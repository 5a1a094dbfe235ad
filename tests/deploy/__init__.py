"""Tests of the deployment files under `deploy/`."""
