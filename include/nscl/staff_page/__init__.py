"""The staff page "Báo cáo NSCL" (an Airflow API-server plugin app); ``plugins/`` registers it."""
