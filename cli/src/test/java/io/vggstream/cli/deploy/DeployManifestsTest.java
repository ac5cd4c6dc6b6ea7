package io.vggstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in deploy/k8s read as its operator
 * reads it: Strimzi's kinds into Strimzi's own model classes (io.strimzi:api) and against Strimzi 1.2.0's
 * CRD schemas, Kubernetes' kinds into fabric8's model, KEDA's and the Prometheus Operator's kinds against
 * the OpenAPI schemas of their published CRDs (all vendored in src/test/resources/deploy-schemas, see
 * its README). Readers are strict:
 * a field the model or the schema does not have fails, where the operators would drop it silently.
 */
class DeployManifestsTest {

    /** Kinds read into model classes, and the apiVersion each must use (the current, served one). */
    private static final Map<String, Model> MODELS = Map.of(
        "Kafka", new Model(Kafka.class, "kafka.strimzi.io/v1"),
        "KafkaNodePool", new Model(KafkaNodePool.class, "kafka.strimzi.io/v1"),
        "KafkaTopic", new Model(KafkaTopic.class, "kafka.strimzi.io/v1"),
        "KafkaUser", new Model(KafkaUser.class, "kafka.strimzi.io/v1"),
        "ConfigMap", new Model(ConfigMap.class, "v1"),
        "Deployment", new Model(Deployment.class, "apps/v1"),
        "NetworkPolicy", new Model(NetworkPolicy.class, "networking.k8s.io/v1"));

    /** Kinds checked against a vendored CRD's schema: kind to file. Strimzi's kinds are read into the model too. */
    private static final Map<String, String> SCHEMAS = Map.of(
        "Kafka", "strimzi-040-Crd-kafka.yaml",
        "KafkaTopic", "strimzi-043-Crd-kafkatopic.yaml",
        "KafkaUser", "strimzi-044-Crd-kafkauser.yaml",
        "KafkaNodePool", "strimzi-045-Crd-kafkanodepool.yaml",
        "ScaledObject", "keda.sh_scaledobjects.yaml",
        "TriggerAuthentication", "keda.sh_triggerauthentications.yaml",
        "PodMonitor", "monitoring.coreos.com_podmonitors.yaml",
        "PrometheusRule", "monitoring.coreos.com_prometheusrules.yaml");

    private record Model(Class<? extends HasMetadata> type, String apiVersion) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper STRICT = strictMapper();

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
        List<Path> files;
        try (Stream<Path> s = Files.list(deploy.resolve("k8s"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            try (var parser = YAML.getFactory().createParser(f.toFile())) {
                YAML.readValues(parser, JsonNode.class).readAll().stream().filter(n -> n != null && !n.isNull()).forEach(n -> {
                    ((ObjectNode) n).put("_file", deploy.relativize(f).toString());
                    docs.add(n);
                });
            }
        }
    }

    @Test
    void shouldKnowTheKindOfEveryManifestWhenReadingThem() {
        assertThat(docs).isNotEmpty().allSatisfy(d -> assertThat(MODELS.containsKey(kind(d)) || SCHEMAS.containsKey(kind(d)))
            .as("%s: a kind this test reads (%s)", d.get("_file"), kind(d)).isTrue());
        assertThat(docs).extracting(DeployManifestsTest::kind).contains("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ConfigMap",
            "Deployment", "NetworkPolicy", "ScaledObject", "TriggerAuthentication", "PodMonitor", "PrometheusRule");
    }

    @Test
    void shouldReadEveryStrimziAndKubernetesManifestIntoItsOperatorsModelWhenNoFieldIsUnknown() throws IOException {
        for (JsonNode d : docs) {
            Model model = MODELS.get(kind(d));
            if (model == null) {
                continue;
            }
            assertThat(d.path("apiVersion").asText()).as("%s %s", d.get("_file"), kind(d)).isEqualTo(model.apiVersion());
            HasMetadata parsed = STRICT.treeToValue(withoutFile(d), model.type());
            assertThat(parsed.getMetadata().getName()).isEqualTo(d.path("metadata").path("name").asText());
        }
    }

    @Test
    void shouldValidateEveryCustomResourceAgainstItsCrdSchemaWhenServedAndStrict() throws IOException {
        for (JsonNode d : docs) {
            String file = SCHEMAS.get(kind(d));
            if (file == null) {
                continue;
            }
            Set<ValidationMessage> errors = schemaFor(file, d.path("apiVersion").asText()).validate(withoutFile(d));
            assertThat(errors).as("%s %s %s", d.get("_file"), kind(d), d.path("metadata").path("name").asText()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAFieldTheModelDoesNotHaveWhenReadStrictly() {
        // The reader is the test: were it lenient (Strimzi's and fabric8's classes keep unknown fields aside), nothing above would hold.
        String strimzi = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: t}\nspec: {partitions: 1, replica: 3}\n";
        assertThatThrownBy(() -> STRICT.readValue(YAML.readTree(strimzi).toString(), KafkaTopic.class)).hasMessageContaining("replica");
        String core = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labells: {a: b}}\n";
        assertThatThrownBy(() -> STRICT.readValue(YAML.readTree(core).toString(), ConfigMap.class)).hasMessageContaining("labells");
        String listener = "apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata: {name: k}\nspec:\n  kafka:\n"
            + "    listeners: [{name: tls, port: 9093, type: internal, tls: true, authentication: {type: scram-sha-256}}]\n";
        assertThatThrownBy(() -> STRICT.readValue(YAML.readTree(listener).toString(), Kafka.class)).hasMessageContaining("scram-sha-256");
    }

    @Test
    void shouldRefuseAFieldTheCrdDoesNotHaveWhenValidatingAgainstItsSchema() throws IOException {
        JsonNode scaled = YAML.readTree("apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\n"
            + "spec: {scaleTargetRef: {name: d}, cooldownPeriods: 300, triggers: [{type: kafka, metadata: {topic: t}}]}\n");
        assertThat(schemaFor("keda.sh_scaledobjects.yaml", "keda.sh/v1alpha1").validate(scaled))
            .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("cooldownPeriods"));
        JsonNode monitor = YAML.readTree("apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\n"
            + "spec: {selector: {}, podMetricsEndpoints: [{port: ops, intervall: 15s}]}\n");
        assertThat(schemaFor("monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com/v1").validate(monitor))
            .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("intervall"));
        // Strimzi v1 dropped the v1beta2 fields that node pools replaced; the model class (0.51, both versions) still has them.
        JsonNode kafka = YAML.readTree("apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata: {name: k}\n"
            + "spec: {kafka: {replicas: 3, listeners: [{name: plain, port: 9092, type: internal, tls: false}]}}\n");
        assertThat(schemaFor("strimzi-040-Crd-kafka.yaml", "kafka.strimzi.io/v1").validate(kafka))
            .extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("replicas"));
    }

    private static String kind(JsonNode d) {
        return d.path("kind").asText();
    }

    private static JsonNode withoutFile(JsonNode d) {
        ObjectNode copy = d.deepCopy();
        copy.remove("_file");
        return copy;
    }

    /** Jackson for the model classes, less their catch-all for unknown fields (an any-setter): an unknown field fails. */
    private static ObjectMapper strictMapper() {
        SimpleModule strict = new SimpleModule("strict");
        strict.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return new ObjectMapper().registerModule(strict).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * The JSON Schema of {@code apiVersion} in a vendored CRD: its openAPIV3Schema, with every object that lists its
     * properties closed to others (as kubectl's strict field validation does), unless it preserves unknown fields.
     */
    private static JsonSchema schemaFor(String file, String apiVersion) throws IOException {
        JsonNode crd;
        try (InputStream in = DeployManifestsTest.class.getResourceAsStream("/deploy-schemas/" + file)) {
            assertThat(in).as("vendored %s", file).isNotNull();
            crd = YAML.readTree(in);
        }
        String group = crd.path("spec").path("group").asText();
        JsonNode version = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if ((group + "/" + v.path("name").asText()).equals(apiVersion)) {
                version = v;
            }
        }
        assertThat(version).as("%s serves %s", file, apiVersion).isNotNull();
        assertThat(version.path("served").asBoolean()).as("%s: %s served", file, apiVersion).isTrue();
        assertThat(version.path("deprecated").asBoolean(false)).as("%s: %s deprecated", file, apiVersion).isFalse();
        JsonNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
        close(schema);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    private static void close(JsonNode node) {
        if (node instanceof ObjectNode o) {
            // Only schemas ("type: object" beside "properties"), not a properties map that has a field named "properties".
            if ("object".equals(o.path("type").asText(null)) && o.path("properties").isObject() && !o.has("additionalProperties") && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            close(it.next());
        }
    }
}
