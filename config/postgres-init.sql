-- docker-compose: the metadata databases beside the warehouse (esup), as the local path creates them.
create database airflow;
create database superset;
