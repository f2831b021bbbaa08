/** Guest services on the call layer: #VE handling, page accept, MapGPA, TDREPORT, RTMR extend, GetQuote. */
module io.github.tdx4j.guest {
    requires transitive io.github.tdx4j.call;

    exports io.github.tdx4j.guest;
    exports io.github.tdx4j.guest.attest;
    exports io.github.tdx4j.guest.io;
    exports io.github.tdx4j.guest.memory;
    exports io.github.tdx4j.guest.ve;
}
