/** The real backend for Linux TDX guests: /dev/tdx_guest, configfs-tsm and the RTMR sysfs files. */
module io.github.tdx4j.linux {
    requires transitive io.github.tdx4j.guest;
    requires io.github.tdx4j.attest;
}
