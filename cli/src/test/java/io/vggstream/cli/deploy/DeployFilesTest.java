package io.vggstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.config.StrictConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine or cluster runs here, so deploy/ is checked against the code instead: the files
 * parse, the settings they give exist, the topics match the contract, the ports match the engine's.
 */
class DeployFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Config REFERENCE = ConfigFactory.defaultReference();
    private static final TopicsSettings TOPICS = TopicsSettings.from(REFERENCE);
    private static final int OPS_PORT = REFERENCE.getInt("vggstream.engine.ops.port");

    private static Path deploy;
    private static List<JsonNode> docs;

    @BeforeAll
    static void readAll() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/k8s"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("deploy/ above the working directory").isNotNull();
        deploy = dir.resolve("deploy");
        docs = new ArrayList<>();
        for (Path f : yamlFiles()) {
            try (var parser = YAML.getFactory().createParser(f.toFile())) {
                YAML.readValues(parser, JsonNode.class).readAll().stream().filter(n -> n != null && !n.isNull()).forEach(n -> {
                    ((ObjectNode) n).put("_file", deploy.relativize(f).toString());
                    docs.add(n);
                });
            }
        }
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(deploy)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<JsonNode> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    @Test
    void shouldParseEveryYamlFileWhenReadAsDocuments() throws IOException {
        assertThat(yamlFiles()).extracting(p -> deploy.relativize(p).toString()).contains("docker/compose.yaml", "k8s/kafka.yaml",
            "k8s/topics.yaml", "k8s/engine.yaml", "k8s/keda.yaml", "k8s/podmonitor.yaml", "k8s/users.yaml", "k8s/prometheusrule.yaml");
        assertThat(docs).filteredOn(d -> d.get("_file").asText().startsWith("k8s/"))
            .allSatisfy(d -> assertThat(d.hasNonNull("apiVersion") && d.hasNonNull("kind") && d.path("metadata").hasNonNull("name"))
                .as("%s: apiVersion, kind and metadata.name", d.get("_file")).isTrue());
        assertThat(docs).extracting(d -> d.path("kind").asText())
            .contains("Kafka", "KafkaNodePool", "KafkaTopic", "ConfigMap", "Deployment", "ScaledObject", "PodMonitor");
    }

    @Test
    void shouldMatchTheContractsTopicSettingsWhenStrimziCreatesTheTopics() {
        List<JsonNode> topics = kind("KafkaTopic");
        assertThat(topics).extracting(t -> t.path("spec").path("topicName").asText())
            .containsExactlyInAnyOrder(TOPICS.frames().name(), TOPICS.predictions().name(), TOPICS.deadLetter().name());
        for (TopicsSettings.TopicSpec spec : TOPICS.all()) {
            JsonNode t = topics.stream().filter(n -> n.path("spec").path("topicName").asText().equals(spec.name())).findFirst().orElseThrow();
            assertThat(t.path("spec").path("partitions").asInt()).as("partitions of %s", spec.name()).isEqualTo(spec.partitions());
            JsonNode config = t.path("spec").path("config");
            // Every config the topics module creates the topic with, with the same value.
            for (Map.Entry<String, String> c : TOPICS.topicConfigs(spec).entrySet()) {
                assertThat(config.path(c.getKey()).asText()).as("%s of %s", c.getKey(), spec.name()).isEqualTo(c.getValue());
            }
        }
    }

    @Test
    void shouldLetTheBrokersCarryAFrameWhenTheyAreConfigured() {
        JsonNode kafka = kind("Kafka").get(0).path("spec").path("kafka").path("config");
        assertThat(kafka.path("message.max.bytes").asInt()).isGreaterThanOrEqualTo(TOPICS.maxRecordBytes());
        assertThat(kafka.path("replica.fetch.max.bytes").asInt()).isGreaterThanOrEqualTo(TOPICS.maxRecordBytes());
        JsonNode env = compose().path("services").path("kafka").path("environment");
        assertThat(env.path("KAFKA_MESSAGE_MAX_BYTES").asInt()).isGreaterThanOrEqualTo(TOPICS.maxRecordBytes());
        assertThat(env.path("KAFKA_REPLICA_FETCH_MAX_BYTES").asInt()).isGreaterThanOrEqualTo(TOPICS.maxRecordBytes());
    }

    @Test
    void shouldOnlySetKnownKeysWhenTheConfigMapGivesTheEngineItsSettings() {
        Config user = configMapSettings();
        StrictConfig.requireKnownKeys(user, REFERENCE, "deploy/k8s ConfigMap");
        // Substitutions resolve from the Deployment's environment alone (not this machine's): a ${NAME} it does not set fails here.
        Map<String, String> env = new java.util.HashMap<>();
        engineContainer().path("env").forEach(e -> env.put(e.path("name").asText(), "from-the-deployment"));
        Config resolved = user.withFallback(REFERENCE).resolveWith(user.withFallback(REFERENCE).withFallback(ConfigFactory.parseMap(env)),
            ConfigResolveOptions.noSystem());
        assertThat(resolved.getInt("vggstream.engine.ops.port")).isEqualTo(OPS_PORT);
        // The engine's settings load from it as `run` would.
        io.vggstream.engine.settings.EngineSettings.from(resolved);
        TopicsSettings.from(resolved);
        io.vggstream.topics.KafkaSettings kafka = io.vggstream.topics.KafkaSettings.from(resolved);
        // The TLS + SCRAM listener of kafka.yaml, and the CA file the Deployment mounts.
        assertThat(kafka.clients()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        String ca = kafka.clients().get("ssl.truststore.location");
        assertThat(engineContainer().path("volumeMounts")).anySatisfy(m -> assertThat(ca).startsWith(m.path("mountPath").asText() + "/"));
        int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        assertThat(kind("Kafka").get(0).path("spec").path("kafka").path("listeners"))
            .anySatisfy(l -> {
                assertThat(l.path("port").asInt()).isEqualTo(port);
                assertThat(l.path("tls").asBoolean()).isTrue();
                assertThat(l.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            });
    }

    @Test
    void shouldLeaveToTheEnvironmentWhatTheDeploymentSetsWhenTheConfigMapIsWritten() throws IOException {
        // A key in the ConfigMap's file wins over reference.conf's ${?VGGSTREAM_...}: the Deployment's variable would do nothing.
        Config user = configMapSettings();
        Set<String> set = new TreeSet<>();
        engineContainer().path("env").forEach(e -> set.add(e.path("name").asText()));
        Map<String, List<String>> readBy = referenceEnvironmentPaths();
        assertThat(readBy.get("VGGSTREAM_OPS_PORT")).containsExactly("vggstream.engine.ops.port");
        for (String variable : set) {
            for (String path : readBy.getOrDefault(variable, List.of())) {
                assertThat(user.hasPath(path)).as("the ConfigMap sets %s, which the Deployment sets through %s", path, variable).isFalse();
            }
        }
    }

    /**
     * Which keys each {@code ${?NAME}} of the reference.conf files sets: read from their text, blocks tracked by their braces
     * (resolving them with a stand-in environment trips Typesafe Config on the keys that are set twice).
     */
    private static Map<String, List<String>> referenceEnvironmentPaths() throws IOException {
        Map<String, List<String>> paths = new java.util.HashMap<>();
        Pattern open = Pattern.compile("^\\s*([\\w.\"-]+)\\s*\\{\\s*$");
        Pattern env = Pattern.compile("^\\s*([\\w.\"-]+)\\s*[=:]\\s*\\$\\{\\?([A-Z_][A-Z0-9_]*)}\\s*$");
        Enumeration<URL> refs = DeployFilesTest.class.getClassLoader().getResources("reference.conf");
        while (refs.hasMoreElements()) {
            java.util.Deque<String> blocks = new java.util.ArrayDeque<>();
            try (InputStream in = refs.nextElement().openStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String l = line.replaceAll("\\s+#.*$|^\\s*#.*$", "");
                    Matcher o = open.matcher(l);
                    Matcher e = env.matcher(l);
                    if (o.matches()) {
                        blocks.addLast(o.group(1));
                    } else if (l.trim().equals("}")) {
                        blocks.pollLast();
                    } else if (e.matches()) {
                        String prefix = String.join(".", blocks);
                        paths.computeIfAbsent(e.group(2), k -> new ArrayList<>()).add((prefix.isEmpty() ? "" : prefix + ".") + e.group(1));
                    }
                }
            }
        }
        return paths;
    }

    @Test
    void shouldPassPodSecurityRestrictedWhenTheEngineRuns() {
        JsonNode pod = kind("Deployment").get(0).path("spec").path("template").path("spec");
        JsonNode container = engineContainer();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode sc = container.path("securityContext");
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean()).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(sc.path("capabilities").path("add").isMissingNode()).isTrue();
        // What the engine writes under a read-only root: natives to the temp dir, logs and crash files to $VGGSTREAM_HOME.
        Set<String> emptyDirs = new TreeSet<>();
        pod.path("volumes").forEach(v -> {
            if (v.has("emptyDir")) {
                emptyDirs.add(v.path("name").asText());
            }
        });
        List<String> writable = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> {
            if (emptyDirs.contains(m.path("name").asText())) {
                writable.add(m.path("mountPath").asText());
            }
        });
        assertThat(writable).contains("/tmp", "/home/vggstream/.vggstream");
        assertThat(container.path("env").toString()).contains("-Djava.io.tmpdir=/tmp");
        // JSON logs for the cluster's log collector; the startup probe waits for warm-up.
        assertThat(container.path("args")).extracting(JsonNode::asText).containsSubsequence("--log-format", "json");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health/started");
        assertThat(container.path("startupProbe").path("periodSeconds").asInt() * container.path("startupProbe").path("failureThreshold").asInt())
            .as("seconds of warm-up the startup probe allows").isGreaterThanOrEqualTo(300);
    }

    @Test
    void shouldOnlySetEnvironmentVariablesThatReferenceConfReadsWhenContainersAreConfigured() throws IOException {
        Set<String> read = referenceEnvironmentVariables();
        assertThat(read).contains("VGGSTREAM_BOOTSTRAP_SERVERS", "VGGSTREAM_OPS_PORT");
        Set<String> set = new TreeSet<>();
        compose().path("services").forEach(s -> s.path("environment").fieldNames().forEachRemaining(set::add));
        for (JsonNode d : kind("Deployment")) {
            d.path("spec").path("template").path("spec").path("containers")
                .forEach(c -> c.path("env").forEach(e -> set.add(e.path("name").asText())));
        }
        for (Path f : dockerfiles()) {
            Matcher m = Pattern.compile("\\b(VGGSTREAM_[A-Z_]+)=").matcher(Files.readString(f));
            while (m.find()) {
                set.add(m.group(1));
            }
        }
        assertThat(set.stream().filter(v -> v.startsWith("VGGSTREAM_"))).as("VGGSTREAM_* variables set in deploy/")
            .isNotEmpty().allSatisfy(v -> assertThat(read).as("reference.conf reads ${?%s}", v).contains(v));
    }

    @Test
    void shouldUseTheEnginesOpsPortWhenProbingAndScraping() throws IOException {
        JsonNode deployment = kind("Deployment").get(0);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode ops = null;
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals("ops")) {
                ops = p;
            }
        }
        assertThat(ops).as("a container port named ops").isNotNull();
        assertThat(ops.path("containerPort").asInt()).isEqualTo(OPS_PORT);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("ops");
        }
        JsonNode gpu = container.path("resources").path("limits").path("nvidia.com/gpu");
        assertThat(gpu.asInt()).as("a GPU per engine pod").isEqualTo(1);
        assertThat(deployment.path("spec").path("template").path("spec").path("nodeSelector").size()).isPositive();

        JsonNode monitor = kind("PodMonitor").get(0).path("spec");
        assertThat(monitor.path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("ops");
        assertThat(monitor.path("podMetricsEndpoints").get(0).path("path").asText()).isEqualTo("/metrics");
        assertThat(kind("PodMonitor").get(0).path("metadata").path("labels").path("release").asText())
            .as("the label kube-prometheus-stack selects by (docs)").isEqualTo("kube-prometheus-stack");
        assertThat(monitor.path("selector").path("matchLabels"))
            .isEqualTo(deployment.path("spec").path("template").path("metadata").path("labels"));

        assertThat(compose().path("services").path("engine").path("ports").get(0).asText()).endsWith(":" + OPS_PORT);
        for (Path f : engineDockerfiles()) {
            String text = Files.readString(f);
            assertThat(text).as("%s exposes the ops port", f.getFileName()).contains("EXPOSE " + OPS_PORT);
            assertThat(text).as("%s runs as a user, not root", f.getFileName()).containsPattern("(?m)^USER 10001");
            assertThat(text).as("%s is multi-stage", f.getFileName()).containsPattern("(?m)^FROM .* AS build$");
        }
        assertThat(Files.readString(deploy.resolve("docker/Dockerfile.cuda"))).contains("-Pcuda");
    }

    @Test
    void shouldShowAndAlertOnDeadLettersByKind() throws IOException {
        // OpsIT checks that every metric named here is in a real scrape; this checks that the kind label is used.
        JsonNode dashboard = new ObjectMapper().readTree(deploy.resolve("monitoring/grafana/dashboards/vggstream.json").toFile());
        List<String> byKind = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if (p.path("title").asText().startsWith("Dead letters by kind")) {
                p.path("targets").forEach(t -> byKind.add(t.path("expr").asText() + " | " + t.path("legendFormat").asText()));
            }
        });
        assertThat(byKind).anyMatch(e -> e.contains("sum by (kind)") && e.contains("vggstream_dead_letters_total") && e.endsWith("{{kind}}"));
        String alert = kind("PrometheusRule").stream().flatMap(r -> r.path("spec").path("groups").findValues("rules").stream())
            .flatMap(rules -> java.util.stream.StreamSupport.stream(rules.spliterator(), false))
            .filter(r -> r.path("alert").asText().equals("VggstreamDeadLetters")).map(r -> r.path("expr").asText()).findFirst().orElseThrow();
        assertThat(alert).contains("vggstream_dead_letters_total").contains("by (namespace, kind)").contains("vggstream_frames_in_total");
    }

    @Test
    void shouldShipOnlyTheEnginesRuntimeInTheEngineImageAndEverythingInTheTrainerImage() throws IOException {
        for (Path f : engineDockerfiles()) {
            String text = Files.readString(f);
            // The engine's own runtime classpath (engine/pom.xml's image-classpath execution) and the engine launcher.
            assertThat(text).as("%s", f.getFileName()).contains("-Dvggstream.image-classpath.skip=false").contains("engine/target/image-lib/")
                .contains("io.vggstream.cli.EngineMain").doesNotContain("COPY --from=build /src/cli/target/lib/");
            // logback.xml's json appender (--log-format json, deploy/k8s) needs its encoder in the slim image too.
            assertThat(text).as("%s", f.getFileName()).contains("cli/target/lib/logback-classic-").contains("cli/target/lib/logstash-logback-encoder-");
        }
        String trainer = Files.readString(deploy.resolve("docker/Dockerfile.trainer"));
        assertThat(trainer).contains("COPY --from=build /src/cli/target/lib/").contains("io.vggstream.cli.Main").containsPattern("(?m)^USER 10001");
        // EngineMain's commands are the ones the compose file and the Deployment run in the engine image.
        assertThat(compose().path("services").path("topics").path("command").get(0).asText()).isEqualTo("topics");
        assertThat(engineContainer().path("args").get(0).asText()).isEqualTo("run");
    }

    @Test
    void shouldScaleTheConsumerGroupOnTheFramesTopicWhenKedaWatchesLag() {
        JsonNode so = kind("ScaledObject").get(0).path("spec");
        JsonNode trigger = so.path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(TOPICS.frames().name());
        assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(REFERENCE.getString("vggstream.engine.group-id"));
        assertThat(so.path("maxReplicaCount").asInt()).as("as many instances as partitions, no more").isEqualTo(TOPICS.frames().partitions());
        assertThat(so.path("minReplicaCount").asInt()).isBetween(1, so.path("maxReplicaCount").asInt());
        JsonNode behavior = so.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior");
        assertThat(behavior.path("scaleDown").path("stabilizationWindowSeconds").asInt()).as("scale-in paced").isPositive();
        assertThat(behavior.path("scaleUp").path("policies").size()).isPositive();
        // cooldownPeriod only acts when KEDA scales to zero, which minReplicaCount >= 1 rules out.
        assertThat(so.has("cooldownPeriod")).isFalse();
        JsonNode deployment = kind("Deployment").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isBetween(so.path("minReplicaCount").asInt(), so.path("maxReplicaCount").asInt());
        // Scaling needs SASL and TLS like every client of the listener.
        assertThat(trigger.path("metadata").path("sasl").asText()).isEqualTo("scram_sha512");
        assertThat(trigger.path("metadata").path("tls").asText()).isEqualTo("enable");
        assertThat(so.path("scaleTargetRef").path("name").asText()).isEqualTo(kind("Deployment").get(0).path("metadata").path("name").asText());
    }

    @Test
    void shouldCopyEveryModuleOfTheBuildWhenTheImageIsBuilt() throws IOException {
        // The image builds the launcher from the sources: a module it does not copy fails the build.
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(deploy.getParent().resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).contains("cli", "replicate");
        for (Path dockerfile : dockerfiles()) {
            String text = Files.readString(dockerfile);
            for (String module : modules) {
                assertThat(text).as(dockerfile.getFileName() + " copies " + module).contains("COPY " + module + "/ " + module + "/");
            }
        }
    }

    @Test
    void shouldKeepKafkasLogOnTheVolumeAndPublishOnThisHostOnlyWhenComposeRuns() {
        JsonNode kafka = compose().path("services").path("kafka");
        String logDirs = kafka.path("environment").path("KAFKA_LOG_DIRS").asText();
        assertThat(logDirs).as("KAFKA_LOG_DIRS").isNotEmpty();
        assertThat(kafka.path("volumes")).extracting(JsonNode::asText).anySatisfy(v -> assertThat(v).endsWith(":" + logDirs));
        compose().path("services").forEach(service -> service.path("ports")
            .forEach(p -> assertThat(p.asText()).as("published ports bind the loopback interface").startsWith("127.0.0.1:")));
    }

    @Test
    void shouldReportHealthyOnlyWhenReadyAnswers200WhenDockerRunsTheHealthCheck() throws Exception {
        // The HEALTHCHECK's own command, run as Docker runs it (exec form), against a server that is ready and one that is not.
        for (Path f : engineDockerfiles()) {
            Matcher m = Pattern.compile("(?m)^  CMD (\\[.*])$").matcher(Files.readString(f).substring(Files.readString(f).indexOf("HEALTHCHECK")));
            assertThat(m.find()).as("%s: a HEALTHCHECK in exec form", f.getFileName()).isTrue();
            List<String> command = new ArrayList<>();
            new ObjectMapper().readTree(m.group(1)).forEach(a -> command.add(a.asText()));
            assertThat(command).as("no second JVM").doesNotContain("java");
            for (int code : new int[] {200, 503}) {
                com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/health/ready", x -> {
                    x.sendResponseHeaders(code, -1);
                    x.close();
                });
                server.start();
                try {
                    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
                    pb.environment().put("VGGSTREAM_OPS_PORT", Integer.toString(server.getAddress().getPort()));
                    Process p = pb.start();
                    assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as("%s health check against %d: %s", f.getFileName(), code,
                        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(code == 200 ? 0 : 1);
                } finally {
                    server.stop(0);
                }
            }
        }
    }

    /** The engine's images (not the trainer's). */
    private static List<Path> engineDockerfiles() throws IOException {
        return dockerfiles().stream().filter(p -> !p.getFileName().toString().endsWith(".trainer")).toList();
    }

    private static Config configMapSettings() {
        JsonNode cm = kind("ConfigMap").stream().filter(c -> c.path("data").has("application.conf")).findFirst().orElseThrow();
        return ConfigFactory.parseString(cm.path("data").path("application.conf").asText());
    }

    private static JsonNode engineContainer() {
        return kind("Deployment").get(0).path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static JsonNode compose() {
        return docs.stream().filter(d -> d.get("_file").asText().equals("docker/compose.yaml")).findFirst().orElseThrow();
    }

    private static List<Path> dockerfiles() throws IOException {
        try (Stream<Path> s = Files.list(deploy.resolve("docker"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("Dockerfile")).sorted().toList();
        }
    }

    /** Every {@code ${?NAME}} in the reference.conf files on the classpath (engine, topics, ...). */
    private static Set<String> referenceEnvironmentVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        Enumeration<URL> refs = DeployFilesTest.class.getClassLoader().getResources("reference.conf");
        Pattern env = Pattern.compile("\\$\\{\\?([A-Z_][A-Z0-9_]*)}");
        while (refs.hasMoreElements()) {
            try (InputStream in = refs.nextElement().openStream()) {
                Matcher m = env.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
