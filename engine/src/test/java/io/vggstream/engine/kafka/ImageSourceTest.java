package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EnrichSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an enrichment image may come from: files only under the root (symlinks resolved, regular
 * files, a cap enforced while reading), URLs only to allow-listed hosts on public addresses (a
 * loopback server stands in, refused unless private addresses are allowed), no redirects, a capped
 * body, one timeout for all; refusals that say what kind of failure, never sizes or contents.
 */
class ImageSourceTest {

    private static final int CAP = 1000;
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final EnrichSettings DEFAULTS = EnrichSettings.from(ConfigFactory.load());

    @TempDir
    Path dir;

    private HttpServer http;
    private ExecutorService handlers;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final byte[] image = bytes(600, 1);

    @BeforeEach
    void serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        http.setExecutor(handlers);
        http.createContext("/img", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(200, image.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(image);
            }
        });
        http.createContext("/redirect", x -> {
            requests.incrementAndGet();
            x.getResponseHeaders().set("Location", "/img");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        http.createContext("/missing", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        http.createContext("/endless", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                byte[] chunk = new byte[4096];
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // The client hung up: what the cap is for.
            }
        });
        http.createContext("/declared-large", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(200, CAP + 1);
            try (OutputStream out = x.getResponseBody()) {
                out.write(new byte[CAP + 1]);
            } catch (IOException e) {
                // The client refused it unread.
            }
        });
        http.createContext("/stall", x -> {
            requests.incrementAndGet();
            x.sendResponseHeaders(200, image.length);
            try {
                release.await(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        http.stop(0);
        handlers.shutdownNow();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static ImageSource urls(List<String> hosts, boolean allowPrivate, Duration timeout) {
        return new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.URL).withUrls(hosts, allowPrivate, timeout), CAP, Runnable::run);
    }

    private ImageSource files() {
        return new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.PATH).withPathRoot(dir), CAP, Runnable::run);
    }

    private static byte[] get(ImageSource source, String field) throws Exception {
        return source.get(field).toCompletableFuture().get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
    }

    /** The refusal's published text; fails when the source gave bytes. */
    private static String refusal(ImageSource source, String field) throws Exception {
        try {
            get(source, field);
        } catch (ExecutionException e) {
            String reason = ImageSource.reason(e.getCause());
            assertThat(reason).doesNotContainPattern("\\d{3,}");
            return reason;
        }
        throw new AssertionError("expected " + field + " to be refused");
    }

    // Files.

    @Test
    void shouldReadAFileUnderTheRootByRelativeOrAbsolutePathAndThroughALinkThatStaysInside() throws Exception {
        Path f = Files.write(dir.resolve("cam.jpg"), image);
        Files.createSymbolicLink(dir.resolve("link.jpg"), f);
        assertThat(get(files(), "cam.jpg")).isEqualTo(image);
        assertThat(get(files(), f.toString())).isEqualTo(image);
        assertThat(get(files(), "link.jpg")).isEqualTo(image);
    }

    @Test
    void shouldRefuseAPathOutsideTheRootAlikeWhetherOrNotItExists(@TempDir Path elsewhere) throws Exception {
        Path outside = Files.write(elsewhere.resolve("secret.jpg"), image);
        Files.createSymbolicLink(dir.resolve("escape.jpg"), outside);
        assertThat(refusal(files(), outside.toString())).isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "../" + elsewhere.getFileName() + "/secret.jpg")).isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "escape.jpg")).as("a symlink out of the root").isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "no-such.jpg")).as("the same words: existence is not told").isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "/etc/passwd")).isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "cam\0.jpg")).isEqualTo(ImageSource.BAD_PATH);
    }

    @Test
    void shouldRefuseWhatIsNotARegularFileDevZeroIncluded() throws Exception {
        Files.createDirectory(dir.resolve("folder"));
        Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        assertThat(refusal(files(), "folder")).isEqualTo(ImageSource.BAD_PATH);
        assertThat(refusal(files(), "zero")).isEqualTo(ImageSource.BAD_PATH);
        ImageSource underDev = new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.PATH).withPathRoot(Path.of("/dev")),
            CAP, Runnable::run);
        assertThat(refusal(underDev, "zero")).isEqualTo(ImageSource.BAD_PATH);
    }

    @Test
    void shouldRefuseAFileOverTheCapWithoutSayingItsSize() throws Exception {
        Files.write(dir.resolve("big.jpg"), bytes(CAP + 1, 2));
        Files.write(dir.resolve("exact.jpg"), bytes(CAP, 3));
        assertThat(refusal(files(), "big.jpg")).isEqualTo(ImageSource.TOO_LARGE);
        assertThat(get(files(), "exact.jpg")).hasSize(CAP);
    }

    @Test
    void shouldEnforceTheCapWhileReadingAStreamWithoutEnd() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        assertThatThrownBy(() -> ImageSource.readCapped(endless, CAP)).isInstanceOf(ImageSource.Refused.class)
            .hasMessage(ImageSource.TOO_LARGE);
    }

    // Base64.

    @Test
    void shouldDecodeBase64UnderTheCapOnly() throws Exception {
        ImageSource b64 = new ImageSource(DEFAULTS, CAP, Runnable::run);
        assertThat(get(b64, Base64.getEncoder().encodeToString(image))).isEqualTo(image);
        assertThat(get(b64, "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(image))).isEqualTo(image);
        assertThat(refusal(b64, Base64.getEncoder().encodeToString(bytes(CAP + 1, 4)))).isEqualTo(ImageSource.TOO_LARGE);
        // The MIME decoder skips characters outside the alphabet; padding in the middle is an error.
        assertThat(refusal(b64, "QUJD=QUJD")).isEqualTo(ImageSource.BAD_BASE64);
    }

    // URLs.

    @Test
    void shouldFetchFromAnAllowedHostWhenPrivateAddressesAreAllowed() throws Exception {
        assertThat(get(urls(List.of("127.0.0.1"), true, GENEROUS), url("/img"))).isEqualTo(image);
    }

    @Test
    void shouldRefuseLoopbackUnlessAllowedAndAskNothing() throws Exception {
        assertThat(refusal(urls(List.of("127.0.0.1", "localhost"), false, GENEROUS), url("/img"))).isEqualTo(ImageSource.PRIVATE);
        assertThat(refusal(urls(List.of("127.0.0.1", "localhost"), false, GENEROUS), url("/img").replace("127.0.0.1", "localhost")))
            .isEqualTo(ImageSource.PRIVATE);
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldRefuseHostsNotOnTheAllowListAndAskNothing() throws Exception {
        assertThat(refusal(urls(List.of("images.example.com"), true, GENEROUS), url("/img"))).isEqualTo(ImageSource.HOST_NOT_ALLOWED);
        assertThat(refusal(urls(List.of("*.example.com"), true, GENEROUS), "http://169.254.169.254/latest/meta-data/"))
            .isEqualTo(ImageSource.HOST_NOT_ALLOWED);
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldRefuseSchemesOtherThanHttpAndHttps() throws Exception {
        ImageSource any = urls(List.of("127.0.0.1"), true, GENEROUS);
        Path f = Files.write(dir.resolve("cam.jpg"), image);
        assertThat(refusal(any, f.toUri().toString())).isEqualTo(ImageSource.BAD_SCHEME);
        assertThat(refusal(any, "ftp://127.0.0.1/img")).isEqualTo(ImageSource.BAD_SCHEME);
        assertThat(refusal(any, "jar:file:/x.jar!/a")).isEqualTo(ImageSource.BAD_SCHEME);
        assertThat(refusal(any, "no url here")).isEqualTo(ImageSource.BAD_URL);
        assertThat(refusal(any, "http://user:pw@127.0.0.1/img")).isEqualTo(ImageSource.BAD_URL);
    }

    @Test
    void shouldConnectToTheAddressItCheckedWhateverTheNameResolvesToLater() throws Exception {
        // DNS rebinding: the first answer is public (TEST-NET-3, no route from here), every later one the local server.
        AtomicInteger lookups = new AtomicInteger();
        ImageSource.Resolver rebinding = host -> new InetAddress[] {lookups.getAndIncrement() == 0
            ? InetAddress.getByName("203.0.113.7") : InetAddress.getLoopbackAddress()};
        ImageSource source = new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.URL)
            .withUrls(List.of("images.example.com"), false, Duration.ofSeconds(1)), CAP, Runnable::run, rebinding);
        String field = "http://images.example.com:" + http.getAddress().getPort() + "/img";
        assertThat(refusal(source, field)).as("it tried the checked, unreachable address").isIn(ImageSource.TIMEOUT, ImageSource.FAILED);
        assertThat(lookups).as("one lookup, the checked one").hasValue(1);
        assertThat(requests).as("the rebound address was never asked").hasValue(0);
    }

    @Test
    void shouldFetchFromTheAddressTheCheckedLookupGave() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        ImageSource.Resolver local = host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        };
        ImageSource source = new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.URL)
            .withUrls(List.of("images.example.com"), true, GENEROUS), CAP, Runnable::run, local);
        assertThat(get(source, "http://images.example.com:" + http.getAddress().getPort() + "/img")).isEqualTo(image);
        assertThat(lookups).hasValue(1);
        ImageSource refusing = new ImageSource(DEFAULTS.withEncoding(EnrichSettings.Encoding.URL)
            .withUrls(List.of("images.example.com"), false, GENEROUS), CAP, Runnable::run, local);
        assertThat(refusal(refusing, "http://images.example.com:" + http.getAddress().getPort() + "/img")).isEqualTo(ImageSource.PRIVATE);
        assertThat(requests).hasValue(1);
    }

    @Test
    void shouldNotFollowRedirects() throws Exception {
        assertThat(refusal(urls(List.of("127.0.0.1"), true, GENEROUS), url("/redirect"))).isEqualTo(ImageSource.REDIRECT);
        assertThat(requests).as("only the redirect was asked for").hasValue(1);
    }

    @Test
    void shouldSayAnErrorStatusWithoutTheStatus() throws Exception {
        assertThat(refusal(urls(List.of("127.0.0.1"), true, GENEROUS), url("/missing"))).isEqualTo(ImageSource.ERROR_STATUS);
    }

    @Test
    void shouldStopReadingABodyOverTheCap() throws Exception {
        assertThat(refusal(urls(List.of("127.0.0.1"), true, GENEROUS), url("/endless"))).isEqualTo(ImageSource.TOO_LARGE);
        assertThat(refusal(urls(List.of("127.0.0.1"), true, GENEROUS), url("/declared-large"))).isEqualTo(ImageSource.TOO_LARGE);
    }

    @Test
    void shouldGiveUpOnAServerThatStallsAfterTheOverallTimeout() throws Exception {
        assertThat(refusal(urls(List.of("127.0.0.1"), true, Duration.ofMillis(500)), url("/stall"))).isEqualTo(ImageSource.TIMEOUT);
    }

    @Test
    void shouldTellPrivateAddressesFromPublicOnes() throws Exception {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe")) {
            assertThat(ImageSource.isPrivate(InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1")) {
            assertThat(ImageSource.isPrivate(InetAddress.getByName(a))).as(a).isFalse();
        }
    }

    @Test
    void shouldMatchAllowListEntriesExactlyOrAsSubdomains() {
        assertThat(ImageSource.allowed("img.example.com", List.of("*.example.com"))).isTrue();
        assertThat(ImageSource.allowed("IMG.Example.com", List.of("img.example.com"))).isTrue();
        assertThat(ImageSource.allowed("example.com", List.of("*.example.com"))).isFalse();
        assertThat(ImageSource.allowed("badexample.com", List.of("*.example.com"))).isFalse();
        assertThat(ImageSource.allowed("example.com.evil.net", List.of("example.com"))).isFalse();
    }

    @Test
    void shouldRefuseAnEnabledSourceWithoutItsSettingsNamingTheKey() {
        assertThatThrownBy(() -> DEFAULTS.withEncoding(EnrichSettings.Encoding.PATH).enabled(true))
            .hasMessageContaining("enrich.path-root");
        assertThatThrownBy(() -> DEFAULTS.withEncoding(EnrichSettings.Encoding.URL).enabled(true))
            .hasMessageContaining("enrich.url-allowed-hosts");
        assertThatThrownBy(() -> DEFAULTS.withUrls(List.of("http://example.com/"), false, GENEROUS))
            .hasMessageContaining("enrich.url-allowed-hosts");
        assertThat(DEFAULTS.pathRoot()).isEmpty();
        assertThat(DEFAULTS.urlAllowedHosts()).isEmpty();
        assertThat(DEFAULTS.urlAllowPrivate()).isFalse();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
