/**
 * Intel TDX spec constants, received-code value types and binary layouts.
 *
 * <p>Pure data: no behaviour beyond decoding bit fields. Every name is the spec's own, with a one-line citation
 * naming the document, its version and the section title. Codes we <em>receive</em> (statuses, exit reasons,
 * leaves seen by the simulated module) are open value types: any 64-bit value decodes and prints, nothing throws.
 * Closed enums are used only for sets we produce (page levels, GPR names).
 */
module io.github.tdx4j.abi {
    exports io.github.tdx4j.abi;
}
