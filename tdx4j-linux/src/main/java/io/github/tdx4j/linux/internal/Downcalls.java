package io.github.tdx4j.linux.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * How {@link LinuxSyscalls} and {@link LinuxSockets} call libc: a downcall handle per function, each capturing the
 * kernel's errno right after the call ({@link Linker.Option#captureCallState(String...)}), before the JVM can
 * clobber it, and the one way a downcall's {@code Throwable} is passed on.
 */
final class Downcalls {
    private Downcalls() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_CAPTURE = Linker.Option.captureCallState("errno");

    // Linker#downcallHandle is a restricted method: this package is the one place of the project that calls native
    // code, and the launcher grants it native access (--enable-native-access).
    @SuppressWarnings("restricted")
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_CAPTURE;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LINKER.defaultLookup().findOrThrow(name);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static Errno errno(MemorySegment capture) {
        return new Errno((int) ERRNO.get(capture, 0L));
    }

    /**
     * {@code invokeExact} declares Throwable, but a downcall throws only unchecked exceptions (native access
     * refused, out of memory); they pass on unchanged. A checked one cannot happen.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("a downcall threw a checked exception", t);
    }
}
