/**
 * The real backend for Linux TDX guests: {@link io.github.tdx4j.linux.LinuxTdAttestation} on /dev/tdx_guest,
 * configfs-tsm and the RTMR sysfs files, and {@link io.github.tdx4j.linux.TdxDiagnostics}. Needs native access
 * ({@code --enable-native-access=io.github.tdx4j.linux}) for the one ioctl; all native code is in the unexported
 * {@code internal} package.
 */
module io.github.tdx4j.linux {
    requires transitive io.github.tdx4j.guest;
    requires transitive io.github.tdx4j.attest;

    exports io.github.tdx4j.linux;
}
