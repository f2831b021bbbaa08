/** The simulated TDX platform: TDX module, VMM, guest memory, vCPU, devices and quoting service. */
module io.github.tdx4j.sim {
    requires transitive io.github.tdx4j.call;
    requires io.github.tdx4j.attest;
}
