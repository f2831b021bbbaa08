package io.github.tdx4j.call;

/**
 * Whose fault a failure is: the three sources named in the seed review of the TDCALL helpers.
 *
 * <p>The rule that follows from each: a guest bug is ours to fix (warn once); a TDX-module bug is the trusted
 * firmware misbehaving (warn, or stop when the call is security-sensitive); a VMM error may be malice and is
 * <em>never</em> fatal and never logged without bound, because the untrusted host must not be able to crash the TD
 * or flood its log. A closed set we produce.
 *
 * <p>One exception, at boot only: a host that launches a non-debug TD with SEPT #VE enabled (ATTRIBUTES.SEPT_VE_DISABLE
 * clear and no way to set TD_CTLS.PENDING_VE_DISABLE) has misconfigured the TD, and the guest refuses to start, as
 * Linux's {@code disable_sept_ve} panics ("TD misconfiguration: SEPT #VE has to be disabled"). Stopping before the TD
 * runs costs the host nothing it could not do anyway (not launching the TD), and running would let it inject #VE at
 * chosen instructions. {@code TdxGuest#boot} is the only place that raises a fatal VMM failure.
 */
public enum Origin {
    /** The guest passed a bad value or reached a state the spec forbids. */
    GUEST_BUG,
    /** The TDX module returned something the spec does not allow, or its call mechanism failed. */
    TDX_MODULE,
    /** The host VMM returned an error or a value that fails validation (error or malice). */
    VMM
}
