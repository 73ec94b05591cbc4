# Image of the pipeline (Airflow 3 + dbt + GX + the esup package) for docker-compose.yml.
FROM apache/airflow:3.3.2-python3.11
USER root
# The annual report (esup report): CJK fonts and pango for WeasyPrint.
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /opt/esup && chown airflow: /opt/esup
USER airflow
WORKDIR /opt/esup
COPY --chown=airflow: pyproject.toml ./
COPY --chown=airflow: constraints ./constraints
COPY --chown=airflow: esup ./esup
RUN pip install --no-cache-dir -c constraints/pipeline.txt -e .
COPY --chown=airflow: dags ./dags
COPY --chown=airflow: dbt ./dbt
COPY --chown=airflow: expectations ./expectations
COPY --chown=airflow: config ./config
