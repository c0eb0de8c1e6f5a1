//! Kubernetes manifests (multi-document YAML, `List`s, Helm output): RBAC
//! wildcards and cluster-admin bindings, and pod specs (in Pods and every
//! workload template) that escape the container: privileged mode, host
//! namespaces, host paths of `/` or the runtime socket, root users.

use super::check::{Check, Example, Family, Hit};
use super::doc::Node;
use crate::finding::Severity;

/// Container runtime sockets: mounting one is root on the node.
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
];

/// Checks one manifest (a `List`'s items are checked one by one).
pub fn check_manifest(doc: &Node, hits: &mut Vec<Hit>) {
    let Some(kind) = doc.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") {
        if let Some(items) = doc.get("items") {
            for item in items.items() {
                check_manifest(item, hits);
            }
        }
        return;
    }
    let name = doc
        .path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("?");
    let owner = format!("{kind}/{name}");
    match kind {
        "Role" | "ClusterRole" => rbac_rules(doc, &owner, hits),
        "RoleBinding" | "ClusterRoleBinding" => binding(doc, &owner, hits),
        _ => {
            let spec = WORKLOADS
                .iter()
                .find(|(k, _)| *k == kind)
                .and_then(|(_, path)| doc.path(path));
            if let Some(spec) = spec.filter(|s| s.is_map()) {
                pod_spec(spec, &owner, hits);
            }
        }
    }
}

/// Workload kinds and where their pod spec is.
const WORKLOADS: &[(&str, &[&str])] = &[
    ("Pod", &["spec"]),
    (
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ),
    ("Deployment", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    ("ReplicaSet", &["spec", "template", "spec"]),
    ("Job", &["spec", "template", "spec"]),
    ("ReplicationController", &["spec", "template", "spec"]),
    ("PodTemplate", &["template", "spec"]),
];

/// RBAC kinds the checks read.
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// True when some check reads documents of `kind` (workloads, RBAC,
/// lists). Documents of other kinds (CRDs, ConfigMaps, Services...) need
/// not be parsed at all.
pub fn reads_kind(kind: &str) -> bool {
    kind.ends_with("List")
        || RBAC_KINDS.contains(&kind)
        || WORKLOADS.iter().any(|(k, _)| *k == kind)
}

fn rbac_rules(doc: &Node, owner: &str, hits: &mut Vec<Hit>) {
    let Some(rules) = doc.get("rules") else {
        return;
    };
    for (i, rule) in rules.items().into_iter().enumerate() {
        for (field, id) in [
            ("verbs", "k8s-rbac-wildcard-verbs"),
            ("resources", "k8s-rbac-wildcard-resources"),
        ] {
            if let Some((_, n)) = rule
                .get(field)
                .map(Node::strings)
                .unwrap_or_default()
                .into_iter()
                .find(|(s, _)| *s == "*")
            {
                hits.push(Hit::new(
                    id,
                    n.line,
                    format!("{owner}/rules[{i}]/{field}"),
                    format!("{owner} rule {i} grants {field} \"*\""),
                ));
            }
        }
    }
}

fn binding(doc: &Node, owner: &str, hits: &mut Vec<Hit>) {
    if doc.path(&["roleRef", "name"]).and_then(Node::as_str) != Some("cluster-admin") {
        return;
    }
    let Some(subjects) = doc.get("subjects") else {
        return;
    };
    for s in subjects.items() {
        let kind = s.get("kind").and_then(Node::as_str).unwrap_or("");
        let name = s.get("name").and_then(Node::as_str).unwrap_or("");
        let broad = kind == "ServiceAccount"
            || (kind == "Group"
                && matches!(
                    name,
                    "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
                ));
        if broad {
            hits.push(Hit::new(
                "k8s-cluster-admin-binding",
                s.line,
                format!("{owner}/{kind}/{name}"),
                format!("{owner} binds cluster-admin to {kind} {name}"),
            ));
        }
    }
}

fn pod_spec(spec: &Node, owner: &str, hits: &mut Vec<Hit>) {
    for (field, id, what) in [
        (
            "hostNetwork",
            "k8s-host-network",
            "the node's network namespace",
        ),
        ("hostPID", "k8s-host-pid", "the node's process namespace"),
        ("hostIPC", "k8s-host-ipc", "the node's IPC namespace"),
    ] {
        if let Some(n) = spec.get(field).filter(|n| n.is_true()) {
            hits.push(Hit::new(
                id,
                n.line,
                format!("{owner}/{field}"),
                format!("{owner} shares {what} ({field}: true)"),
            ));
        }
    }
    if let Some(volumes) = spec.get("volumes") {
        for v in volumes.items() {
            let Some(p) = v.path(&["hostPath", "path"]) else {
                continue;
            };
            let Some(path) = p.as_str() else { continue };
            let trimmed = if path.len() > 1 {
                path.trim_end_matches('/')
            } else {
                path
            };
            let id = if trimmed == "/" {
                "k8s-hostpath-root"
            } else if RUNTIME_SOCKETS.contains(&trimmed) {
                "k8s-hostpath-runtime-socket"
            } else {
                continue;
            };
            hits.push(Hit::new(
                id,
                p.line,
                format!("{owner}/volumes/{trimmed}"),
                format!("{owner} mounts the host path {trimmed}"),
            ));
        }
    }
    let pod_sc = spec.get("securityContext");
    let pod_user = pod_sc.and_then(|s| s.get("runAsUser"));
    let pod_non_root = pod_sc.and_then(|s| s.get("runAsNonRoot"));
    if let Some(u) = pod_user.filter(|u| u.as_str() == Some("0")) {
        hits.push(Hit::new(
            "k8s-run-as-root",
            u.line,
            format!("{owner}/securityContext/runAsUser"),
            format!("{owner} runs its containers as UID 0"),
        ));
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let Some(containers) = spec.get(list) else {
            continue;
        };
        for c in containers.items() {
            let cname = c.get("name").and_then(Node::as_str).unwrap_or("?");
            let at = format!("{owner}/{list}/{cname}");
            let sc = c.get("securityContext");
            let get = |k: &str| sc.and_then(|s| s.get(k));
            if let Some(n) = get("privileged").filter(|n| n.is_true()) {
                hits.push(Hit::new(
                    "k8s-privileged",
                    n.line,
                    format!("{at}/privileged"),
                    format!("container {cname} of {owner} runs privileged"),
                ));
            }
            if let Some(n) = get("allowPrivilegeEscalation").filter(|n| n.is_true()) {
                hits.push(Hit::new(
                    "k8s-allow-privilege-escalation",
                    n.line,
                    format!("{at}/allowPrivilegeEscalation"),
                    format!("container {cname} of {owner} sets allowPrivilegeEscalation: true"),
                ));
            }
            if let Some(add) = sc.and_then(|s| s.path(&["capabilities", "add"])) {
                if let Some((cap, n)) = add.strings().into_iter().find(|(s, _)| {
                    let s = s.trim_start_matches("CAP_");
                    s.eq_ignore_ascii_case("SYS_ADMIN") || s.eq_ignore_ascii_case("ALL")
                }) {
                    hits.push(Hit::new(
                        "k8s-capabilities-sys-admin",
                        n.line,
                        format!("{at}/capabilities/{cap}"),
                        format!("container {cname} of {owner} adds the capability {cap}"),
                    ));
                }
            }
            let user = get("runAsUser").or(pod_user);
            if let Some(u) = get("runAsUser").filter(|u| u.as_str() == Some("0")) {
                hits.push(Hit::new(
                    "k8s-run-as-root",
                    u.line,
                    format!("{at}/runAsUser"),
                    format!("container {cname} of {owner} runs as UID 0"),
                ));
            }
            let non_root = get("runAsNonRoot")
                .or(pod_non_root)
                .is_some_and(|n| n.is_true());
            let uid_set = user
                .and_then(Node::as_str)
                .and_then(|u| u.parse::<u64>().ok())
                .is_some();
            // A container without `image` is a partial one (a kustomize or
            // strategic-merge patch): its base sets what it leaves out.
            let complete = c.get("image").is_some();
            if complete && !non_root && !uid_set && user.is_none() && list != "ephemeralContainers"
            {
                hits.push(Hit::new(
                    "k8s-run-as-non-root-missing",
                    c.line,
                    format!("{at}/runAsNonRoot"),
                    format!("container {cname} of {owner} may run as root: neither runAsNonRoot: true nor a runAsUser is set"),
                ));
            }
        }
    }
}

const PSS: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
const RBAC: &str = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";

/// The Kubernetes checks.
pub const CHECKS: &[Check] = &[
    Check {
        id: "k8s-rbac-wildcard-verbs",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "RBAC rule grants every verb",
        rationale: "`verbs: [\"*\"]` includes delete, escalate, bind and impersonate, and every verb added to the API later.",
        remediation: "List the verbs the subject needs (get, list, watch, ...).",
        references: &[RBAC],
        examples: &[
            Example { path: "rbac.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs:\n      - \"*\"\n", line: 9 },
        ],
        negatives: &[
            Example { path: "rbac.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-rbac-wildcard-resources",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "RBAC rule applies to every resource",
        rationale: "`resources: [\"*\"]` covers secrets, roles and bindings, and every custom resource installed later.",
        remediation: "List the resources the subject works with.",
        references: &[RBAC],
        examples: &[
            Example { path: "rbac.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"*\"]\n    verbs: [\"get\"]\n", line: 7 },
        ],
        negatives: &[
            Example { path: "rbac.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\"]\n    verbs: [\"get\"]\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-cluster-admin-binding",
        family: Family::Kubernetes,
        severity: Severity::Critical,
        title: "cluster-admin bound to a service account or to all authenticated users",
        rationale: "Any pod running as that service account (or any authenticated client) controls the whole cluster: every secret, every node.",
        remediation: "Bind a Role with the permissions the workload needs, in its namespace.",
        references: &[RBAC, "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"],
        examples: &[
            Example { path: "binding.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: ci\n    namespace: ci\n", line: 10 },
        ],
        negatives: &[
            Example { path: "binding.yaml", text: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ops\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: Group\n    name: platform-oncall\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-privileged",
        family: Family::Kubernetes,
        severity: Severity::Critical,
        title: "Container runs privileged",
        rationale: "A privileged container has every capability and the host's devices: it is root on the node.",
        remediation: "Remove `privileged: true`; add only the capabilities the process needs.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0\n      securityContext:\n        privileged: true\n        runAsNonRoot: true\n", line: 10 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0\n      securityContext:\n        privileged: false\n        runAsNonRoot: true\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-hostpath-root",
        family: Family::Kubernetes,
        severity: Severity::Critical,
        title: "Pod mounts the node's root filesystem",
        rationale: "A hostPath volume of `/` gives the pod the node's whole filesystem: kubelet credentials, other pods' secrets, the ability to write cron jobs on the host.",
        remediation: "Mount only the directory needed, read-only, or use a CSI volume instead of hostPath.",
        references: &[PSS, "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
        examples: &[
            Example { path: "ds.yaml", text: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: agent\n          image: example/agent:1\n      volumes:\n        - name: host\n          hostPath:\n            path: /\n", line: 16 },
        ],
        negatives: &[
            Example { path: "ds.yaml", text: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: agent\n          image: example/agent:1\n      volumes:\n        - name: logs\n          hostPath:\n            path: /var/log\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-hostpath-runtime-socket",
        family: Family::Kubernetes,
        severity: Severity::Critical,
        title: "Pod mounts the container runtime socket",
        rationale: "Whoever talks to the Docker, containerd or CRI-O socket can start a privileged container on the node: it is root on the node.",
        remediation: "Do not mount the runtime socket; build images with a daemonless builder and query the kubelet API for metadata.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: b\n      image: example/builder:1\n  volumes:\n    - name: sock\n      hostPath:\n        path: /var/run/docker.sock\n", line: 14 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: b\n      image: example/builder:1\n  volumes:\n    - name: cache\n      emptyDir: {}\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-host-network",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "Pod uses the node's network namespace",
        rationale: "`hostNetwork: true` lets the pod bind node ports, reach services listening on localhost of the node and sniff its traffic, bypassing network policies.",
        remediation: "Remove hostNetwork; expose ports through a Service.",
        references: &[PSS],
        examples: &[
            Example { path: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: web\n          image: example/web:1\n", line: 8 },
        ],
        negatives: &[
            Example { path: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: false\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: web\n          image: example/web:1\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-host-pid",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "Pod uses the node's process namespace",
        rationale: "`hostPID: true` shows every process of the node to the pod, with their environment and, as root, the ability to signal or ptrace them.",
        remediation: "Remove hostPID.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  hostPID: true\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: d\n      image: example/debug:1\n", line: 6 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  shareProcessNamespace: true\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: d\n      image: example/debug:1\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-host-ipc",
        family: Family::Kubernetes,
        severity: Severity::Medium,
        title: "Pod uses the node's IPC namespace",
        rationale: "`hostIPC: true` shares the node's shared memory and semaphores with the pod, exposing other processes' data.",
        remediation: "Remove hostIPC.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostIPC: true\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: c\n      image: example/c:1\n", line: 6 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: c\n      image: example/c:1\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-allow-privilege-escalation",
        family: Family::Kubernetes,
        severity: Severity::Medium,
        title: "Container allows privilege escalation",
        rationale: "`allowPrivilegeEscalation: true` lets a process gain more privileges than its parent (setuid binaries, file capabilities).",
        remediation: "Set allowPrivilegeEscalation: false.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsNonRoot: true\n        allowPrivilegeEscalation: true\n", line: 11 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsNonRoot: true\n        allowPrivilegeEscalation: false\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-run-as-root",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "Container runs as UID 0",
        rationale: "`runAsUser: 0` runs the process as root: any container escape or writable host mount is then root on the node.",
        remediation: "Run as a non-zero UID and set runAsNonRoot: true.",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsUser: 0\n", line: 10 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsUser: 10001\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-run-as-non-root-missing",
        family: Family::Kubernetes,
        severity: Severity::Low,
        title: "Container may run as root",
        rationale: "Without `runAsNonRoot: true` or a runAsUser, the container runs as the image's user, which is root for most images.",
        remediation: "Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
        references: &[PSS],
        examples: &[
            Example { path: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: example/web:1\n", line: 9 },
        ],
        negatives: &[
            Example { path: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: web\n          image: example/web:1\n", line: 0 },
            Example { path: "cm.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  containers: x\n", line: 0 },
            // A kustomize patch: the base Deployment sets the image and the security context.
            Example { path: "overlays/deploy-patch.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          env:\n            - name: REPLICAS\n              value: \"2\"\n", line: 0 },
        ],
    },
    Check {
        id: "k8s-capabilities-sys-admin",
        family: Family::Kubernetes,
        severity: Severity::High,
        title: "Container adds CAP_SYS_ADMIN or all capabilities",
        rationale: "SYS_ADMIN (or ALL) allows mounting filesystems and most of what privileged mode allows; many container escapes need exactly it.",
        remediation: "Drop ALL capabilities and add back only narrow ones (NET_BIND_SERVICE, ...).",
        references: &[PSS],
        examples: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsNonRoot: true\n        capabilities:\n          add: [\"NET_ADMIN\", \"SYS_ADMIN\"]\n", line: 12 },
        ],
        negatives: &[
            Example { path: "pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: example/c:1\n      securityContext:\n        runAsNonRoot: true\n        capabilities:\n          drop: [\"ALL\"]\n          add: [\"NET_BIND_SERVICE\"]\n", line: 0 },
        ],
    },
];
