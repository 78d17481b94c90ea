"""Containers that never start: image pulls, missing ConfigMaps/Secrets/keys, and bad entrypoints."""

# ruff: noqa: E501 -- registry errors and runtime messages are verbatim fixture data.

from devtools.heldout.base import base_cluster
from devtools.heldout.catalog_crashloop import crash_looping_alert
from devtools.heldout.events import config_error_trail, pull_failure_trail
from devtools.heldout.scenario import Scenario, alert_trigger, ask_trigger, event_trigger
from devtools.heldout.shapes import (
    container,
    env_configmap,
    env_secret,
    http_probe,
    port,
    resources,
)
from devtools.heldout.states import crashloop, waiting

_WAITING_EXPR = ('sum by (namespace, pod, container, reason, cluster) (kube_pod_container_status_waiting_reason'
                 '{job="kube-state-metrics",namespace=~".*",reason!="CrashLoopBackOff"}) > 0')


def container_waiting_alert(c, pod, container_name: str, reason: str, started: float = 5):
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    return alert_trigger(c, "KubeContainerWaiting", {"namespace": ns, "pod": name, "container": container_name,
                                                      "reason": reason},
                         summary="Pod container waiting longer than 1 hour",
                         description=f"pod/{name} in namespace {ns} on container {container_name} has been in waiting "
                                     f'state for longer than 1 hour. (reason: "{reason}") on cluster {c.cluster_name}.',
                         expr=_WAITING_EXPR, started=started)


def image_not_found_event() -> Scenario:
    c = base_cluster("image-pull-not-found-typo")
    image = c.image("payments/payout-scheduler:1.14.0-rc1")
    wl = c.deployment("payments", "payout-scheduler", [container(
        "payout-scheduler", image, ports=[port(8080)], resources=resources("100m", "128Mi", memory_limit="256Mi"))],
        replicas=2, revision=27, updated=52, previous=[container(
            "payout-scheduler", c.image("payments/payout-scheduler:1.13.2"), ports=[port(8080)],
            resources=resources("100m", "128Mi", memory_limit="256Mi"))],
        runs=[{"payout-scheduler": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')}])
    bad = wl.pods[-1]
    trig = pull_failure_trail(c, bad, "payout-scheduler",
                              f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found')
    return Scenario("image-pull-not-found-typo", c, "event.json", event_trigger(trig), "image_pull_not_found",
                    ("1.14.0-rc1",),
                    "Revision 27 of payout-scheduler points at tag 1.14.0-rc1, which was never pushed (CI publishes "
                    "release candidates as 1.14.0-rc.1); the registry answers not found. The 1.13.2 pods still serve.")


def image_not_found_ask() -> Scenario:
    c = base_cluster("image-pull-not-found-wrong-repo-ask")
    c.namespace("search", labels={"team": "search"})
    image = "ghcr.io/acme-search/query-rewriter:2.2.0"
    wl = c.deployment("search", "query-rewriter", [container(
        "query-rewriter", image, ports=[port(8080)], resources=resources("200m", "256Mi", memory_limit="512Mi"))],
        replicas=1, revision=1, updated=40, spec={"imagePullSecrets": [{"name": "ghcr-acme"}]},
        runs=[{"query-rewriter": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')}])
    c.secret("search", "ghcr-acme", kind="kubernetes.io/dockerconfigjson")
    pull_failure_trail(c, wl.pod, "query-rewriter",
                       f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve reference "{image}": ghcr.io/acme-search/query-rewriter:2.2.0: not found',
                       since=39)
    return Scenario("image-pull-not-found-wrong-repo-ask", c, "ask.json",
                    ask_trigger("search", pod=wl.pod["metadata"]["name"], question="why is query-rewriter not starting?"),
                    "image_pull_not_found", ("ghcr.io/acme-search/query-rewriter:2.2.0",),
                    "The first deployment of query-rewriter references ghcr.io/acme-search/query-rewriter:2.2.0; the "
                    "pull secret authenticates fine but the registry says not found (the image lives under acme/).")


def image_unauthorized_event() -> Scenario:
    c = base_cluster("image-pull-unauthorized-missing-pull-secret")
    image = "ghcr.io/acme/invoice-renderer:4.0.2"
    c.namespace("billing", labels={"team": "billing"})
    c.secret("billing", "ghcr-pull", kind="kubernetes.io/dockerconfigjson")
    c.deployment("billing", "invoice-mailer", [container(
        "invoice-mailer", "ghcr.io/acme/invoice-mailer:1.9.0", resources=resources("50m", "64Mi", memory_limit="128Mi"))],
        replicas=1, spec={"imagePullSecrets": [{"name": "ghcr-pull"}]})
    wl = c.deployment("billing", "invoice-renderer", [container(
        "invoice-renderer", image, ports=[port(8080)], resources=resources("250m", "512Mi", memory_limit="1Gi"))],
        replicas=2, revision=1, updated=35,
        runs=[{"invoice-renderer": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')},
              {"invoice-renderer": waiting("ErrImagePull", f'failed to pull and unpack image "{image}"')}])
    err = (f'rpc error: code = Unknown desc = failed to pull and unpack image "{image}": failed to resolve reference '
           f'"{image}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to '
           'https://ghcr.io/token?scope=repository%3Aacme%2Finvoice-renderer%3Apull&service=ghcr.io: 401 Unauthorized')
    trig = pull_failure_trail(c, wl.pods[0], "invoice-renderer", err, since=34)
    pull_failure_trail(c, wl.pods[1], "invoice-renderer", err, since=34)
    return Scenario("image-pull-unauthorized-missing-pull-secret", c, "event.json", event_trigger(trig),
                    "image_pull_unauthorized", ("401 unauthorized", "imagepullsecrets"),
                    "invoice-renderer pulls from the private ghcr.io/acme organisation without imagePullSecrets "
                    "(its sibling invoice-mailer uses ghcr-pull), so the anonymous token request gets 401.")


def image_unauthorized_alert() -> Scenario:
    c = base_cluster("image-pull-unauthorized-ecr-cross-account-alert")
    image = "209384751623.dkr.ecr.eu-west-1.amazonaws.com/shared/geoip-updater:2025.09"
    wl = c.deployment("identity", "geoip", [container(
        "geoip", image, ports=[port(8080)], resources=resources("50m", "128Mi", memory_limit="256Mi"))],
        replicas=1, revision=4, updated=80,
        runs=[{"geoip": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')}])
    err = (f'rpc error: code = Unknown desc = failed to pull and unpack image "{image}": failed to resolve reference '
           f'"{image}": unexpected status from HEAD request to https://209384751623.dkr.ecr.eu-west-1.amazonaws.com/v2/shared/geoip-updater/manifests/2025.09: 403 Forbidden')
    pull_failure_trail(c, wl.pod, "geoip", err, since=58, count=18)
    return Scenario("image-pull-unauthorized-ecr-cross-account-alert", c, "alert.json",
                    container_waiting_alert(c, wl.pod, "geoip", "ImagePullBackOff", started=2),
                    "image_pull_unauthorized", ("209384751623", "403 forbidden"),
                    "geoip now pulls from the shared-services ECR account 209384751623, whose repository policy "
                    "does not grant this cluster's node role ecr:BatchGetImage, so the manifest HEAD gets 403.")


def registry_unreachable() -> Scenario:
    c = base_cluster("image-pull-registry-unreachable")
    c.namespace("warehouse", labels={"team": "fulfilment"})
    image = "harbor.internal.acme.io/warehouse/slotting:3.3.1"
    wl = c.deployment("warehouse", "slotting", [container(
        "slotting", image, ports=[port(8080)], resources=resources("200m", "256Mi", memory_limit="512Mi"))],
        replicas=3, revision=15, updated=30, previous=[container(
            "slotting", "harbor.internal.acme.io/warehouse/slotting:3.3.0", ports=[port(8080)],
            resources=resources("200m", "256Mi", memory_limit="512Mi"))],
        runs=[{"slotting": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')}])
    err = (f'rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "{image}": failed to resolve '
           f'reference "{image}": failed to do request: Head "https://harbor.internal.acme.io/v2/warehouse/slotting/manifests/3.3.1": '
           'dial tcp 10.80.4.17:443: i/o timeout')
    trig = pull_failure_trail(c, wl.pods[-1], "slotting", err, since=29, count=9)
    return Scenario("image-pull-registry-unreachable", c, "event.json", event_trigger(trig),
                    "image_pull_registry_unreachable", ("harbor.internal.acme.io", "i/o timeout"),
                    "The on-prem Harbor registry (harbor.internal.acme.io, 10.80.4.17) is unreachable from the VPC "
                    "since the transit-gateway change; pulls time out. The tag exists and credentials are fine.")


def missing_configmap() -> Scenario:
    c = base_cluster("create-container-config-missing-configmap")
    c.configmap("storefront", "checkout-flags", {"FLAG_NEW_PSP": "false"})
    wl = c.deployment("storefront", "checkout", [container(
        "checkout", c.image("storefront/checkout:6.0.0"), ports=[port(8080)],
        env_from=[{"configMapRef": {"name": "checkout-flags"}}, {"configMapRef": {"name": "checkout-settings"}}],
        resources=resources("200m", "256Mi", memory_limit="512Mi"))], replicas=2, revision=33, updated=44,
        previous=[container("checkout", c.image("storefront/checkout:5.9.3"), ports=[port(8080)],
                            env_from=[{"configMapRef": {"name": "checkout-flags"}}],
                            resources=resources("200m", "256Mi", memory_limit="512Mi"))],
        runs=[{"checkout": waiting("CreateContainerConfigError", 'configmap "checkout-settings" not found', pulled=True)}])
    trig = config_error_trail(c, wl.pods[-1], "checkout", 'configmap "checkout-settings" not found', since=43)
    return Scenario("create-container-config-missing-configmap", c, "event.json", event_trigger(trig),
                    "create_container_config_missing_configmap", ("checkout-settings",),
                    "checkout 6.0.0 adds envFrom checkout-settings, a ConfigMap that was never applied to "
                    "storefront (only checkout-flags exists), so the kubelet cannot build the container config.")


def missing_secret_alert() -> Scenario:
    c = base_cluster("create-container-config-missing-secret-alert")
    c.namespace("notifications", labels={"team": "growth"})
    c.secret("notifications", "twilio-credentials")
    wl = c.deployment("notifications", "sms-sender", [container(
        "sms-sender", c.image("growth/sms-sender:2.1.0"),
        env=[env_secret("TWILIO_AUTH_TOKEN", "twilio-credentials", "auth-token"),
             env_secret("SENDGRID_API_KEY", "sendgrid-api", "api-key")],
        resources=resources("50m", "64Mi", memory_limit="128Mi"))], replicas=1, revision=3, updated=95,
        runs=[{"sms-sender": waiting("CreateContainerConfigError", 'secret "sendgrid-api" not found', pulled=True)}])
    config_error_trail(c, wl.pod, "sms-sender", 'secret "sendgrid-api" not found', since=94)
    return Scenario("create-container-config-missing-secret-alert", c, "alert.json",
                    container_waiting_alert(c, wl.pod, "sms-sender", "CreateContainerConfigError", started=34),
                    "create_container_config_missing_secret", ("sendgrid-api",),
                    "sms-sender references the Secret sendgrid-api for SENDGRID_API_KEY, but that Secret exists only "
                    "in staging; the kubelet reports CreateContainerConfigError 'secret not found'.")


def missing_secret_key() -> Scenario:
    c = base_cluster("create-container-config-missing-secret-key")
    wl = c.deployment("payments", "refunds", [container(
        "refunds", c.image("payments/refunds:1.4.0"), ports=[port(8080)],
        env=[env_secret("DB_PASSWORD", "payments-db", "password"),
             env_secret("PSP_API_KEY", "psp-credentials", "adyen-api-key")],
        resources=resources("100m", "128Mi", memory_limit="256Mi"))], replicas=2, revision=9, updated=25,
        previous=[container("refunds", c.image("payments/refunds:1.3.7"), ports=[port(8080)],
                            env=[env_secret("DB_PASSWORD", "payments-db", "password")],
                            resources=resources("100m", "128Mi", memory_limit="256Mi"))],
        runs=[{"refunds": waiting("CreateContainerConfigError",
                                  "couldn't find key adyen-api-key in Secret payments/psp-credentials", pulled=True)}])
    trig = config_error_trail(c, wl.pods[-1], "refunds",
                              "couldn't find key adyen-api-key in Secret payments/psp-credentials", since=24)
    return Scenario("create-container-config-missing-secret-key", c, "event.json", event_trigger(trig),
                    "create_container_config_missing_secret_key", ("adyen-api-key", "psp-credentials"),
                    "refunds 1.4.0 reads key adyen-api-key from Secret psp-credentials; the Secret exists but holds "
                    "the key under another name, so the kubelet fails with couldn't find key.")


def missing_configmap_key_ask() -> Scenario:
    c = base_cluster("create-container-config-missing-configmap-ask")
    c.namespace("platform", labels={"team": "platform"})
    wl = c.deployment("platform", "feature-flags", [container(
        "feature-flags", c.image("platform/feature-flags:0.9.0"), ports=[port(8080)],
        env=[env_configmap("FLAGS_BACKEND", "flags-backend", "backend")],
        resources=resources("50m", "64Mi", memory_limit="128Mi"))], replicas=1, revision=2, updated=20,
        runs=[{"feature-flags": waiting("CreateContainerConfigError", 'configmap "flags-backend" not found', pulled=True)}])
    config_error_trail(c, wl.pod, "feature-flags", 'configmap "flags-backend" not found', since=19)
    return Scenario("create-container-config-missing-configmap-ask", c, "ask.json",
                    ask_trigger("platform", workload="feature-flags"),
                    "create_container_config_missing_configmap", ("flags-backend",),
                    "feature-flags takes FLAGS_BACKEND from ConfigMap flags-backend, which is not in the platform "
                    "namespace (the Helm release that ships it was not installed there).")


def bad_entrypoint_event() -> Scenario:
    c = base_cluster("run-container-error-missing-binary")
    image = c.image("identity/scim-bridge:0.8.0-distroless")
    wl = c.deployment("identity", "scim-bridge", [container(
        "scim-bridge", image, command=["/app/scim-bridge"], args=["serve"], ports=[port(8080)],
        resources=resources("50m", "64Mi", memory_limit="128Mi"))], replicas=1, revision=6, updated=30,
        runs=[{"scim-bridge": crashloop(128, restarts=9, reason="StartError", message=(
            'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: '
            'unable to start container process: error during container init: exec: "/app/scim-bridge": stat /app/scim-bridge: '
            'no such file or directory: unknown'))}])
    node = wl.pod["spec"]["nodeName"]
    fp = "spec.containers{scim-bridge}"
    msg = ('Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create '
           'failed: unable to start container process: error during container init: exec: "/app/scim-bridge": stat '
           '/app/scim-bridge: no such file or directory: unknown')
    trig = c.event(wl.pod, "Failed", msg, count=10, first=29.5, last=1.6, host=node, field_path=fp)
    c.event(wl.pod, "BackOff", f"Back-off restarting failed container scim-bridge in pod {wl.pod['metadata']['name']}"
            f"_identity({wl.pod['metadata']['uid']})", count=130, first=29.4, last=0.5, host=node, field_path=fp)
    c.log(wl.pod, "scim-bridge", "")
    return Scenario("run-container-error-missing-binary", c, "event.json", event_trigger(trig),
                    "run_container_error_bad_entrypoint", ("/app/scim-bridge",),
                    "The new distroless image installs the binary as /usr/local/bin/scim-bridge, but the Deployment "
                    "still overrides command with /app/scim-bridge; runc cannot exec it (StartError, exit 128).")


def bad_entrypoint_alert() -> Scenario:
    c = base_cluster("run-container-error-entrypoint-not-executable-alert")
    c.namespace("analytics", labels={"team": "data"})
    image = c.image("data/dbt-runner:1.10.2")
    reason = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create '
              'failed: unable to start container process: error during container init: exec: "/app/entrypoint.sh": '
              'permission denied: unknown')
    wl = c.deployment("analytics", "dbt-docs", [container(
        "dbt-docs", image, command=["/app/entrypoint.sh"], args=["docs", "serve", "--port", "8080"], ports=[port(8080)],
        resources=resources("100m", "256Mi", memory_limit="512Mi"), readiness=http_probe("/", "http"))],
        replicas=1, revision=12, updated=45,
        runs=[{"dbt-docs": crashloop(128, restarts=12, reason="StartError", message=reason)}])
    node = wl.pod["spec"]["nodeName"]
    c.event(wl.pod, "Failed", f"Error: {reason}", count=13, first=44, last=1.5, host=node,
            field_path="spec.containers{dbt-docs}")
    c.log(wl.pod, "dbt-docs", "")
    return Scenario("run-container-error-entrypoint-not-executable-alert", c, "alert.json",
                    crash_looping_alert(c, wl.pod, "dbt-docs", started=28), "run_container_error_bad_entrypoint",
                    ("/app/entrypoint.sh", "permission denied"),
                    "The image build copied entrypoint.sh without the executable bit, so runc cannot exec "
                    "/app/entrypoint.sh (StartError 128, no application log). KubePodCrashLooping fires, but nothing "
                    "in the application ever ran.")

