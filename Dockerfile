# The official Airflow image with the project installed: DAGs, the nscl package (editable, so
# its data files, templates and dags/ stay where the code expects them), plugins, templates.
# The image must match deploy/images.env (tests/test_compose.py checks it).
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${AIRFLOW_IMAGE}

USER root
COPY --chown=airflow:0 . /opt/nscl
RUN mkdir -p /opt/nscl/data && chown airflow:0 /opt/nscl/data && chmod 2775 /opt/nscl/data

USER airflow
# Pin Airflow to the image's own version so installing the project never up- or downgrades it.
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -e /opt/nscl

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/nscl/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/nscl/plugins \
    NSCL_DAGS_FOLDER=/opt/nscl/dags \
    NSCL_DATA_DIR=/opt/nscl/data \
    GX_ANALYTICS_ENABLED=false
WORKDIR /opt/nscl
