"""The staff page "Báo cáo NSCL": a FastAPI app that Airflow's API server mounts at ``/nscl``
(``plugins/nscl_staff_page.py`` registers it).

- ``common``: constants, formatting, the year parameter;
- ``auth``: who may read and who may change things (``require_read`` / ``require_write``),
  same-origin checks, the page's roles;
- ``render``: the Jinja templates (``templates/``), ``render(request, template, **ctx)``,
  Vietnamese error pages;
- ``queries``: what the pages show, read from the store through the pipeline's own
  computations (``nscl.consolidate.status.year_status``, ``nscl.store.receipts``);
- ``uploads``: files staff upload for an agency;
- ``routes/``: one APIRouter per tab; ``app.create_app`` assembles them.
"""
