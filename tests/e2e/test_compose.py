"""docker-compose.yaml is valid against the Compose specification and in step with the native
production shape (deploy/native.py): the same shared settings, images and data volume; every
secret comes from the environment, without a default.

The schema is deploy/compose-spec.json, vendored from Debian's docker-compose package
(1.29.2, /usr/lib/python3/dist-packages/compose/config/compose_spec.json). Where that package's
`docker-compose` is installed, `docker-compose config` is run on the file too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import native  # noqa: E402

COMPOSE = ROOT / "docker-compose.yaml"
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
}
DUMMY_SECRETS = {
    "POSTGRES_PASSWORD": "pg-test",
    "REDIS_PASSWORD": "redis-test",
    "AIRFLOW_FERNET_KEY": "x" * 43 + "=",
    "AIRFLOW_API_SECRET_KEY": "api-test",
    "AIRFLOW_JWT_SECRET": "jwt-test",
    "NSCL_SMTP_URI": "smtp://user:pass@mail.example:587",
    "NSCL_ALERT_EMAILS": "ops@example.invalid",
    "NSCL_ADMIN_USER": "admin",
    "NSCL_ADMIN_PASSWORD": "admin-test",
    "NSCL_ADMIN_EMAIL": "admin@example.invalid",
    "NSCL_SITE_ADDRESS": "baocao.example.invalid",
    "NSCL_BASE_URL": "https://baocao.example.invalid",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def images() -> dict[str, str]:
    return native.read_env_file(native.IMAGES_ENV)


def test_valid_against_the_compose_specification(compose):
    from jsonschema import Draft201909Validator

    schema = json.loads((ROOT / "deploy" / "compose-spec.json").read_text(encoding="utf-8"))
    errors = sorted(Draft201909Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_production_shape_services(compose):
    services = compose["services"]
    assert AIRFLOW_SERVICES | {"postgres", "redis"} <= set(services)
    # The same components as the native launcher, with the same commands.
    for name, argv in native.COMPONENTS.items():
        extra = ["--proxy-headers"] if name == "airflow-apiserver" else []  # behind the TLS proxy
        assert services[name]["command"].split() == argv + extra, name
    # Workers scale: no fixed container name or host port on the worker.
    assert "container_name" not in services["airflow-worker"]
    assert "ports" not in services["airflow-worker"]
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in services[name], name


def test_same_settings_as_the_native_setup(compose, tmp_path):
    shared = native.read_env_file(native.AIRFLOW_ENV)
    assert shared["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert shared["AIRFLOW__CORE__AUTH_MANAGER"].endswith("FabAuthManager")
    stack = native.NativeStack(
        tmp_path / "home", tmp_path / "data", "postgresql+psycopg2://x@h/db", "redis://h/0"
    )
    native_env = stack.env()
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ["deploy/airflow.env"], name
        env = service["environment"]
        overridden = set(env) & set(shared)
        assert not overridden, f"{name} overrides shared settings {overridden}: change deploy/airflow.env"
        for key in native.HOST_SPECIFIC + native.SECRETS:
            assert key in env, f"{name} lacks {key}"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")
    # The native processes get the very same shared settings, and set the same other keys.
    for key, value in shared.items():
        assert native_env[key] == value, key
    for key in native.HOST_SPECIFIC + native.SECRETS:
        assert native_env.get(key), key
    assert (
        native_env["AIRFLOW__CELERY__RESULT_BACKEND"]
        == "db+" + native_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    )


def test_same_images(compose, images):
    services = compose["services"]
    assert services["postgres"]["image"] == images["POSTGRES_IMAGE"]
    assert services["redis"]["image"] == images["REDIS_IMAGE"]
    for name in AIRFLOW_SERVICES:
        assert services[name]["build"]["args"]["AIRFLOW_IMAGE"] == images["AIRFLOW_IMAGE"], name
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"ARG AIRFLOW_IMAGE={images['AIRFLOW_IMAGE']}\n" in dockerfile
    assert "FROM ${AIRFLOW_IMAGE}" in dockerfile
    # The project's own Airflow pin admits the image's version.
    version = images["AIRFLOW_IMAGE"].split(":")[1].split("-")[0]
    assert re.match(r"3\.\d+\.\d+$", version)


def test_data_folder_on_a_volume(compose):
    data_dir = compose["x-airflow-common"]["environment"]["NSCL_DATA_DIR"]
    assert "nscl-data" in compose["volumes"]
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert service["environment"]["NSCL_DATA_DIR"] == data_dir
        assert f"nscl-data:{data_dir}" in service["volumes"], name
    assert "postgres-db" in compose["volumes"]


def _secret_refs(value: str) -> list[str]:
    return re.findall(r"\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}", value)


def test_no_default_secrets(compose):
    """Every password, key or secret is `${VAR:?message}`: required, with no default."""
    secretish = re.compile(r"PASSWORD|SECRET|FERNET|_KEY$|SMTP|CONN$|BROKER_URL|RESULT_BACKEND")
    checked = 0
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        for key, value in env.items():
            if not secretish.search(key):
                continue
            refs = _secret_refs(str(value))
            assert refs, f"{name}.{key} is a literal: secrets come from the environment"
            for var, modifier in refs:
                assert modifier.startswith(":?"), f"{name}.{key} gives ${{{var}}} a default"
            checked += 1
    assert checked >= 8
    raw = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"airflow:airflow@|PASSWORD:-", raw)


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="Debian's docker-compose is not installed")
def test_docker_compose_config():
    env = {k: v for k, v in os.environ.items() if k not in DUMMY_SECRETS}
    ok = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "config", "-q"],
        env={**env, **DUMMY_SECRETS},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr


def test_api_server_only_behind_the_tls_proxy(compose):
    """Plain HTTP never leaves the compose network: the proxy (deploy/Caddyfile) is the only
    service with host ports, terminates TLS and forwards to the API server, which trusts its
    X-Forwarded-Proto (--proxy-headers) so the login cookie is Secure; the FAB session cookie
    is Secure too (NSCL_COOKIE_SECURE, read by deploy/webserver_config.py)."""
    services = compose["services"]
    with_ports = {name for name, s in services.items() if s.get("ports")}
    assert with_ports == {"proxy"}
    proxy = services["proxy"]
    assert any(str(p).endswith(":443") for p in proxy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["environment"]["NSCL_UPSTREAM"] == "airflow-apiserver:8080"
    assert proxy["environment"]["NSCL_SITE_ADDRESS"].startswith("${NSCL_SITE_ADDRESS:?")
    assert services["airflow-apiserver"]["expose"] == [8080]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy {$NSCL_UPSTREAM}" in caddyfile and "tls {$NSCL_TLS}" in caddyfile
    env = compose["x-airflow-common"]["environment"]
    assert env["NSCL_COOKIE_SECURE"] == "1"
    assert env["AIRFLOW__API__BASE_URL"].startswith("${NSCL_BASE_URL:?")
    config = env["AIRFLOW__FAB__CONFIG_FILE"]
    assert config.startswith("/opt/nscl/") and (ROOT / config.removeprefix("/opt/nscl/")).is_file()
