"""deploy/k8s, checked offline: every manifest against the Kubernetes JSON schemas (kubernetes-validate ships them),
the KEDA objects (custom resources, not in those schemas) structurally, and everything the manifests say about
Segbot against Segbot itself: commands parse, settings exist, probes hit the real endpoints, the scaling query runs
on a migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as kubernetes
from sqlalchemy import text

from bot.cli import build_parser
from bot.settings import Settings
from bot.slack.probes import LIVE_PATH, READY_PATH
from bot.storage.database import open_database

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
KEDA = "keda.sh/v1alpha1"
SETTINGS = {str(field.alias) for field in Settings.model_fields.values()}


def load(name: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")) if doc]


KUSTOMIZATION = load("kustomization.yaml")[0]
RESOURCES = [doc for name in KUSTOMIZATION["resources"] for doc in load(name)]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in RESOURCES if doc["kind"] == kind}


def containers() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(pod spec, container) of every workload."""
    found = []
    for doc in RESOURCES:
        if doc["kind"] in ("Deployment", "Job"):
            pod = doc["spec"]["template"]["spec"]
            found += [(pod, container) for container in pod["containers"]]
    return found


def test_the_kustomization_lists_every_manifest_and_only_those() -> None:
    assert KUSTOMIZATION["kind"] == "Kustomization"
    on_disk = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(KUSTOMIZATION["resources"]) == on_disk
    assert [image["name"] for image in KUSTOMIZATION["images"]] == ["segbot"]


@pytest.mark.parametrize("doc", [d for d in RESOURCES if not d["apiVersion"].startswith("keda.sh/")],
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")  # fmt: skip
def test_each_manifest_is_valid_against_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    kubernetes.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_can_fail() -> None:
    broken = {**of_kind("Service")["segbot-web"], "spec": {"ports": [{"port": "eighty"}]}}
    with pytest.raises(kubernetes.ValidationError):
        kubernetes.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_container_runs_a_real_segbot_command_with_real_settings_and_limits() -> None:
    config = of_kind("ConfigMap")["segbot"]["data"]
    secret = of_kind("Secret")["segbot"]["stringData"]
    assert set(config) <= SETTINGS, set(config) - SETTINGS
    assert set(secret) <= SETTINGS, set(secret) - SETTINGS
    for _, container in containers():
        command = container["command"]
        assert command[0] == "segbot" and container["image"] == "segbot"
        build_parser().parse_args(command[1:])  # exits (fails the test) on an unknown option
        assert {source.get("secretRef", source.get("configMapRef"))["name"] for source in container["envFrom"]} == {
            "segbot"
        }
        named = {entry["name"] for entry in container.get("env", [])}
        assert named - {"MPLCONFIGDIR"} <= SETTINGS
        assert container["resources"]["limits"]["memory"] and container["resources"]["requests"]["cpu"]


def test_probes_hit_the_endpoints_on_the_port_that_serves_them() -> None:
    health_port = int(of_kind("ConfigMap")["segbot"]["data"]["SEGBOT_HEALTH_PORT"])
    graceful = int(of_kind("ConfigMap")["segbot"]["data"]["SEGBOT_GRACEFUL_TIMEOUT"])
    for name, deployment in of_kind("Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        command = build_parser().parse_args(container["command"][1:])
        serving = command.port if command.command == "serve" else health_port
        assert container["livenessProbe"]["httpGet"]["path"] == LIVE_PATH, name
        assert container["startupProbe"]["httpGet"]["path"] == LIVE_PATH, name
        assert container["readinessProbe"]["httpGet"]["path"] == READY_PATH, name
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert ports[container[probe]["httpGet"]["port"]] == serving, (name, probe)
        assert pod["terminationGracePeriodSeconds"] > graceful, name
        template_annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert int(template_annotations["prometheus.io/port"]) == serving, name


def test_the_service_selects_the_web_pods() -> None:
    service = of_kind("Service")["segbot-web"]
    web = of_kind("Deployment")["segbot-web"]["spec"]["template"]
    assert service["spec"]["selector"].items() <= web["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == web["spec"]["containers"][0]["ports"][0]["name"]


def test_the_workers_scale_on_a_queue_depth_query_that_runs(tmp_path: Path) -> None:
    """The KEDA ScaledObject (a custom resource): its target, its authentication, and its query on a real schema."""
    scaled = of_kind("ScaledObject")["segbot-worker"]
    assert scaled["apiVersion"] == KEDA
    assert scaled["spec"]["scaleTargetRef"]["name"] in of_kind("Deployment")
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "postgresql" and int(trigger["metadata"]["targetQueryValue"]) >= 1
    authentication = of_kind("TriggerAuthentication")[trigger["authenticationRef"]["name"]]
    assert authentication["apiVersion"] == KEDA
    (reference,) = authentication["spec"]["secretTargetRef"]
    assert reference["parameter"] == "connection"
    assert reference["key"] in of_kind("Secret")[reference["name"]]["stringData"]
    engine = open_database(f"sqlite:///{tmp_path / 'segbot.db'}")
    with engine.begin() as connection:
        assert connection.execute(text(trigger["metadata"]["query"])).scalar() == 0
    engine.dispose()


def test_the_migration_job_upgrades_the_database() -> None:
    job = of_kind("Job")["segbot-migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["segbot", "db", "upgrade"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("OnFailure", "Never")
