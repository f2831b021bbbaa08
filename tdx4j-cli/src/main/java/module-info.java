/** The tdx4j command line. */
module io.github.tdx4j.cli {
    requires io.github.tdx4j.call;
    requires io.github.tdx4j.sim;
    requires io.github.tdx4j.guest;
    requires io.github.tdx4j;
    requires io.github.tdx4j.campaign;
    requires io.github.tdx4j.attest;
    requires io.github.tdx4j.linux;
    requires io.github.tdx4j.server;
    requires java.logging;
    requires io.github.tdx4j.ratls;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    opens io.github.tdx4j.cli to info.picocli;
}
