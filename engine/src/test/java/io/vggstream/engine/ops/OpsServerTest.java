package io.vggstream.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ops server on the loopback interface with stalled clients: ones that connect and send
 * nothing, and ones that send half a request. Every bound here is generous (a minute): the
 * assertions are that the liveness request completes at all, never how fast.
 */
class OpsServerTest {

    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
    }

    @Test
    void shouldListenOnLoopbackByDefault() {
        OpsSettings defaults = OpsSettings.from(ConfigFactory.load());
        assertThat(defaults.bindAddress()).isEqualTo("127.0.0.1");
        try (OpsServer ops = OpsServer.start(defaults.withPort(0))) {
            assertThat(ops.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void shouldRefuseABadOpsSettingNamingIt() {
        assertThatThrownBy(() -> new OpsSettings(0, " ", Duration.ofSeconds(1), 4)).hasMessageContaining("ops.bind-address");
        assertThatThrownBy(() -> new OpsSettings(0, "127.0.0.1", Duration.ZERO, 4)).hasMessageContaining("ops.request-timeout");
        assertThatThrownBy(() -> new OpsSettings(0, "127.0.0.1", Duration.ofSeconds(1), 0)).hasMessageContaining("ops.threads");
    }

    @Test
    void shouldAnswerLivenessWhileStalledClientsHoldConnections() throws Exception {
        // A deadline far beyond the test: the stalled clients keep their connections throughout.
        OpsSettings settings = OpsSettings.loopback(0).withRequestTimeout(Duration.ofMinutes(10)).withThreads(4);
        try (OpsServer ops = OpsServer.start(settings)) {
            for (int i = 0; i < 8; i++) {
                silent(ops);
            }
            List<Socket> half = new ArrayList<>();
            for (int i = 0; i < settings.threads() - 1; i++) {
                half.add(halfRequest(ops));
            }
            HttpResponse<String> live = get(ops, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("starting\n");
            for (Socket s : half) {
                assertThat(stillOpen(s)).as("a stalled client still holds its connection").isTrue();
            }
        }
    }

    @Test
    void shouldCutOffClientsThatSendHalfARequestSoLivenessIsAnsweredEvenWhenTheyOutnumberTheThreads() throws Exception {
        OpsSettings settings = OpsSettings.loopback(0).withRequestTimeout(Duration.ofSeconds(1)).withThreads(2);
        try (OpsServer ops = OpsServer.start(settings)) {
            List<Socket> half = new ArrayList<>();
            for (int i = 0; i < 3 * settings.threads(); i++) {
                half.add(halfRequest(ops));
            }
            HttpResponse<String> live = get(ops, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            for (Socket s : half) {
                s.setSoTimeout((int) GENEROUS.toMillis());
                assertThat(closedByServer(s)).as("a half request cut off at the request timeout").isTrue();
            }
        }
    }

    private Socket silent(OpsServer ops) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), ops.port());
        clients.add(s);
        return s;
    }

    private Socket halfRequest(OpsServer ops) throws IOException {
        Socket s = silent(ops);
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static HttpResponse<String> get(OpsServer ops, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(GENEROUS).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).timeout(GENEROUS).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** No answer and no close yet: a short read times out (the server has no reason to write to a half request). */
    private static boolean stillOpen(Socket s) throws IOException {
        s.setSoTimeout(200);
        try {
            s.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    /** The server closed the connection: end of stream or a reset, with nothing answered. */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
