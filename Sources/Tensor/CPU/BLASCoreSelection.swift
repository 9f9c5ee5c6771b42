import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The OpenBLAS kernels this process runs, decided once before the first BLAS call.
public struct BLASCoreSelection: Sendable {
    /// The core the library chose by itself when it loaded.
    public var detected: String
    /// The core running now (== detected unless repro switched).
    public var chosen: String
    /// false when the kernels running are below what this CPU can run (said plainly by
    /// `repro bench` and the run summary).
    public var fast: Bool
    public var note: String?
    /// The user's OPENBLAS_CORETYPE, when set (their choice is kept).
    public var userCoreType: String? = nil

    public var switched: Bool { detected.lowercased() != chosen.lowercased() }

    /// For provenance: "detected=Prescott chosen=SkylakeX" (plus "slow" when not fast).
    public var summary: String {
        "detected=\(detected) chosen=\(chosen)" + (fast ? "" : " slow")
    }
}

extension BLAS {
    /// Runs the selection on first use (thread-safe: Swift's lazy static initialisation), prints
    /// its note on stderr once, and returns it. Every entry point that calls BLAS reads it first,
    /// so it holds for the CLI, `swift test` and library users alike.
    public static var coreSelection: BLASCoreSelection { CoreSelector.selection }

    enum CoreSelector {
        static let selection: BLASCoreSelection = {
            let s = select()
            if let note = s.note {
                fputs("repro: BLAS: \(note)\n", stderr)
            }
            return s
        }()

        /// Test hook, for machines whose OpenBLAS knows the CPU: first load this (generic) core, as
        /// an old library would, so that the whole detection and switch runs for real in a child
        /// process. Not for users: they set OPENBLAS_CORETYPE.
        static let simulateEnv = "REPRO_TEST_BLAS_FALLBACK"

        static func select() -> BLASCoreSelection {
            if let simulated = environment(simulateEnv), !simulated.isEmpty {
                _ = reload(core: simulated)
            }
            let detected = coreName()
            let user = environment("OPENBLAS_CORETYPE").flatMap { $0.isEmpty ? nil : $0 }
            let decision = BLASCoreChoice.decide(detected: detected, cpu: .current, userCoreType: user)
            guard case .switchTo(let core) = decision.action else {
                return BLASCoreSelection(detected: detected, chosen: detected, fast: decision.fast, note: decision.note,
                                         userCoreType: user)
            }
            if reload(core: core), coreName().lowercased() == core.lowercased(), gemmAgreesWithNaive() {
                return BLASCoreSelection(detected: detected, chosen: coreName(), fast: true, note: decision.note)
            }
            // The library could not load those kernels (not a DYNAMIC_ARCH build, or they
            // compute wrong results here): back to what it had, and say so.
            _ = reload(core: detected)
            return BLASCoreSelection(
                detected: detected, chosen: coreName(), fast: false,
                note: "OpenBLAS runs its generic \(detected) kernels on this CPU and could not be switched to \(core) (\(dynamicEntryPoints() == nil ? "the library is not a DYNAMIC_ARCH build" : "those kernels failed a check")); install an OpenBLAS that knows this CPU (0.3.25 or later) for full speed")
        }

        static func coreName() -> String {
            openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        }

        static func environment(_ name: String) -> String? {
            getenv(name).map { String(cString: $0) }
        }

        /// `gotoblas_dynamic_quit` / `gotoblas_dynamic_init`: exported by DYNAMIC_ARCH builds, they
        /// drop and re-pick the kernel table (reading OPENBLAS_CORETYPE), which is what the
        /// library's load-time constructor does. Looked up at run time, so other BLAS builds link.
        static func dynamicEntryPoints() -> (quit: @convention(c) () -> Void, initialize: @convention(c) () -> Void)? {
            guard let q = dlsym(nil, "gotoblas_dynamic_quit"), let i = dlsym(nil, "gotoblas_dynamic_init") else { return nil }
            typealias Entry = @convention(c) () -> Void
            return (unsafeBitCast(q, to: Entry.self), unsafeBitCast(i, to: Entry.self))
        }

        /// Re-picks the kernels as if the library had loaded with OPENBLAS_CORETYPE=core. Safe only
        /// before any BLAS work is in flight: the selection runs inside a lazy static that every
        /// BLAS entry point waits on. The variable is restored afterwards so that child processes
        /// see the user's environment, not ours.
        static func reload(core: String) -> Bool {
            guard let entry = dynamicEntryPoints() else { return false }
            let previous = environment("OPENBLAS_CORETYPE")
            setenv("OPENBLAS_CORETYPE", core, 1)
            entry.quit()
            entry.initialize()
            if let previous { setenv("OPENBLAS_CORETYPE", previous, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
            return true
        }

        /// One small sgemm against a plain triple loop: kernels forced onto a CPU can compute
        /// wrong results (the reason some machines pin OPENBLAS_CORETYPE), so a switch is kept
        /// only when they agree.
        static func gemmAgreesWithNaive() -> Bool {
            let m = 37, n = 45, k = 70
            var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
            for i in a.indices { a[i] = Float((i * 7919) % 97) / 97 - 0.5 }
            for i in b.indices { b[i] = Float((i * 104_729) % 89) / 89 - 0.5 }
            var c = [Float](repeating: 0, count: m * n)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                        a, Int32(k), b, Int32(n), 0, &c, Int32(n))
            for i in 0..<m {
                for j in 0..<n {
                    var s: Double = 0
                    for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
                    if abs(Double(c[i * n + j]) - s) > 1e-4 { return false }
                }
            }
            return true
        }
    }
}
