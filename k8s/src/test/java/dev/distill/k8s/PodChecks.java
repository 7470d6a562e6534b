package dev.distill.k8s;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The per-pod invariants, as checkers that return what is wrong (empty = fine), so tests can both
 * assert them on the real manifests and prove on a broken copy that they catch the breakage.
 */
final class PodChecks {
    private PodChecks() {}

    /** Every container and init container of the pod. */
    static List<Container> containers(PodSpec pod) {
        return Stream.concat(
                        Optional.ofNullable(pod.getInitContainers()).orElse(List.of()).stream(),
                        pod.getContainers().stream())
                .toList();
    }

    /**
     * Hardened as the "restricted" Pod Security Standard asks, plus a read-only root filesystem:
     * effective (container, else pod) runAsNonRoot and seccomp RuntimeDefault, no uid 0, no
     * privilege escalation, all capabilities dropped and none added, not privileged; no host
     * namespaces or host paths for the pod.
     */
    static List<String> hardening(String owner, PodSpec pod) {
        List<String> problems = new ArrayList<>();
        PodSecurityContext podCtx =
                Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
        if (Boolean.TRUE.equals(pod.getHostNetwork())
                || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            problems.add(owner + ": uses a host namespace");
        }
        for (Volume v : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
            if (v.getHostPath() != null) {
                problems.add(owner + ": volume " + v.getName() + " is a hostPath");
            }
        }
        for (Container c : containers(pod)) {
            String where = owner + "/" + c.getName();
            SecurityContext ctx =
                    Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
            Boolean nonRoot = first(ctx.getRunAsNonRoot(), podCtx.getRunAsNonRoot());
            if (!Boolean.TRUE.equals(nonRoot)) {
                problems.add(where + ": runAsNonRoot is not true");
            }
            Long uid = first(ctx.getRunAsUser(), podCtx.getRunAsUser());
            if (uid != null && uid == 0L) {
                problems.add(where + ": runs as uid 0");
            }
            if (!Boolean.TRUE.equals(ctx.getReadOnlyRootFilesystem())) {
                problems.add(where + ": readOnlyRootFilesystem is not true");
            }
            if (!Boolean.FALSE.equals(ctx.getAllowPrivilegeEscalation())) {
                problems.add(where + ": allowPrivilegeEscalation is not false");
            }
            if (Boolean.TRUE.equals(ctx.getPrivileged())) {
                problems.add(where + ": privileged");
            }
            Capabilities caps = ctx.getCapabilities();
            if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
                problems.add(where + ": capabilities do not drop ALL");
            }
            if (caps != null && caps.getAdd() != null && !caps.getAdd().isEmpty()) {
                problems.add(where + ": adds capabilities " + caps.getAdd());
            }
            SeccompProfile seccomp = first(ctx.getSeccompProfile(), podCtx.getSeccompProfile());
            if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
                problems.add(where + ": seccomp profile is not RuntimeDefault");
            }
        }
        return problems;
    }

    /**
     * A read-only root needs somewhere to write: /tmp must be a volume (the JVM, Vert.x, Kafka
     * Streams use it).
     */
    static List<String> writableTmp(String owner, PodSpec pod) {
        List<String> problems = new ArrayList<>();
        Map<String, Volume> volumes =
                Rendered.index(
                        Optional.ofNullable(pod.getVolumes()).orElse(List.of()), Volume::getName);
        for (Container c : containers(pod)) {
            Optional<VolumeMount> tmp =
                    mounts(c).stream().filter(m -> "/tmp".equals(m.getMountPath())).findFirst();
            if (tmp.isEmpty()) {
                problems.add(
                        owner
                                + "/"
                                + c.getName()
                                + ": no volume at /tmp under a read-only root filesystem");
            } else {
                Volume v = volumes.get(tmp.get().getName());
                if (v == null
                        || v.getEmptyDir() == null
                        || Boolean.TRUE.equals(tmp.get().getReadOnly())) {
                    problems.add(owner + "/" + c.getName() + ": /tmp is not a writable emptyDir");
                } else if (v.getEmptyDir().getSizeLimit() == null) {
                    problems.add(
                            owner + "/" + c.getName() + ": the /tmp emptyDir has no sizeLimit");
                }
            }
        }
        return problems;
    }

    static List<VolumeMount> mounts(Container c) {
        return Optional.ofNullable(c.getVolumeMounts()).orElse(List.of());
    }

    /** Liveness and readiness probes on every container. */
    static List<String> probed(String owner, PodSpec pod) {
        List<String> problems = new ArrayList<>();
        for (Container c : pod.getContainers()) {
            if (c.getLivenessProbe() == null) {
                problems.add(owner + "/" + c.getName() + ": no liveness probe");
            }
            if (c.getReadinessProbe() == null) {
                problems.add(owner + "/" + c.getName() + ": no readiness probe");
            }
        }
        return problems;
    }

    /**
     * The probes of a Quarkus service: GETs of /q/health/live, /q/health/ready (and
     * /q/health/started for the startup probe, when there is one) on the container port that is the
     * service's quarkus.http.port.
     */
    static List<String> quarkusHealthProbes(String owner, Container c, int httpPort) {
        List<String> problems = new ArrayList<>();
        check(problems, owner, c, "liveness", c.getLivenessProbe(), "/q/health/live", httpPort);
        check(problems, owner, c, "readiness", c.getReadinessProbe(), "/q/health/ready", httpPort);
        if (c.getStartupProbe() != null) {
            check(
                    problems,
                    owner,
                    c,
                    "startup",
                    c.getStartupProbe(),
                    "/q/health/started",
                    httpPort);
        }
        return problems;
    }

    private static void check(
            List<String> problems,
            String owner,
            Container c,
            String kind,
            Probe probe,
            String path,
            int httpPort) {
        String where = owner + "/" + c.getName() + " " + kind + " probe";
        if (probe == null || probe.getHttpGet() == null) {
            problems.add(where + ": not an HTTP GET");
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            problems.add(where + ": path " + probe.getHttpGet().getPath() + ", expected " + path);
        }
        Integer port = resolvePort(c, probe.getHttpGet().getPort());
        if (port == null || port != httpPort) {
            problems.add(
                    where
                            + ": port "
                            + probe.getHttpGet().getPort()
                            + " is not the HTTP port "
                            + httpPort);
        }
    }

    /** A probe/targetPort: a number, or the name of one of the container's ports. */
    static Integer resolvePort(Container c, io.fabric8.kubernetes.api.model.IntOrString port) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return Optional.ofNullable(c.getPorts()).orElse(List.of()).stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(p -> p.getContainerPort())
                .findFirst()
                .orElse(null);
    }

    /** CPU and memory requests and limits on every container, requests not above limits. */
    static List<String> resources(String owner, PodSpec pod) {
        List<String> problems = new ArrayList<>();
        for (Container c : containers(pod)) {
            problems.addAll(resources(owner + "/" + c.getName(), c.getResources()));
        }
        return problems;
    }

    static List<String> resources(String where, ResourceRequirements r) {
        List<String> problems = new ArrayList<>();
        if (r == null) {
            return List.of(where + ": no resources");
        }
        Map<String, Quantity> requests = Optional.ofNullable(r.getRequests()).orElse(Map.of());
        Map<String, Quantity> limits = Optional.ofNullable(r.getLimits()).orElse(Map.of());
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = requests.get(resource);
            Quantity limit = limits.get(resource);
            if (request == null) {
                problems.add(where + ": no " + resource + " request");
            }
            if (limit == null) {
                problems.add(where + ": no " + resource + " limit");
            }
            if (request != null
                    && limit != null
                    && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                problems.add(
                        where
                                + ": "
                                + resource
                                + " request "
                                + request
                                + " above its limit "
                                + limit);
            }
        }
        return problems;
    }

    /** repository:version (a version-looking tag, not latest) or a digest. */
    private static final Pattern PINNED =
            Pattern.compile(
                    "[^@\\s]+(:v?\\d+(\\.\\d+)+([-.+][A-Za-z0-9.]+)*(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})");

    static List<String> pinnedImage(String where, String image) {
        if (image == null || !PINNED.matcher(image).matches()) {
            return List.of(
                    where
                            + ": image "
                            + image
                            + " is not pinned to a version (repository:1.2.3) or digest");
        }
        return List.of();
    }

    static List<String> pinnedImages(String owner, PodSpec pod) {
        List<String> problems = new ArrayList<>();
        for (Container c : containers(pod)) {
            problems.addAll(pinnedImage(owner + "/" + c.getName(), c.getImage()));
        }
        return problems;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        return Stream.of(values).filter(Objects::nonNull).findFirst().orElse(null);
    }
}
