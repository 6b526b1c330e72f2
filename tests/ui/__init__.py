"""Helpers for the staff page's tests: sample data and a local Airflow API server."""


def load_staff_page():
    """The staff page's read side (``nscl.staff_page.queries``: ``list_reports`` and the rest),
    for tests outside the page's own that look at what it lists."""
    from nscl.staff_page import queries

    return queries
