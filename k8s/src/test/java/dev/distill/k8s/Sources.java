package dev.distill.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the deployment must agree with, read from the services' sources in this checkout (not copied
 * into the tests): the topic names, each service's {@code @ConfigMapping} properties, its
 * application.properties and its Dockerfile. The k8s module depends on no other module, so it reads
 * source text.
 */
final class Sources {

    /** The three services: module directory = Deployment name = image name. */
    static final List<String> SERVICES =
            List.of("producer-teacher", "trainer-student", "evaluator");

    private Sources() {}

    static Path root() {
        return Path.of(System.getProperty("distill.root", "..")).toAbsolutePath().normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Topic constants of schemas' Topics.java, in the order of {@code Topics.ALL}: constant name ->
     * topic.
     */
    static Map<String, String> topics() {
        String src =
                stripComments(
                        read(
                                root().resolve(
                                                "schemas/src/main/java/dev/distill/schemas/Topics.java")));
        Map<String, String> constants = new LinkedHashMap<>();
        Matcher m =
                Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"\\s*;")
                        .matcher(src);
        while (m.find()) {
            constants.put(m.group(1), m.group(2));
        }
        Matcher all = Pattern.compile("ALL\\s*=\\s*List\\.of\\(([^)]*)\\)").matcher(src);
        if (!all.find() || constants.isEmpty()) {
            throw new AssertionError(
                    "Topics.java no longer has String constants and a List.of(...) ALL");
        }
        Map<String, String> inAll = new LinkedHashMap<>();
        for (String id : all.group(1).split(",")) {
            String name = id.trim();
            String topic = constants.get(name);
            if (topic == null) {
                throw new AssertionError(
                        "Topics.ALL names " + name + ", which is not a String constant of Topics");
            }
            inAll.put(name, topic);
        }
        return inAll;
    }

    /**
     * The service's application.properties (the %profile entries included, as they are written).
     */
    static Properties applicationProperties(String service) {
        Properties p = new Properties();
        try (Reader r =
                Files.newBufferedReader(
                        root().resolve(service)
                                .resolve("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** quarkus.http.port of the service. */
    static int httpPort(String service) {
        String port = applicationProperties(service).getProperty("quarkus.http.port");
        if (port == null) {
            throw new AssertionError(
                    service + " sets no quarkus.http.port in application.properties");
        }
        return Integer.parseInt(port.trim());
    }

    static Path dockerfile(String service) {
        return root().resolve(service).resolve("src/main/docker/Dockerfile.jvm");
    }

    static Path mainJava(String service) {
        return root().resolve(service).resolve("src/main/java");
    }

    /**
     * Every configuration property name of the service's {@code @ConfigMapping} interfaces (prefix
     * + kebab-case method names, nested interfaces as sub-sections, {@code @WithName} honoured),
     * e.g. distill.trainer.checkpoint-dir, distill.trainer.topics.dead-letters.
     */
    static Set<String> mappedProperties(String service) {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(mainJava(service))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = stripComments(read(f));
                Matcher mapping =
                        Pattern.compile(
                                        "@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)"
                                            + "[^{]*?interface\\s+(\\w+)")
                                .matcher(src);
                while (mapping.find()) {
                    Map<String, String> bodies = interfaceBodies(src);
                    collect(mapping.group(1), bodies.get(mapping.group(2)), bodies, names);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (names.isEmpty()) {
            throw new AssertionError(
                    "no @ConfigMapping interface found under " + mainJava(service));
        }
        return names;
    }

    private static final Pattern METHOD =
            Pattern.compile(
                    "((?:@\\w+(?:\\s*\\([^)]*\\))?\\s*)*)([\\w.]+(?:<[^;(){}]*>)?(?:\\[\\])?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME =
            Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    private static void collect(
            String prefix, String body, Map<String, String> bodies, Set<String> out) {
        Matcher m = METHOD.matcher(body);
        while (m.find()) {
            Matcher withName = WITH_NAME.matcher(m.group(1));
            String name = withName.find() ? withName.group(1) : kebab(m.group(3));
            String type = m.group(2);
            String nested = type.contains(".") ? type.substring(type.lastIndexOf('.') + 1) : type;
            if (bodies.containsKey(nested)) {
                collect(prefix + "." + name, bodies.get(nested), bodies, out);
            } else {
                out.add(prefix + "." + name);
            }
        }
    }

    /** interface name -> its body without the bodies of interfaces nested in it. */
    private static Map<String, String> interfaceBodies(String src) {
        Map<String, String> bodies = new LinkedHashMap<>();
        Matcher m = Pattern.compile("interface\\s+(\\w+)[^{]*\\{").matcher(src);
        while (m.find()) {
            int depth = 1;
            StringBuilder own = new StringBuilder();
            for (int i = m.end(); i < src.length() && depth > 0; i++) {
                char c = src.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                } else if (depth == 1) {
                    own.append(c);
                }
            }
            bodies.put(m.group(1), own.toString());
        }
        return bodies;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * The environment variable SmallRye reads for a property: non-alphanumerics become '_', upper
     * case.
     */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * Java source without comments (string and char literals kept intact: "http://..." is not a
     * comment).
     */
    static String stripComments(String java) {
        StringBuilder out = new StringBuilder(java.length());
        int i = 0;
        while (i < java.length()) {
            char c = java.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < java.length() && java.charAt(end) != c) {
                    end += java.charAt(end) == '\\' ? 2 : 1;
                }
                out.append(java, i, Math.min(end + 1, java.length()));
                i = end + 1;
            } else if (java.startsWith("//", i)) {
                while (i < java.length() && java.charAt(i) != '\n') {
                    i++;
                }
            } else if (java.startsWith("/*", i)) {
                int end = java.indexOf("*/", i + 2);
                i = end < 0 ? java.length() : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
