"""Helpers for the staff page's tests: sample data and a local Airflow API server."""
