package io.github.tdx4j.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page at {@code /}: paste or drop a quote (file, hex or base64) and optional collateral, see every decoded
 * field, the verdict, the policy result and the EAR token. Its three files are resources of this module, served by
 * the server itself: no CDN, nothing fetched from elsewhere.
 */
final class WebPage implements HttpService {
    private static final String DIR = "/io/github/tdx4j/server/web/";
    private final Map<String, byte[]> files = Map.of(
            "index.html", load("index.html"),
            "app.js", load("app.js"),
            "app.css", load("app.css"));

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(res, "index.html", "text/html; charset=utf-8"))
                .get("/app.js", (req, res) -> send(res, "app.js", "text/javascript; charset=utf-8"))
                .get("/app.css", (req, res) -> send(res, "app.css", "text/css; charset=utf-8"));
    }

    private void send(io.helidon.webserver.http.ServerResponse res, String name, String type) {
        res.header(HeaderNames.CONTENT_TYPE, type);
        // The page runs only its own script and style and talks only to this server.
        res.header(HeaderNames.create("Content-Security-Policy"),
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.send(files.get(name));
    }

    private static byte[] load(String name) {
        try (InputStream in = WebPage.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DIR + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
