package io.github.tdx4j.call;

/**
 * Whose fault a failure is: the three sources named in the seed review of the TDCALL helpers.
 *
 * <p>The rule that follows from each: a guest bug is ours to fix (warn once); a TDX-module bug is the trusted
 * firmware misbehaving (warn, or stop when the call is security-sensitive); a VMM error may be malice and is
 * <em>never</em> fatal and never logged without bound, because the untrusted host must not be able to crash the TD
 * or flood its log. A closed set we produce.
 */
public enum Origin {
    /** The guest passed a bad value or reached a state the spec forbids. */
    GUEST_BUG,
    /** The TDX module returned something the spec does not allow, or its call mechanism failed. */
    TDX_MODULE,
    /** The host VMM returned an error or a value that fails validation (error or malice). */
    VMM
}
