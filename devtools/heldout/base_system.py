"""The platform half of the base cluster: kube-system add-ons, ingress-nginx and monitoring."""

# ruff: noqa: E501 -- log lines, image references and messages are verbatim fixture data.

from devtools.heldout import logs as L
from devtools.heldout.cluster import Cluster
from devtools.heldout.shapes import (
    container,
    env_value,
    host_path,
    http_probe,
    mount,
    port,
    resources,
)
from devtools.heldout.states import running
from devtools.heldout.store import DAY

ECR_EKS = "602401143452.dkr.ecr.eu-west-1.amazonaws.com"


def add_kube_system(c: Cluster) -> None:
    """CNI, kube-proxy, CoreDNS, metrics-server, the EBS CSI driver, cluster-autoscaler and friends."""
    ks, clock = "kube-system", c.clock
    cni = c.daemonset(
        ks,
        "aws-node",
        [
            container(
                "aws-node",
                f"{ECR_EKS}/amazon-k8s-cni:v1.19.5-eksbuild.1",
                ports=[port(61678, "metrics")],
                env=[
                    env_value("AWS_VPC_K8S_CNI_LOGLEVEL", "DEBUG"),
                    env_value("ENABLE_PREFIX_DELEGATION", "true"),
                    env_value("WARM_PREFIX_TARGET", "1"),
                ],
                resources=resources("25m"),
                mounts=[
                    mount("cni-bin-dir", "/host/opt/cni/bin"),
                    mount("cni-net-dir", "/host/etc/cni/net.d"),
                ],
                liveness=http_probe("/healthz", 61678, delay=60, timeout=10),
                security={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
            ),
            container(
                "aws-eks-nodeagent",
                f"{ECR_EKS}/amazon/aws-network-policy-agent:v1.2.1-eksbuild.1",
                args=["--enable-ipv6=false", "--enable-network-policy=false", "--metrics-bind-addr=:8162"],
                resources=resources("25m"),
                security={"privileged": True},
            ),
        ],
        labels={"k8s-app": "aws-node"},
        spec={"hostNetwork": True},
        volumes=[host_path("cni-bin-dir", "/opt/cni/bin"), host_path("cni-net-dir", "/etc/cni/net.d")],
    )
    for pod in cni.pods:
        c.log(
            pod,
            "aws-node",
            L.lines(
                '{"level":"info","ts":"'
                + clock.ago(days=20)
                + '","caller":"entrypoint.sh","msg":"Validating env variables ..."}',
                '{"level":"info","ts":"'
                + clock.ago(days=20)
                + '","caller":"entrypoint.sh","msg":"Install CNI binaries.."}',
                '{"level":"info","ts":"'
                + clock.ago(days=20)
                + '","caller":"entrypoint.sh","msg":"Checking for IPAM connectivity ... "}',
                '{"level":"info","ts":"'
                + clock.ago(days=20)
                + '","caller":"entrypoint.sh","msg":"Successfully copied CNI plugin binary and config file."}',
            ),
        )
    c.daemonset(
        ks,
        "kube-proxy",
        [
            container(
                "kube-proxy",
                f"{ECR_EKS}/eks/kube-proxy:v1.32.5-minimal-eksbuild.2",
                command=[
                    "kube-proxy",
                    "--v=2",
                    "--config=/var/lib/kube-proxy-config/config",
                    "--hostname-override=$(NODE_NAME)",
                ],
                resources=resources("100m"),
                security={"privileged": True},
                mounts=[mount("config", "/var/lib/kube-proxy-config/")],
            )
        ],
        labels={"k8s-app": "kube-proxy"},
        spec={"hostNetwork": True},
        volumes=[{"name": "config", "configMap": {"name": "kube-proxy-config", "defaultMode": 420}}],
    )
    c.daemonset(
        ks,
        "ebs-csi-node",
        [
            container(
                "ebs-plugin",
                "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.44.0",
                args=[
                    "node",
                    "--endpoint=$(CSI_ENDPOINT)",
                    "--csi-mount-point-prefix=/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/",
                    "--logging-format=text",
                    "--v=2",
                ],
                ports=[port(9808, "healthz")],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
                liveness=http_probe("/healthz", "healthz", delay=10, timeout=3, failures=5),
                security={"privileged": True, "readOnlyRootFilesystem": True},
            ),
            container(
                "node-driver-registrar",
                "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.13.0-eks-1-32-10",
                args=[
                    "--csi-address=$(ADDRESS)",
                    "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)",
                    "--v=2",
                ],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
            ),
            container(
                "liveness-probe",
                "public.ecr.aws/eks-distro/kubernetes-csi/livenessprobe:v2.15.0-eks-1-32-10",
                args=["--csi-address=/csi/csi.sock"],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
            ),
        ],
        labels={"app.kubernetes.io/component": "csi-driver"},
        volumes=[host_path("kubelet-dir", "/var/lib/kubelet", "Directory")],
    )
    dns = c.deployment(
        ks,
        "coredns",
        [
            container(
                "coredns",
                f"{ECR_EKS}/eks/coredns:v1.11.4-eksbuild.14",
                args=["-conf", "/etc/coredns/Corefile"],
                ports=[port(53, "dns", "UDP"), port(53, "dns-tcp"), port(9153, "metrics")],
                resources=resources("100m", "70Mi", memory_limit="170Mi"),
                mounts=[mount("config-volume", "/etc/coredns", read_only=True)],
                liveness=http_probe("/health", 8080, delay=60, timeout=5, failures=5),
                readiness=http_probe("/ready", 8181),
                security={
                    "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                    "allowPrivilegeEscalation": False,
                },
            )
        ],
        labels={"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"},
        created=300 * DAY,
        runs=[
            {
                "coredns": running(
                    9 * DAY, restarts=1, last_exit=0, last_reason="Completed", last_finished=9 * DAY
                )
            },
            {},
        ],
        volumes=[
            {
                "name": "config-volume",
                "configMap": {
                    "name": "coredns",
                    "items": [{"key": "Corefile", "path": "Corefile"}],
                    "defaultMode": 420,
                },
            }
        ],
        spec={"priorityClassName": "system-cluster-critical"},
    )
    for pod in dns.pods:
        c.log(
            pod,
            "coredns",
            L.lines(
                ".:53",
                "[INFO] plugin/reload: Running configuration SHA512 = 8a7d59126e7f114ab49c6d2613be93d8ef7d408af8ee61a710210843dc409f03133727e38f64469d9bb180f396c84ebf48a42bde3b3769730865ca9df5eb281c",
                "CoreDNS-1.11.4",
                "linux/amd64, go1.23.8, 6e4ac3d",
            ),
        )
    c.service(
        ks,
        "kube-dns",
        {"k8s-app": "kube-dns"},
        [("dns", 53, 53, "UDP"), ("dns-tcp", 53, 53), ("metrics", 9153, 9153)],
        created=300 * DAY,
    )
    ms = c.deployment(
        ks,
        "metrics-server",
        [
            container(
                "metrics-server",
                f"{ECR_EKS}/eks/metrics-server:v0.7.2-eksbuild.3",
                args=[
                    "--secure-port=10251",
                    "--cert-dir=/tmp",
                    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                    "--kubelet-use-node-status-port",
                    "--metric-resolution=15s",
                ],
                ports=[port(10251, "https")],
                resources=resources("100m", "200Mi"),
                liveness=http_probe("/livez", "https", failures=3),
                readiness=http_probe("/readyz", "https", delay=20),
                security={
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "runAsUser": 1000,
                    "allowPrivilegeEscalation": False,
                },
            )
        ],
        labels={"k8s-app": "metrics-server"},
        spec={"priorityClassName": "system-cluster-critical"},
    )
    c.workloads["kube-system/metrics-server"] = ms
    for pod in ms.pods:
        c.log(
            pod,
            "metrics-server",
            L.lines(
                L.klog(
                    clock,
                    6 * DAY,
                    "I",
                    "serving.go:374",
                    "Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)",
                ),
                L.klog(
                    clock,
                    6 * DAY,
                    "I",
                    "handler.go:275",
                    "Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager",
                ),
                L.klog(clock, 6 * DAY, "I", "secure_serving.go:213", "Serving securely on [::]:10251"),
            ),
        )
    c.service(ks, "metrics-server", {"app.kubernetes.io/name": "metrics-server"}, [("https", 443, "https")])
    c.deployment(
        ks,
        "ebs-csi-controller",
        [
            container(
                "ebs-plugin",
                "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.44.0",
                args=[
                    "controller",
                    "--endpoint=$(CSI_ENDPOINT)",
                    "--batching=true",
                    "--logging-format=text",
                    "--v=2",
                ],
                ports=[port(9808, "healthz")],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
            ),
            container(
                "csi-provisioner",
                "public.ecr.aws/eks-distro/kubernetes-csi/external-provisioner:v5.2.0-eks-1-32-10",
                args=[
                    "--timeout=60s",
                    "--csi-address=$(ADDRESS)",
                    "--v=2",
                    "--feature-gates=Topology=true",
                    "--extra-create-metadata",
                    "--leader-election=true",
                    "--default-fstype=ext4",
                ],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
            ),
            container(
                "csi-attacher",
                "public.ecr.aws/eks-distro/kubernetes-csi/external-attacher:v4.8.1-eks-1-32-10",
                args=["--timeout=6m", "--csi-address=$(ADDRESS)", "--v=2", "--leader-election=true"],
                resources=resources("10m", "40Mi", memory_limit="256Mi"),
            ),
        ],
        labels={"app": "ebs-csi-controller"},
        spec={"priorityClassName": "system-cluster-critical"},
    )
    ca = c.deployment(
        ks,
        "cluster-autoscaler",
        [
            container(
                "cluster-autoscaler",
                "registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1",
                command=[
                    "./cluster-autoscaler",
                    "--cloud-provider=aws",
                    "--namespace=kube-system",
                    f"--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/{c.cluster_name}",
                    "--balance-similar-node-groups",
                    "--skip-nodes-with-system-pods=false",
                    "--expander=least-waste",
                ],
                ports=[port(8085, "http")],
                resources=resources("100m", "600Mi", memory_limit="600Mi"),
                liveness=http_probe("/health-check", 8085),
            )
        ],
        replicas=1,
        labels={"app": "cluster-autoscaler"},
        spec={"priorityClassName": "system-cluster-critical"},
    )
    c.log(
        ca.pod,
        "cluster-autoscaler",
        L.lines(
            L.klog(clock, 12, "I", "static_autoscaler.go:290", "Starting main loop"),
            L.klog(clock, 12, "I", "filter_out_schedulable.go:66", "Filtering out schedulables"),
            L.klog(clock, 12, "I", "static_autoscaler.go:589", "No unschedulable pods"),
            L.klog(clock, 2, "I", "static_autoscaler.go:290", "Starting main loop"),
            L.klog(clock, 2, "I", "static_autoscaler.go:589", "No unschedulable pods"),
        ),
    )
    c.workloads["kube-system/cluster-autoscaler"] = ca
    c.deployment(
        ks,
        "aws-load-balancer-controller",
        [
            container(
                "aws-load-balancer-controller",
                "public.ecr.aws/eks/aws-load-balancer-controller:v2.13.2",
                args=[f"--cluster-name={c.cluster_name}", "--ingress-class=alb", "--aws-region=eu-west-1"],
                ports=[port(9443, "webhook-server"), port(8080, "metrics-server")],
                resources=resources("50m", "128Mi"),
                liveness=http_probe("/healthz", 61779, delay=30, timeout=10, failures=2),
            )
        ],
        labels={"app.kubernetes.io/instance": "aws-load-balancer-controller"},
    )
    c.service(
        ks,
        "aws-load-balancer-webhook-service",
        {"app.kubernetes.io/name": "aws-load-balancer-controller"},
        [("webhook-server", 443, "webhook-server")],
    )


def add_ingress_and_monitoring(c: Cluster) -> None:
    """ingress-nginx, and the kube-prometheus-stack in `monitoring`."""
    clock = c.clock
    ing = c.deployment(
        "ingress-nginx",
        "ingress-nginx-controller",
        [
            container(
                "controller",
                "registry.k8s.io/ingress-nginx/controller:v1.12.3@sha256:ac444cd9515af325ba577b596fe4f27a34be1aa330538e8b317ad9d6c8fb94ee",
                args=[
                    "/nginx-ingress-controller",
                    "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                    "--election-id=ingress-nginx-leader",
                    "--controller-class=k8s.io/ingress-nginx",
                    "--ingress-class=nginx",
                    "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                    "--validating-webhook=:8443",
                ],
                ports=[port(80, "http"), port(443, "https"), port(8443, "webhook")],
                resources=resources("100m", "90Mi"),
                liveness=http_probe("/healthz", 10254, delay=10, failures=5),
                readiness=http_probe("/healthz", 10254, delay=10),
                security={
                    "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                    "runAsNonRoot": True,
                    "runAsUser": 101,
                    "allowPrivilegeEscalation": False,
                },
            )
        ],
        replicas=3,
        labels={"app.kubernetes.io/component": "controller"},
        service_account="ingress-nginx",
    )
    for i, pod in enumerate(ing.pods):
        c.log(
            pod,
            "controller",
            L.lines(
                "-------------------------------------------------------------------------------",
                "NGINX Ingress controller",
                "  Release:       v1.12.3",
                "  Build:         9b2c4f1d4f6e",
                "  Repository:    https://github.com/kubernetes/ingress-nginx",
                "  nginx version: nginx/1.25.5",
                "-------------------------------------------------------------------------------",
                L.nginx_access(
                    clock,
                    3 - i * 0.5,
                    "10.42.1.17",
                    "GET /api/catalog/v2/products?page=2 HTTP/2.0",
                    200,
                    18233,
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X)",
                ),
                L.nginx_access(
                    clock,
                    2 - i * 0.5,
                    "10.42.2.140",
                    "POST /api/cart/items HTTP/2.0",
                    201,
                    412,
                    "okhttp/4.12.0",
                ),
            ),
        )
    c.service(
        "ingress-nginx",
        "ingress-nginx-controller",
        {"app.kubernetes.io/name": "ingress-nginx-controller"},
        [("http", 80, "http"), ("https", 443, "https")],
        kind="LoadBalancer",
    )
    c.service(
        "ingress-nginx",
        "ingress-nginx-controller-admission",
        {"app.kubernetes.io/name": "ingress-nginx-controller"},
        [("https-webhook", 443, "webhook")],
    )
    mon = "monitoring"
    c.statefulset(
        mon,
        "prometheus-kps-prometheus",
        [
            container(
                "prometheus",
                "quay.io/prometheus/prometheus:v3.4.1",
                args=[
                    "--web.console.templates=/etc/prometheus/consoles",
                    "--storage.tsdb.retention.time=15d",
                    "--config.file=/etc/prometheus/config_out/prometheus.env.yaml",
                    "--storage.tsdb.path=/prometheus",
                    "--web.enable-lifecycle",
                    "--web.route-prefix=/",
                ],
                ports=[port(9090, "http-web")],
                resources=resources("500m", "3Gi", memory_limit="6Gi"),
                readiness=http_probe("/-/ready", "http-web", timeout=3, period=5),
                mounts=[mount("data", "/prometheus", sub_path="prometheus-db")],
            ),
            container(
                "config-reloader",
                "quay.io/prometheus-operator/prometheus-config-reloader:v0.83.0",
                args=["--listen-address=:8080", "--reload-url=http://127.0.0.1:9090/-/reload"],
                resources=resources("10m", "50Mi", cpu_limit="10m", memory_limit="50Mi"),
            ),
        ],
        replicas=2,
        labels={
            "app.kubernetes.io/instance": "kps-prometheus",
            "operator.prometheus.io/name": "kps-prometheus",
        },
        claim_size="100Gi",
        runs=[
            {
                "prometheus": running(
                    12 * DAY, restarts=2, last_exit=137, last_reason="OOMKilled", last_finished=12 * DAY
                )
            },
            {},
        ],
    )
    c.statefulset(
        mon,
        "alertmanager-kps-alertmanager",
        [
            container(
                "alertmanager",
                "quay.io/prometheus/alertmanager:v0.28.1",
                args=[
                    "--config.file=/etc/alertmanager/config_out/alertmanager.env.yaml",
                    "--storage.path=/alertmanager",
                    "--cluster.listen-address=[$(POD_IP)]:9094",
                ],
                ports=[port(9093, "http-web")],
                resources=resources("20m", "200Mi"),
            )
        ],
        replicas=1,
        labels={"app.kubernetes.io/instance": "kps-alertmanager"},
    )
    ksm = c.deployment(
        mon,
        "kps-kube-state-metrics",
        [
            container(
                "kube-state-metrics",
                "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0",
                args=[
                    "--port=8080",
                    "--resources=certificatesigningrequests,configmaps,cronjobs,daemonsets,deployments,endpoints,horizontalpodautoscalers,jobs,namespaces,nodes,persistentvolumeclaims,persistentvolumes,pods,replicasets,resourcequotas,services,statefulsets",
                ],
                ports=[port(8080, "http")],
                resources=resources("10m", "64Mi"),
                liveness=http_probe("/livez", 8080, delay=5, timeout=5),
                readiness=http_probe("/readyz", 8081, delay=5, timeout=5),
            )
        ],
        replicas=1,
    )
    c.log(
        ksm.pod,
        "kube-state-metrics",
        L.lines(
            L.klog(clock, 6 * DAY, "I", "wrapper.go:120", "Starting kube-state-metrics"),
            L.klog(clock, 6 * DAY, "I", "server.go:199", "Started metrics server"),
            L.klog(clock, 6 * DAY, "I", "server.go:188", "Started kube-state-metrics self metrics server"),
        ),
    )
    c.deployment(
        mon,
        "kps-operator",
        [
            container(
                "kube-prometheus-stack",
                "quay.io/prometheus-operator/prometheus-operator:v0.83.0",
                args=[
                    "--kubelet-service=kube-system/kps-kubelet",
                    "--localhost=127.0.0.1",
                    "--config-reloader-cpu-limit=10m",
                ],
                ports=[port(10250, "https")],
                resources=resources("50m", "128Mi"),
            )
        ],
        replicas=1,
    )
    graf = c.deployment(
        mon,
        "kps-grafana",
        [
            container(
                "grafana",
                "docker.io/grafana/grafana:12.0.2",
                ports=[port(3000, "grafana")],
                resources=resources("100m", "256Mi", memory_limit="512Mi"),
                readiness=http_probe("/api/health", 3000),
                mounts=[mount("config", "/etc/grafana/grafana.ini", sub_path="grafana.ini")],
            )
        ],
        replicas=1,
        volumes=[{"name": "config", "configMap": {"name": "kps-grafana", "defaultMode": 420}}],
    )
    c.log(
        graf.pod,
        "grafana",
        L.lines(
            f'logger=settings t={clock.ago(days=5)} level=info msg="Starting Grafana" version=12.0.2 commit=5bda17e7c1',
            f'logger=http.server t={clock.ago(days=5)} level=info msg="HTTP Server Listen" address=[::]:3000 protocol=http',
            f'logger=cleanup t={clock.ago(minutes=8)} level=info msg="Completed cleanup jobs" duration=14.31ms',
        ),
    )
    c.daemonset(
        mon,
        "kps-prometheus-node-exporter",
        [
            container(
                "node-exporter",
                "quay.io/prometheus/node-exporter:v1.9.1",
                args=[
                    "--path.procfs=/host/proc",
                    "--path.sysfs=/host/sys",
                    "--web.listen-address=[$(HOST_IP)]:9100",
                ],
                ports=[port(9100, "http-metrics")],
                resources=resources("50m", "32Mi", memory_limit="64Mi"),
                liveness=http_probe("/", 9100),
                readiness=http_probe("/", 9100),
            )
        ],
        spec={"hostNetwork": True, "hostPID": True},
        priority_class="",
    )
    for name, port_, sel in (
        ("kps-prometheus", 9090, {"app.kubernetes.io/name": "prometheus-kps-prometheus"}),
        ("kps-alertmanager", 9093, {"app.kubernetes.io/name": "alertmanager-kps-alertmanager"}),
        ("kps-grafana", 80, {"app.kubernetes.io/name": "kps-grafana"}),
        ("kps-kube-state-metrics", 8080, {"app.kubernetes.io/name": "kps-kube-state-metrics"}),
    ):
        c.service(mon, name, sel, [("http-web", port_, 3000 if name == "kps-grafana" else port_)])
    c.secret(mon, "alertmanager-kps-alertmanager")
    c.secret(mon, "kps-grafana")
