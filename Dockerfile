# The official Airflow image with the project installed (DAGs, the nscl package, templates).
FROM apache/airflow:3.3.2-python3.11
USER root
COPY . /opt/nscl
RUN chown -R airflow: /opt/nscl
USER airflow
RUN pip install --no-cache-dir /opt/nscl
ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/nscl/dags NSCL_DATA_DIR=/opt/nscl/data
