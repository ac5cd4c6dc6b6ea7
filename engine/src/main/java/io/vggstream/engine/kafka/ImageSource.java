package io.vggstream.engine.kafka;

import io.vggstream.engine.settings.EnrichSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Where an event's image comes from (enrichment): the field's base64, a file under
 * {@code enrich.path-root}, or an http(s) URL on an allow-listed host. Each source is bounded: at
 * most {@code maxBytes} are read or kept (a larger image is refused while reading, never after),
 * and a URL fetch takes at most {@code enrich.url-timeout} in all. A refusal's message says what
 * kind of failure it was, never the file's contents, its size, whether it exists, or the server's
 * answer: it goes into the output topic.
 */
public final class ImageSource implements AutoCloseable {

    /** Why an image could not be had: a message that is safe to publish. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    static final String TOO_LARGE = "the image is larger than the limit (max-frame-bytes)";
    static final String BAD_BASE64 = "the image field is not valid base64";
    static final String BAD_PATH = "the image path does not name a readable regular file under enrich.path-root";
    static final String BAD_URL = "the image URL is not a valid http or https URL with a host";
    static final String BAD_SCHEME = "the image URL's scheme is not http or https";
    static final String HOST_NOT_ALLOWED = "the image URL's host is not in enrich.url-allowed-hosts";
    static final String UNRESOLVED = "the image URL's host could not be resolved";
    static final String PRIVATE = "the image URL's host resolves to a loopback, link-local or private address"
        + " (enrich.url-allow-private is off)";
    static final String REDIRECT = "the server answered with a redirect, which is not followed";
    static final String ERROR_STATUS = "the server answered with an error status";
    static final String TIMEOUT = "the fetch took longer than enrich.url-timeout";
    static final String FAILED = "the image could not be fetched (connection or transfer failed)";

    private final EnrichSettings settings;
    private final int maxBytes;
    private final Executor blocking;
    private final Resolver resolver;
    private final CloseableHttpClient http;

    /** A host name's addresses: the system's lookup, or a test's. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * @param blocking where file reads, host name lookups and fetches run (they block)
     */
    public ImageSource(EnrichSettings settings, int maxBytes, Executor blocking) {
        this(settings, maxBytes, blocking, InetAddress::getAllByName);
    }

    ImageSource(EnrichSettings settings, int maxBytes, Executor blocking, Resolver resolver) {
        this.settings = settings;
        this.maxBytes = maxBytes;
        this.blocking = blocking;
        this.resolver = resolver;
        Timeout t = Timeout.of(settings.urlTimeout());
        // The client connects to exactly the addresses that were checked: its one lookup is ours (checked), so a DNS
        // answer that changes between a check and the connection (rebinding) cannot lead it elsewhere. TLS still
        // verifies the URL's host name and sends it as SNI: the address comes from the resolver, the name from the URL.
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(new CheckedResolver())
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
            .build();
        // No redirects: each hop would need the host and address checks again. No proxy (system properties are not
        // read): the checks are about the real peer. No retries: the overall timeout is one bound.
        this.http = HttpClients.custom()
            .setConnectionManager(connections)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).setRedirectsEnabled(false).build())
            .build();
    }

    /** The image's bytes, or a stage failed with {@link Refused} (or, for a bug, anything else). */
    public CompletionStage<byte[]> get(String field) {
        switch (settings.encoding()) {
            case BASE64:
                try {
                    return CompletableFuture.completedFuture(base64(field, maxBytes));
                } catch (Refused e) {
                    return CompletableFuture.failedFuture(e);
                }
            case PATH:
                return CompletableFuture.supplyAsync(() -> file(field), blocking);
            default:
                return url(field);
        }
    }

    /** The message of a failure to publish: a {@link Refused}'s own, else a generic one (never an exception's text). */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Refused r) {
                return r.getMessage();
            }
            if (t instanceof TimeoutException || t instanceof java.io.InterruptedIOException) {
                return TIMEOUT;
            }
        }
        return FAILED;
    }

    static byte[] base64(String field, int maxBytes) {
        // The text is bounded by the event's size (the input topic's limit), so decoding it whole is bounded too.
        byte[] bytes;
        try {
            bytes = Enrichment.base64(field);
        } catch (IllegalArgumentException e) {
            throw new Refused(BAD_BASE64);
        }
        if (bytes.length > maxBytes) {
            throw new Refused(TOO_LARGE);
        }
        return bytes;
    }

    byte[] file(String field) {
        Path root = settings.pathRoot().orElseThrow(() -> new Refused(BAD_PATH));
        try {
            Path realRoot = root.toRealPath();
            // An absolute field stays itself; a relative one is taken from the root. Symlinks are resolved before the check.
            Path real = realRoot.resolve(field.strip()).toRealPath();
            if (!real.startsWith(realRoot) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(BAD_PATH);
            }
            // NOFOLLOW: a link put in the file's place after the check is not followed.
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                return readCapped(in, maxBytes);
            }
        } catch (IOException | InvalidPathException | SecurityException e) {
            throw new Refused(BAD_PATH);
        }
    }

    /** At most {@code max} bytes; one more and it is refused (a file may grow while it is read). */
    static byte[] readCapped(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 1 << 16));
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
            if (total > max) {
                throw new Refused(TOO_LARGE);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private CompletionStage<byte[]> url(String field) {
        URI uri;
        String host;
        try {
            uri = new URI(field.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new Refused(uri.getScheme() == null ? BAD_URL : BAD_SCHEME);
            }
            host = uri.getHost();
            if (host == null || host.isEmpty() || uri.getRawUserInfo() != null) {
                throw new Refused(BAD_URL);
            }
            host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (!allowed(host, settings.urlAllowedHosts())) {
                throw new Refused(HOST_NOT_ALLOWED);
            }
        } catch (java.net.URISyntaxException e) {
            return CompletableFuture.failedFuture(new Refused(BAD_URL));
        } catch (Refused e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpGet get = new HttpGet(uri);
        // One bound for all of it: the lookup, connecting, the answer and the last byte of the body.
        CompletableFuture<byte[]> fetch = CompletableFuture.supplyAsync(() -> fetch(get), blocking)
            .orTimeout(settings.urlTimeout().toNanos(), TimeUnit.NANOSECONDS);
        fetch.whenComplete((bytes, failure) -> {
            if (failure != null) {
                // Closes the connection under a read still going on.
                get.cancel();
            }
        });
        return fetch;
    }

    /** One GET, on the calling thread: the body of a 2xx answer under the cap, or a {@link Refused}. */
    private byte[] fetch(HttpGet get) {
        try {
            return http.execute(get, response -> {
                int status = response.getCode();
                if (status / 100 == 3) {
                    throw refuse(get, REDIRECT);
                }
                if (status / 100 != 2) {
                    throw refuse(get, ERROR_STATUS);
                }
                HttpEntity entity = response.getEntity();
                if (entity == null) {
                    return new byte[0];
                }
                if (entity.getContentLength() > maxBytes) {
                    throw refuse(get, TOO_LARGE);
                }
                try {
                    return readCapped(entity.getContent(), maxBytes);
                } catch (Refused e) {
                    throw refuse(get, e.getMessage());
                }
            });
        } catch (Refused e) {
            throw e;
        } catch (java.io.InterruptedIOException e) {
            // A socket or connect timeout: the overall bound, reached on one step.
            throw new Refused(TIMEOUT);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A refusal, the connection dropped first: the client would otherwise read the rest of the body to keep the
     * connection (for ever, from a server that never ends it).
     */
    private static Refused refuse(HttpGet get, String reason) {
        get.cancel();
        return new Refused(reason);
    }

    /** The client's only lookup: the host's addresses, each checked; a refusal fails the request before any connection. */
    private final class CheckedResolver implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) {
            return checkAddresses(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    private InetAddress[] checkAddresses(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            throw new Refused(UNRESOLVED);
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused(UNRESOLVED);
        }
        if (!settings.urlAllowPrivate()) {
            for (InetAddress a : addresses) {
                if (isPrivate(a)) {
                    throw new Refused(PRIVATE);
                }
            }
        }
        return addresses;
    }

    /** An allow-list entry is a host name or address, matched exactly, or {@code *.domain} for the domain's subdomains. */
    static boolean allowed(String host, List<String> allowList) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String entry : allowList) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.startsWith("*.") ? h.endsWith(e.substring(1)) && h.length() > e.length() - 1 : h.equals(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loopback, link-local (169.254/16 holds cloud metadata services), private (10/8, 172.16/12,
     * 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), unspecified, multicast and reserved
     * addresses; IPv4 addresses inside IPv6 ones are checked as IPv4.
     */
    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            return b0 == 0 || b0 == 127 || (b0 == 100 && (b1 & 0xc0) == 64) || (b0 == 198 && (b1 & 0xfe) == 18) || b0 >= 240;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return true;
        }
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        if (mapped || compatible || nat64) {
            try {
                return isPrivate(Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        return false;
    }

    /** Closes the HTTP client's connections (the owner's stop). */
    @Override
    public void close() {
        http.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
}
