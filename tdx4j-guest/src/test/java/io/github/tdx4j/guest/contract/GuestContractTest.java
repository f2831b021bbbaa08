package io.github.tdx4j.guest.contract;

import static io.github.tdx4j.guest.contract.ContractTd.Capability.GUEST_SERVICES;
import static io.github.tdx4j.guest.contract.ContractTd.Capability.HOST_CONTROL;
import static io.github.tdx4j.guest.contract.ContractTd.Capability.HOST_VIEW;
import static io.github.tdx4j.guest.contract.ContractTd.Capability.RUN_CODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.Gpr;
import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.call.Origin;
import io.github.tdx4j.call.TdxFailure;
import io.github.tdx4j.call.TdxPolicyPanic;
import io.github.tdx4j.call.VmcallRequest;
import io.github.tdx4j.call.VmcallResult;
import io.github.tdx4j.call.policy.OriginPolicy;
import io.github.tdx4j.guest.TdxGuest;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.guest.attest.GuestAttestation;
import io.github.tdx4j.guest.attest.QuoteOptions;
import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.guest.io.PortSize;
import io.github.tdx4j.guest.memory.GuestPages;
import io.github.tdx4j.guest.memory.MemoryConversionException;
import io.github.tdx4j.guest.memory.PageAcceptor;
import io.github.tdx4j.guest.memory.PagePoolException;
import io.github.tdx4j.guest.memory.SharedBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guest services' contract, checked by observable effect (registers, memory, console text, RTMR values, quote
 * contents) on every {@link Backend}. The historical bugs of the Linux guest are named regression tests
 * ({@code regression_*}).
 */
class GuestContractTest {
    private static final long IO = TdvmcallSubFunction.INSTRUCTION_IO.raw();
    private static final long MMIO = TdvmcallSubFunction.VE_REQUEST_MMIO.raw();
    private static final long CPUID = TdvmcallSubFunction.INSTRUCTION_CPUID.raw();
    private static final long HLT = TdvmcallSubFunction.INSTRUCTION_HLT.raw();
    private static final long MAP_GPA = TdvmcallSubFunction.MAP_GPA.raw();
    private static final long GET_QUOTE = TdvmcallSubFunction.GET_QUOTE.raw();
    private static final int UART = 0x3F8;
    private static final int UART_LSR = 0x3FD;
    private static final long SEC = 1_000_000_000L;
    private static final byte[] FAKE_QUOTE = "a quote from a tampering host".getBytes(StandardCharsets.US_ASCII);

    /** A TD for a test of the guest services, skipped on a backend without {@code needs}. */
    private static ContractTd open(Backend b, Scenario s, ContractTd.Capability... needs) {
        needs = Arrays.copyOf(needs, needs.length + 1);
        needs[needs.length - 1] = GUEST_SERVICES;
        return openAttestation(b, s, needs);
    }

    /** A TD for a test of {@link ContractTd#attestation()} alone, which a real TD can run too. */
    private static ContractTd openAttestation(Backend b, Scenario s, ContractTd.Capability... needs) {
        if (s.needsTampering()) {
            needs = Arrays.copyOf(needs, needs.length + 1);
            needs[needs.length - 1] = HOST_CONTROL;
        }
        ContractTd td = b.open(s);
        for (ContractTd.Capability c : needs) {
            assumeTrue(td.supports(c), b + " cannot " + c);
        }
        return td;
    }

    private static byte[] nonce(int seed) {
        byte[] n = new byte[64];
        for (int i = 0; i < n.length; i++) {
            n[i] = (byte) (seed * 31 + i);
        }
        return n;
    }

    private static byte[] sha384(String s) throws Exception {
        return MessageDigest.getInstance("SHA-384").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A host that, once the honest quote completion has run, writes {@code quote}, out_len and SUCCESS. */
    private static VmmTamper completesWith(byte[] quote, long latency, long outLen, GetQuoteStatus status) {
        return (regs, host) -> {
            long buf = regs[Gpr.R12.number()];
            host.at(host.now() + latency, () -> {
                host.write(buf + GetQuoteBufferLayout.DATA_OFFSET, quote);
                host.writeInt(buf + GetQuoteBufferLayout.OUT_LEN_OFFSET, (int) outLen);
                host.writeLong(buf + GetQuoteBufferLayout.STATUS_OFFSET, status.raw());
            });
        };
    }

    // ---------------------------------------------------------------- early init

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Boot: TDX detected, shared bit from GPAW, SEPT #VE disabled, REDUCE_VE enabled")
    void bootSetsUpTheTd(Backend b) {
        try (ContractTd td = open(b, Scenario.honest())) {
            TdxGuest g = td.guest();
            assertThat(g.info().sharedMask()).isEqualTo(1L << (g.info().gpaWidth() - 1));
            assertThat(g.info().attributes().septVeDisable()).isTrue();
            assertThat(g.info().septVeDisabled()).isTrue();
            assertThat(g.info().notifyCleared()).isTrue();
            assertThat(g.info().reduceVe() || g.info().enumTopology()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("A non-debug TD without SEPT_VE_DISABLE: ReportFatalError with the reason, and the TD stops")
    void bootRefusesSeptVe(Backend b) {
        assertThatThrownBy(() -> open(b, Scenario.honest().noSeptVeDisable()))
                .isInstanceOfSatisfying(TdxPolicyPanic.class, p -> {
                    assertThat(p.failure().site()).isEqualTo("tdx.init.sept-ve");
                    assertThat(p.getSuppressed()).as("the platform stopped the TD on ReportFatalError").isNotEmpty();
                    assertThat(p.getSuppressed()[0].getMessage()).contains("SEPT #VE has to be disabled");
                });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("A DEBUG TD may keep SEPT #VE; then a #VE on private memory stops the TD (origin GUEST_BUG)")
    void debugTdPrivateMemoryVeIsFatal(Backend b) {
        try (ContractTd td = open(b, Scenario.honest().noSeptVeDisable().debugTd(), RUN_CODE)) {
            assertThat(td.guest().info().septVeDisabled()).isFalse();
            td.setReg(Gpr.RDI, 0x3000_0000L); // private, never accepted
            assertThatThrownBy(() -> td.run(0x8B, 0x07)).isInstanceOfSatisfying(TdxPolicyPanic.class, p -> {
                assertThat(p.failure().site()).isEqualTo("tdx.ve.mmio.private-gpa");
                assertThat(p.origin()).isEqualTo(Origin.GUEST_BUG);
            });
            assertThat(td.vmmReceived(MMIO)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- memory

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Accept: pending memory becomes usable; 2M pages when the host maps 2M, else 4K")
    void acceptMemory(Backend b) {
        long start = 0x2000_0000L;
        try (ContractTd td = open(b, Scenario.honest().hostMaps2M())) {
            PageAcceptor.Accepted a = td.guest().acceptMemory(start, start + (4L << 20));
            assertThat(a.count(PageLevel.SIZE_2M)).isEqualTo(2);
            td.guest().platform().memory().write(start + 0x1234, new byte[] {42});
            assertThat(td.guest().platform().memory().read(start + 0x1234, 1)).containsExactly(42);
        }
        try (ContractTd td = open(b, Scenario.honest())) {
            PageAcceptor.Accepted a = td.guest().acceptMemory(start, start + (2L << 20));
            assertThat(a.count(PageLevel.SIZE_4K)).isEqualTo(512);
            assertThatThrownBy(() -> td.guest().acceptMemory(start, start + 4096))
                    .as("accepting twice stops the TD").isInstanceOf(TdxPolicyPanic.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("MapGPA: a shared page is visible to the host; unshared, it is private and accepted again")
    void shareAndUnshare(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), HOST_VIEW)) {
            TdxGuest g = td.guest();
            SharedBuffer buf = g.sharedMemory().share(2);
            assertThat(td.hostSeesShared(buf.gpa())).isTrue();
            byte[] msg = "to the host".getBytes(StandardCharsets.US_ASCII);
            g.platform().memory().write(buf.sharedGpa() + 4096, msg);
            assertThat(td.hostRead(buf.gpa() + 4096, msg.length)).isEqualTo(msg);
            g.sharedMemory().unshare(buf);
            assertThat(td.hostSeesShared(buf.gpa())).isFalse();
            g.platform().memory().write(buf.gpa(), msg);
            assertThat(g.platform().memory().read(buf.gpa(), msg.length)).isEqualTo(msg);
            assertThat(g.pages().quarantined()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (set_memory_XXcrypted errors, 2023): a failed conversion quarantines its pages, which "
            + "are never reused")
    void regression_conversionFailurePageReuse(Backend b) {
        AtomicInteger calls = new AtomicInteger();
        // The host converts the range but answers INVALID_OPERAND the first time: the pages' state is unknown.
        Scenario s = Scenario.honest().tamper(MAP_GPA, (regs, host) -> {
            if (calls.getAndIncrement() == 0) {
                regs[Gpr.R10.number()] = TdvmcallStatus.INVALID_OPERAND.raw();
            }
        });
        try (ContractTd td = open(b, s, HOST_VIEW)) {
            TdxGuest g = td.guest();
            assertThatThrownBy(() -> g.sharedMemory().share(4)).isInstanceOfSatisfying(
                    MemoryConversionException.class, e -> assertThat(e.origin()).isEqualTo(Origin.VMM));
            GuestPages.Quarantined q = g.pages().quarantined().getFirst();
            assertThat(td.hostSeesShared(q.start())).as("the host did convert them").isTrue();
            assertThatThrownBy(() -> g.pages().free(q.start(), q.pages())).isInstanceOf(PagePoolException.class);
            for (int i = 0; i < 8; i++) {
                SharedBuffer next = g.sharedMemory().share(4);
                assertThat(next.gpa() + 4 * 4096 <= q.start() || next.gpa() >= q.start() + 4 * 4096)
                        .as("new buffer 0x%x overlaps the quarantine at 0x%x", next.gpa(), q.start()).isTrue();
                g.sharedMemory().unshare(next);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("MapGPA RETRY with R11 outside [start, end) fails the conversion (R11 is the VMM's)")
    void mapGpaRetryAddressChecked(Backend b) {
        Scenario s = Scenario.honest().tamper(MAP_GPA, (regs, host) -> {
            regs[Gpr.R10.number()] = TdvmcallStatus.RETRY.raw();
            regs[Gpr.R11.number()] = regs[Gpr.R12.number()] + regs[Gpr.R13.number()];
        });
        try (ContractTd td = open(b, s)) {
            assertThatThrownBy(() -> td.guest().sharedMemory().share(1)).isInstanceOfSatisfying(
                    MemoryConversionException.class,
                    e -> assertThat(e.failure().site()).isEqualTo("tdx.mapgpa.retry-address"));
            assertThat(td.vmmReceived(MAP_GPA)).hasSize(1);
            assertThat(td.guest().pages().quarantined()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("MapGPA RETRY with R11 inside the range: the guest resumes at R11 and the whole range ends shared")
    void mapGpaRetryResumes(Backend b) {
        AtomicInteger calls = new AtomicInteger();
        // The host converts only the first page and asks the guest to resume at the second.
        Scenario s = Scenario.honest().tamper(MAP_GPA, (regs, host) -> {
            if (calls.getAndIncrement() == 0) {
                regs[Gpr.R10.number()] = TdvmcallStatus.RETRY.raw();
                regs[Gpr.R11.number()] = regs[Gpr.R12.number()] + 4096;
            }
        });
        try (ContractTd td = open(b, s, HOST_VIEW)) {
            SharedBuffer buf = td.guest().sharedMemory().share(3);
            List<long[]> in = td.vmmReceived(MAP_GPA);
            assertThat(in).hasSize(2);
            assertThat(in.get(1)[Gpr.R12.number()]).isEqualTo(buf.sharedGpa() + 4096);
            assertThat(in.get(1)[Gpr.R13.number()]).isEqualTo(2 * 4096);
            for (int p = 0; p < 3; p++) {
                assertThat(td.hostSeesShared(buf.gpa() + p * 4096L)).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- port I/O

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("OUT to the UART through #VE: the console shows the text, RIP passes every instruction")
    void consoleThroughVe(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE, HOST_VIEW)) {
            byte[] text = "TD says hi\n".getBytes(StandardCharsets.US_ASCII);
            byte[] code = new byte[text.length * 4];
            for (int i = 0; i < text.length; i++) {
                code[4 * i] = (byte) 0xC6;        // mov al, imm8
                code[4 * i + 1] = (byte) 0xC0;
                code[4 * i + 2] = text[i];
                code[4 * i + 3] = (byte) 0xEE;    // out dx, al
            }
            td.setReg(Gpr.RDX, UART);
            ContractTd.Run r = td.run(code);
            assertThat(r.completed()).isTrue();
            assertThat(td.console()).isEqualTo("TD says hi\n");
            assertThat(td.vmmReceived(IO)).hasSize(text.length)
                    .allSatisfy(in -> assertThat(in[Gpr.R15.number()]).isBetween(0L, 0xFFL));
        }
    }

    @ParameterizedTest
    @EnumSource(PortSize.class)
    @DisplayName("Regression (2026 port I/O fixes): RAX preloaded 0xDEADBEEF00000000, a VMM answering all ones: "
            + "INB/INW merge, INL zero-extends, nothing above the size")
    void regression_portIoMaskAndZeroExtension(PortSize size) {
        for (Backend b : Backend.values()) {
            Scenario s = Scenario.honest().tamper(IO, (regs, host) -> regs[Gpr.R11.number()] = -1L);
            try (ContractTd td = open(b, s, RUN_CODE)) {
                td.setReg(Gpr.RAX, 0xDEADBEEF_00000000L);
                td.setReg(Gpr.RDX, UART_LSR);
                byte[] in = switch (size) {
                    case BYTE -> new byte[] {(byte) 0xEC};              // in al, dx
                    case WORD -> new byte[] {0x66, (byte) 0xED};        // in ax, dx
                    case DWORD -> new byte[] {(byte) 0xED};             // in eax, dx
                };
                assertThat(td.run(in).completed()).isTrue();
                long expected = switch (size) {
                    case BYTE -> 0xDEADBEEF_000000FFL;
                    case WORD -> 0xDEADBEEF_0000FFFFL;
                    case DWORD -> 0x00000000_FFFFFFFFL;
                };
                assertThat(td.reg(Gpr.RAX)).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("IN through #VE and through the direct path give the same RAX, honest UART and hostile VMM alike")
    void directAndVePathsAgree(Backend b) {
        long[] answers = {-1L, 0x1234_5678_9ABC_DEF0L, 0x100L, 0x1_0000L, 0x1_0000_0000L};
        for (long answer : answers) {
            for (PortSize size : PortSize.values()) {
                Scenario s = answer == -1 ? Scenario.honest()
                        : Scenario.honest().tamper(IO, (regs, host) -> regs[Gpr.R11.number()] = answer);
                try (ContractTd td = open(b, s, RUN_CODE)) {
                    long rax = 0xCAFE_F00D_DEAD_BEEFL;
                    td.setReg(Gpr.RAX, rax);
                    td.setReg(Gpr.RDX, UART_LSR);
                    td.run(size == PortSize.WORD ? new byte[] {0x66, (byte) 0xED}
                            : new byte[] {(byte) (size == PortSize.BYTE ? 0xEC : 0xED)});
                    long viaVe = td.reg(Gpr.RAX);
                    long direct = td.guest().portIo().in(size, UART_LSR, rax);
                    assertThat(direct).as("%s, VMM answer 0x%x", size, answer).isEqualTo(viaVe);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("String I/O (REP OUTSB) is a #VE fault and nothing reaches the device")
    void stringIoRejected(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RDX, UART);
            td.setReg(Gpr.RCX, 3);
            td.setReg(Gpr.RSI, ContractTd.POOL);
            ContractTd.Run r = td.run((byte) 0xF3, (byte) 0x6E);
            assertThat(r.completed()).isFalse();
            assertThat(r.fault().site()).isEqualTo("tdx.ve.io.string");
            assertThat(r.rip()).isEqualTo(ContractTd.CODE);
            assertThat(td.vmmReceived(IO)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- CPUID, MSR, HLT

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("CPUID: the hypervisor range is the VMM's (KVM signature); other #VE leaves read zero, no TDVMCALL")
    void cpuid(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RAX, 0x4000_0000L);
            td.setReg(Gpr.RCX, 0);
            assertThat(td.run((byte) 0x0F, (byte) 0xA2).completed()).isTrue();
            assertThat(td.reg(Gpr.RBX)).isEqualTo(0x4B4D564BL); // "KVMK"
            assertThat(td.vmmReceived(CPUID)).hasSize(1);
            td.setReg(Gpr.RAX, 0x24);
            td.setReg(Gpr.RBX, 0x1111);
            td.setReg(Gpr.RDX, 0x2222);
            assertThat(td.run((byte) 0x0F, (byte) 0xA2).completed()).isTrue();
            assertThat(new long[] {td.reg(Gpr.RAX), td.reg(Gpr.RBX), td.reg(Gpr.RCX), td.reg(Gpr.RDX)})
                    .containsOnly(0L);
            assertThat(td.vmmReceived(CPUID)).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("RDMSR/WRMSR through #VE: EDX:EAX split and joined; a refused MSR is a fault with origin VMM")
    void msr(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RCX, 0x1B); // IA32_APIC_BASE
            td.setReg(Gpr.RAX, -1L);
            td.setReg(Gpr.RDX, -1L);
            assertThat(td.run((byte) 0x0F, (byte) 0x32).completed()).isTrue();
            assertThat(td.reg(Gpr.RAX) & 0xFFFF_F000L).isEqualTo(0xFEE0_0000L);
            assertThat(td.reg(Gpr.RDX)).isZero();
            td.setReg(Gpr.RCX, 0x1B);
            td.setReg(Gpr.RAX, 0);
            ContractTd.Run w = td.run((byte) 0x0F, (byte) 0x30); // read-only for a TD: KVM refuses
            assertThat(w.completed()).isFalse();
            assertThat(w.fault().origin()).isEqualTo(Origin.VMM);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("HLT with interrupts off: TDVMCALL<HLT> R12 = 1; with interrupts on the #VE is refused")
    void halt(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            assertThat(td.run((byte) 0xFA, (byte) 0xF4).completed()).isTrue(); // cli; hlt
            assertThat(td.vmmReceived(HLT)).singleElement()
                    .satisfies(in -> assertThat(in[Gpr.R12.number()]).isEqualTo(1));
            ContractTd.Run r = td.run((byte) 0xFB, (byte) 0xF4); // sti; hlt
            assertThat(r.completed()).isFalse();
            assertThat(r.fault().site()).isEqualTo("tdx.ve.hlt.irqs-enabled");
            assertThat(td.vmmReceived(HLT)).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Safe halt: TDVMCALL<HLT> R12 = 0 returns when the host injects an interrupt, which reaches the guest")
    void safeHaltWakesOnInterrupt(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), HOST_CONTROL)) {
            long t0 = td.guest().platform().clock().nanoTime();
            td.hostInterruptAt(t0 + 200_000, 0x30);
            assertThat(td.guest().safeHalt()).isTrue();
            assertThat(td.guest().platform().clock().nanoTime() - t0).isEqualTo(200_000);
            assertThat(td.vmmReceived(HLT)).singleElement()
                    .satisfies(in -> assertThat(in[Gpr.R12.number()]).isZero());
            td.idle(0);
            assertThat(td.guest().interruptsReceived()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("A misbehaving VMM is never fatal and never floods the log: LINUX_MAINLINE returns errors silently, "
            + "SEED_REVIEW rate-limits (burst 10)")
    void vmmFailuresBoundedUnderBothPresets(Backend b) {
        for (OriginPolicy policy : new OriginPolicy[] {OriginPolicy.LINUX_MAINLINE, OriginPolicy.SEED_REVIEW}) {
            Scenario s = Scenario.honest().policy(policy).tamper(IO,
                    (regs, host) -> regs[Gpr.R10.number()] = TdvmcallStatus.INVALID_OPERAND.raw());
            try (ContractTd td = open(b, s, RUN_CODE)) {
                td.setReg(Gpr.RDX, UART_LSR);
                for (int i = 0; i < 100; i++) {
                    ContractTd.Run r = td.run(0xEC); // in al, dx
                    assertThat(r.completed()).isFalse();
                    assertThat(r.fault().origin()).isEqualTo(Origin.VMM);
                }
                assertThat(td.guest().failures().count(Origin.VMM)).isEqualTo(100);
                assertThat(td.guest().failures().logLines()).as(policy.name())
                        .isLessThanOrEqualTo(policy == OriginPolicy.SEED_REVIEW ? 10 : 0);
            }
        }
    }

    // ---------------------------------------------------------------- MMIO

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("MMIO: MOV stores and loads of 1/2/4/8 bytes, MOVZX, MOVSX and MOV imm reach the device exactly")
    void mmioForms(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RDI, td.mmio());
            td.setReg(Gpr.RAX, 0x8877_6655_4433_2281L);
            td.setReg(Gpr.RBX, 0xFFFF_FFFF_FFFF_FFFFL);
            td.setReg(Gpr.RCX, 0xFFFF_FFFF_FFFF_FFFFL);
            td.setReg(Gpr.RDX, 0xFFFF_FFFF_FFFF_FFFFL);
            ContractTd.Run r = td.run(
                    (byte) 0x88, 0x07,                       // mov [rdi], al          REG8 := 0x81
                    (byte) 0x48, (byte) 0x89, 0x47, 0x18,    // mov [rdi+0x18], rax    REG64
                    0x66, (byte) 0xC7, 0x47, 0x08, 0x34, (byte) 0x82, // mov word [rdi+8], 0x8234  REG16
                    (byte) 0x8A, 0x1F,                       // mov bl, [rdi]
                    0x0F, (byte) 0xBE, 0x0F,                 // movsx ecx, byte [rdi]
                    0x48, 0x0F, (byte) 0xB7, 0x57, 0x08,     // movzx rdx, word [rdi+8]
                    0x48, (byte) 0x8B, 0x77, 0x18,           // mov rsi, [rdi+0x18]
                    (byte) 0x8B, 0x6F, 0x20);                // mov ebp, [rdi+0x20]    ID register
            assertThat(r.completed()).isTrue();
            assertThat(td.reg(Gpr.RBX)).isEqualTo(0xFFFF_FFFF_FFFF_FF81L);
            assertThat(td.reg(Gpr.RCX)).isEqualTo(0x0000_0000_FFFF_FF81L);
            assertThat(td.reg(Gpr.RDX)).isEqualTo(0x8234L);
            assertThat(td.reg(Gpr.RSI)).isEqualTo(0x8877_6655_4433_2281L);
            assertThat(td.reg(Gpr.RBP)).isEqualTo(0x3478_6474L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (x86/tdx: Fix data leak in mmio_read(), 2024): an MMIO read sends R15 = 0")
    void regression_mmioReadLeak(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE, HOST_VIEW)) {
            td.setReg(Gpr.RDI, td.mmio());
            td.setReg(Gpr.RAX, 0x5EC2E7_5EC2E7L);
            td.setReg(Gpr.R15, 0x5EC2E7_5EC2E7L);
            assertThat(td.run((byte) 0x8B, 0x47, 0x10).completed()).isTrue(); // mov eax, [rdi+0x10]
            assertThat(td.vmmReceived(MMIO)).singleElement().satisfies(in -> {
                assertThat(in[Gpr.R13.number()]).as("read").isZero();
                assertThat(in[Gpr.R15.number()]).isZero();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (edk2 #9259): MMIO advances RIP by the decoded length; the next instruction runs")
    void regression_mmioRipAdvance(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RDI, td.mmio());
            ContractTd.Run r = td.run(
                    (byte) 0xC7, 0x47, 0x10, 0x78, 0x56, 0x34, 0x12,   // mov dword [rdi+0x10], 0x12345678 (7)
                    (byte) 0x8B, 0x4F, 0x10,                           // mov ecx, [rdi+0x10] (3)
                    (byte) 0x90);                                      // nop
            assertThat(r.completed()).isTrue();
            assertThat(r.rip()).isEqualTo(ContractTd.CODE + 11);
            assertThat(td.reg(Gpr.RCX)).isEqualTo(0x1234_5678L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("An MMIO access crossing a page boundary is a fault and nothing reaches the device")
    void mmioPageCross(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), RUN_CODE)) {
            td.setReg(Gpr.RDI, td.mmio() + 0xFFC);
            ContractTd.Run r = td.run((byte) 0x48, (byte) 0x8B, 0x07); // mov rax, [rdi]
            assertThat(r.completed()).isFalse();
            assertThat(r.fault().site()).isEqualTo("tdx.ve.mmio.page-cross");
            assertThat(td.vmmReceived(MMIO)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- the call layer

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (CVE-2023-52874, RSI not zeroed): VMM-written RSI, RDI, RDX, R8, R9 never reach the "
            + "caller of a TDVMCALL that does not define them as outputs")
    void regression_rsiScrub(Backend b) {
        Scenario s = Scenario.honest().tamper(CPUID, (regs, host) -> {
            for (Gpr g : new Gpr[] {Gpr.RSI, Gpr.RDI, Gpr.RDX, Gpr.R8, Gpr.R9}) {
                regs[g.number()] = 0xBAD0_0000L | g.number();
            }
        });
        try (ContractTd td = open(b, s)) {
            VmcallResult r = td.guest().calls().tdvmcall(VmcallRequest.standard(
                    TdvmcallSubFunction.INSTRUCTION_CPUID, 0x4000_0000L, 0, 0, 0));
            assertThat(r).isInstanceOf(VmcallResult.Success.class);
            assertThat(new long[] {r.registers().rsi(), r.registers().rdi(), r.registers().rdx(),
                    r.registers().r8(), r.registers().r9()}).containsOnly(0L);
            assertThat(r.out(Gpr.R13)).as("a declared output still arrives").isEqualTo(0x4B4D564BL);
        }
    }

    // ---------------------------------------------------------------- attestation

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("RTMR extend: the platform's RTMR equals the event log replayed, and the TDREPORT shows it")
    void rtmrExtend(Backend b) throws Exception {
        try (ContractTd td = openAttestation(b, Scenario.honest(), HOST_VIEW)) {
            TdAttestation a = td.attestation();
            a.extendRtmr(2, sha384("kernel"), "kernel");
            a.extendRtmr(3, sha384("app"), "app");
            a.extendRtmr(2, sha384("config"), "config");
            List<byte[]> replay = GuestAttestation.replay(a.eventLog());
            for (int i = 2; i < 4; i++) {
                assertThat(td.hostRtmr(i)).as("RTMR%d", i).isEqualTo(replay.get(i));
                assertThat(a.rtmrs().get(i)).isEqualTo(replay.get(i));
            }
            assertThatThrownBy(() -> a.extendRtmr(4, sha384("x"), "x")).isInstanceOf(AttestationException.class);
            assertThat(a.eventLog()).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("TDREPORT: REPORTDATA at offset 128, type 0x81, a MAC the platform verifies")
    void report(Backend b) {
        try (ContractTd td = openAttestation(b, Scenario.honest(), HOST_VIEW)) {
            byte[] r = td.attestation().report(nonce(5));
            assertThat(r).hasSize(1024);
            assertThat(r[0]).isEqualTo(TdReportLayout.TYPE_TDX);
            assertThat(Arrays.copyOfRange(r, 128, 192)).isEqualTo(nonce(5));
            assertThat(td.hostVerifiesReport(r)).isTrue();
            r[130] ^= 1;
            assertThat(td.hostVerifiesReport(r)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("GetQuote: the quote's TD body carries the nonce as REPORTDATA and the current RTMRs")
    void quoteRoundTrip(Backend b) throws Exception {
        try (ContractTd td = openAttestation(b, Scenario.honest())) {
            TdAttestation a = td.attestation();
            a.extendRtmr(2, sha384("app"), "app");
            byte[] q = a.quote(nonce(9));
            int version = (q[0] & 0xFF) | (q[1] & 0xFF) << 8;
            int body = version == 4 ? 48 : 54;
            assertThat(Arrays.copyOfRange(q, body + 520, body + 584)).isEqualTo(nonce(9));
            assertThat(Arrays.copyOfRange(q, body + 328 + 96, body + 328 + 144)).isEqualTo(a.rtmrs().get(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (virt: tdx-guest: Return error for GetQuote failures, 2026): SERVICE_UNAVAILABLE and "
            + "ERROR are errors, never an empty quote")
    void regression_getQuoteFailureNotSuccess(Backend b) {
        try (ContractTd td = open(b, Scenario.honest().noQuoteService())) {
            assertThatThrownBy(() -> td.guest().attestation().quote(nonce(1))).isInstanceOfSatisfying(
                    AttestationException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                        assertThat(e.origin()).isEqualTo(Origin.VMM);
                    });
        }
        Scenario error = Scenario.honest().tamper(GET_QUOTE, completesWith(new byte[0], 20_000_000L, 0,
                GetQuoteStatus.ERROR));
        try (ContractTd td = open(b, error)) {
            assertThatThrownBy(() -> td.guest().attestation().quote(nonce(1))).isInstanceOfSatisfying(
                    AttestationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (virt: tdx-guest: validate quote_buf->out_len, 2026): out_len beyond the buffer is "
            + "refused, and read once")
    void regression_getQuoteOutLen(Backend b) {
        int room = GetQuoteBufferLayout.MAX_BUFFER_SIZE - GetQuoteBufferLayout.DATA_OFFSET;
        Scenario s = Scenario.honest().tamper(GET_QUOTE, completesWith(FAKE_QUOTE, 20_000_000L, room + 1,
                GetQuoteStatus.SUCCESS));
        try (ContractTd td = open(b, s)) {
            assertThatThrownBy(() -> td.guest().attestation().quote(nonce(1))).isInstanceOfSatisfying(
                    AttestationException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR);
                        assertThat(e.failure().site()).isEqualTo("tdx.getquote.out-len");
                    });
            long buf = td.vmmReceived(GET_QUOTE).getFirst()[Gpr.R12.number()];
            assertThat(td.guestReadsAt(buf + GetQuoteBufferLayout.OUT_LEN_OFFSET)).isEqualTo(1);
        }
        Scenario exact = Scenario.honest().tamper(GET_QUOTE, completesWith(FAKE_QUOTE, 20_000_000L,
                FAKE_QUOTE.length, GetQuoteStatus.SUCCESS));
        try (ContractTd td = open(b, exact)) {
            assertThat(td.guest().attestation().quote(nonce(1))).isEqualTo(FAKE_QUOTE);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Regression (wait_for_quote_completion off-by-one): done at deadline-1 or at the deadline "
            + "succeeds, at deadline+1 is TIMEOUT")
    void regression_getQuoteTimeoutOffByOne(Backend b) {
        QuoteOptions opts = QuoteOptions.LINUX.withTimeout(SEC).withPoll(SEC / 10);
        for (long offset : new long[] {-1, 0, 1}) {
            Scenario s = Scenario.honest().quote(opts).quoteLatency(SEC + offset)
                    .tamper(GET_QUOTE, completesWith(FAKE_QUOTE, SEC + offset, FAKE_QUOTE.length,
                            GetQuoteStatus.SUCCESS));
            try (ContractTd td = open(b, s)) {
                if (offset <= 0) {
                    assertThat(td.guest().attestation().quote(nonce(1))).as("deadline%+d", offset)
                            .isEqualTo(FAKE_QUOTE);
                } else {
                    assertThatThrownBy(() -> td.guest().attestation().quote(nonce(1))).isInstanceOfSatisfying(
                            AttestationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("A timed-out request keeps the buffer: BUSY while IN_FLIGHT, a new quote once the host answered")
    void getQuoteBusyAfterTimeout(Backend b) {
        QuoteOptions opts = QuoteOptions.LINUX.withTimeout(SEC);
        Scenario s = Scenario.honest().quote(opts).quoteLatency(3 * SEC)
                .tamper(GET_QUOTE, completesWith(FAKE_QUOTE, 3 * SEC, FAKE_QUOTE.length, GetQuoteStatus.SUCCESS));
        try (ContractTd td = open(b, s)) {
            GuestAttestation a = td.guest().attestation();
            assertThatThrownBy(() -> a.quote(nonce(1))).isInstanceOfSatisfying(AttestationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
            assertThatThrownBy(() -> a.quote(nonce(2))).isInstanceOfSatisfying(AttestationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));
            assertThat(td.vmmReceived(GET_QUOTE)).hasSize(1);
            td.idle(3 * SEC);
            assertThatThrownBy(() -> a.quote(nonce(3))).as("the second request times out too (3 s > 1 s)")
                    .isInstanceOf(AttestationException.class);
            assertThat(td.vmmReceived(GET_QUOTE)).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("Notify mode: SetupEventNotifyInterrupt(vector), completion signalled by the interrupt, not the "
            + "1 s poll")
    void notifyInterrupt(Backend b) {
        Scenario s = Scenario.honest().quote(QuoteOptions.LINUX.withNotifyVector(0xF3))
                .tamper(GET_QUOTE, completesWith(FAKE_QUOTE, 20_000_000L, FAKE_QUOTE.length, GetQuoteStatus.SUCCESS));
        try (ContractTd td = open(b, s)) {
            long t0 = td.guest().platform().clock().nanoTime();
            assertThat(td.guest().attestation().quote(nonce(1))).isEqualTo(FAKE_QUOTE);
            long waited = td.guest().platform().clock().nanoTime() - t0;
            assertThat(td.vmmReceived(TdvmcallSubFunction.SETUP_EVENT_NOTIFY_INTERRUPT.raw())).singleElement()
                    .satisfies(in -> assertThat(in[Gpr.R12.number()]).isEqualTo(0xF3));
            assertThat(waited).isLessThan(SEC / 10);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    @DisplayName("ReportFatalError: the VMM receives the 64-byte message in R14, R15, RBX, RDI, RSI, R8, R9, RDX")
    void reportFatalError(Backend b) {
        try (ContractTd td = open(b, Scenario.honest(), HOST_VIEW)) {
            TdxFailure f = TdxFailure.of(Origin.GUEST_BUG, "test.fatal", "demo fatal: 0123456789");
            assertThatThrownBy(() -> {
                throw td.guest().reportFatalError(f);
            }).isInstanceOf(TdxPolicyPanic.class);
            assertThat(td.stopReason()).contains("demo fatal: 0123456789");
        }
    }
}
