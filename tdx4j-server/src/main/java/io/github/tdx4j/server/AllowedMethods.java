package io.github.tdx4j.server;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The path of every route the server answers and its one method, so that a request with another method gets
 * 405 {@code METHOD_NOT_ALLOWED} with an {@code Allow} header (RFC 9110, section 15.5.6 "405 Method Not Allowed")
 * rather than 404. Helidon's routing answers an unrouted method like an unknown path; this table is the
 * difference. {@code BoundsAndErrorsTest#wrongMethodIs405} checks it against the running server: each
 * route answers its method, and 405 for another.
 */
final class AllowedMethods {
    /**
     * A route: its path pattern, the method it takes, and one path it matches (for the test).
     */
    record Route(Pattern path, String method, String example) {
    }

    static final List<Route> ROUTES = List.of(
            route("/verify", "POST"),
            route("/.well-known/jwks.json", "GET"),
            route("/sgx/certification/v4/pckcrl", "GET"),
            route("/sgx/certification/v4/rootcacrl", "GET"),
            route("/(sgx|tdx)/certification/v4/tcb", "GET", "/tdx/certification/v4/tcb"),
            route("/(sgx|tdx)/certification/v4/qe/identity", "GET", "/sgx/certification/v4/qe/identity"),
            route("/appraisal/v[12]/nonce", "GET", "/appraisal/v2/nonce"),
            route("/appraisal/v[12]/attest", "POST", "/appraisal/v1/attest"),
            route("/certs", "GET"),
            route(ItaPki.ROOT_CRL_PATH, "GET"),
            route(ItaPki.SIGNING_CRL_PATH, "GET"),
            route("/", "GET"),
            route("/app.js", "GET"),
            route("/app.css", "GET"),
            route("/healthz", "GET"),
            route("/metrics", "GET"));

    private AllowedMethods() {
    }

    /** A route whose path has no pattern characters. */
    private static Route route(String path, String method) {
        return new Route(Pattern.compile(Pattern.quote(path)), method, path);
    }

    private static Route route(String regex, String method, String example) {
        return new Route(Pattern.compile(regex), method, example);
    }

    /** The method {@code path} is served with, if it is a route's path. */
    static Optional<String> of(String path) {
        return ROUTES.stream().filter(r -> r.path().matcher(path).matches()).map(Route::method).findFirst();
    }
}
