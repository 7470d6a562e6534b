package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services' images (src/main/docker/Dockerfile.jvm; no image can be built on the development
 * machines, so this is what can be checked here): pinned UBI OpenJDK 17 bases, a numeric non-root
 * user that the manifests run as, DJL's natives extracted at build time into a cache the service
 * uses offline, and manifests that agree with the image (port, user, nothing mounted over the
 * natives).
 */
class ContainerImagesTest {

    static List<String> services() {
        return Sources.SERVICES;
    }

    private static Dockerfile dockerfile(String service) {
        Path path = Sources.dockerfile(service);
        assertTrue(Files.isRegularFile(path), "missing " + path);
        return Dockerfile.read(path);
    }

    @ParameterizedTest
    @MethodSource("services")
    void baseImagesArePinnedUbi9OpenJdk17AndTheRuntimeIsTheJreImage(String service) {
        Dockerfile df = dockerfile(service);
        for (Dockerfile.Stage stage : df.stages()) {
            assertEquals(List.of(), PodChecks.pinnedImage(service + " FROM", stage.image()));
            assertTrue(
                    stage.image().startsWith("registry.access.redhat.com/ubi9/openjdk-17"),
                    stage.image());
        }
        assertTrue(
                df.last().image().startsWith("registry.access.redhat.com/ubi9/openjdk-17-runtime:"),
                df.last().image());
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageRunsAsANumericNonRootUserThatTheManifestsRunAsToo(String service) {
        String user =
                dockerfile(service)
                        .last()
                        .user()
                        .orElseThrow(() -> new AssertionError(service + ": no USER"));
        assertTrue(
                user.matches("[1-9]\\d*"),
                service + ": USER must be a non-zero uid for runAsNonRoot: " + user);
        for (String overlay : Kustomize.overlays()) {
            Deployment d = Kustomize.overlay(overlay).deployment(service);
            Long uid = d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();
            assertEquals(Long.parseLong(user), uid, overlay + ":" + service);
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void servicesListenOnLoopbackOutsideAnImageAndOnThePodNetworkInside(String service) {
        assertEquals(
                "127.0.0.1",
                Sources.applicationProperties(service).getProperty("quarkus.http.host"),
                "outside an image the service's unauthenticated endpoints stay on loopback");
        assertTrue(
                dockerfile(service)
                        .last()
                        .env()
                        .getOrDefault("JAVA_OPTS_APPEND", "")
                        .contains("-Dquarkus.http.host=0.0.0.0"),
                "in the image the service listens on the pod network");
    }

    @ParameterizedTest
    @MethodSource("services")
    void djlNativesAreExtractedAtBuildTimeAndUsedOfflineFromTheImage(String service) {
        Dockerfile df = dockerfile(service);
        Map<String, String> env = df.last().env();
        String cache = env.get("DJL_CACHE_DIR");
        assertNotNull(cache, "DJL_CACHE_DIR");
        assertEquals(
                cache, env.get("ENGINE_CACHE_DIR"), "PyTorch's engine cache is the same directory");
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertTrue(env.getOrDefault("JAVA_OPTS_APPEND", "").contains("-Dai.djl.offline=true"));
        assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), "OpenMP must not spin on shared cores");

        // The runtime stage copies the cache from the stage that filled it with the same settings.
        Dockerfile.Instruction copy =
                df.last().all("COPY").stream()
                        .filter(c -> c.args().startsWith("--from="))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                service + ": no COPY --from of the DJL cache"));
        String from = copy.args().substring("--from=".length()).split("\\s+")[0];
        Dockerfile.Stage builder = df.stage(from).orElseThrow();
        assertTrue(copy.args().contains(" " + cache), copy.args());
        assertEquals(cache, builder.env().get("DJL_CACHE_DIR"));
        assertEquals(cache, builder.env().get("ENGINE_CACHE_DIR"));
        assertEquals(
                "true", builder.env().get("DJL_OFFLINE"), "the build must not download either");
        assertTrue(
                builder.all("COPY").stream()
                        .anyMatch(c -> c.args().startsWith("target/quarkus-app/lib/")),
                "the builder loads DJL from the application's own jars");
        assertTrue(
                builder.all("RUN").stream()
                        .anyMatch(
                                r ->
                                        r.args().contains("WarmDjl.java")
                                                && r.args().contains("libtorch_cpu.so")
                                                && r.args().contains("libtokenizers.so")),
                "the build runs the warm-up and fails when a native library was not extracted");
    }

    @ParameterizedTest
    @MethodSource("services")
    void theWarmUpProgramCompilesAgainstTheBuildsDjl(String service) throws Exception {
        String program =
                dockerfile(service).stages().get(0).all("COPY").stream()
                        .filter(c -> c.heredoc() != null && c.args().contains("WarmDjl.java"))
                        .findFirst()
                        .orElseThrow(
                                () -> new AssertionError(service + ": no WarmDjl.java heredoc"))
                        .heredoc();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        Path out = Files.createTempDirectory("warm-djl");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source =
                new SimpleJavaFileObject(
                        URI.create("string:///WarmDjl.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return program;
                    }
                };
        boolean ok =
                javac.getTask(
                                null,
                                null,
                                diagnostics,
                                List.of(
                                        "-classpath",
                                        System.getProperty("java.class.path"),
                                        "-d",
                                        out.toString(),
                                        "--release",
                                        "17"),
                                null,
                                List.of(source))
                        .call();
        assertTrue(ok, service + ": " + diagnostics.getDiagnostics());
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageCarriesTheQuarkusFastJarAndExposesTheServicesPort(String service) {
        Dockerfile.Stage runtime = dockerfile(service).last();
        List<String> copied = new ArrayList<>();
        runtime.all("COPY").forEach(c -> copied.add(c.args().split("\\s+")[0]));
        assertTrue(
                copied.containsAll(
                        List.of(
                                "target/quarkus-app/lib/",
                                "target/quarkus-app/*.jar",
                                "target/quarkus-app/app/",
                                "target/quarkus-app/quarkus/")),
                copied.toString());
        assertEquals("/deployments/quarkus-run.jar", runtime.env().get("JAVA_APP_JAR"));
        assertEquals(
                List.of(String.valueOf(Sources.httpPort(service))),
                runtime.all("EXPOSE").stream().map(e -> e.args().trim()).toList());
    }

    @ParameterizedTest
    @MethodSource("services")
    void theManifestsRunThisServicesImageAndMountNothingOverTheNativesOrTheApplication(
            String service) {
        String cache = dockerfile(service).last().env().get("DJL_CACHE_DIR");
        for (String overlay : Kustomize.overlays()) {
            Container c = Rendered.mainContainer(Kustomize.overlay(overlay).deployment(service));
            String repository = c.getImage().split("[:@]")[0];
            assertTrue(repository.endsWith("/" + service), overlay + ": " + c.getImage());
            for (var mount : PodChecks.mounts(c)) {
                for (String hidden : List.of(cache, "/deployments")) {
                    assertFalse(
                            hidden.equals(mount.getMountPath())
                                    || hidden.startsWith(mount.getMountPath() + "/"),
                            overlay
                                    + ":"
                                    + service
                                    + ": "
                                    + mount.getMountPath()
                                    + " hides "
                                    + hidden);
                }
            }
        }
    }
}
