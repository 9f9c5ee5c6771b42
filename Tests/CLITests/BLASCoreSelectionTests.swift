import Foundation
import Testing
import Tensor

/// The BLAS core selection, run for real in a child process: `REPRO_TEST_BLAS_FALLBACK` makes
/// the library load a generic core first (as Debian's 0.3.21 does on CPUs it does not know),
/// and the child must detect it, switch, say so once, and record both cores.
@Suite(.serialized)
struct BLASCoreSelectionTests {
    let cpu = CPUInfo.current
    let bench = ["bench", "--model", "bundled-vit", "--batch", "2", "--seconds", "0.2", "--warmup", "0", "--json"]

    func json(_ r: CLI.Result) throws -> [String: Any] {
        let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("{") })
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    // Only a CPU with AVX2+FMA has something to switch to; elsewhere the test is reported as
    // skipped with this reason.
    @Test(.enabled(if: BLASCoreChoice.recommendedCore(for: .current) != nil, "this CPU has no AVX2+FMA: nothing to switch to"))
    func aGenericFallbackIsReplacedAndReported() throws {
        let best = try #require(BLASCoreChoice.recommendedCore(for: cpu))
        let r = try CLI.run(bench, environment: ["REPRO_TEST_BLAS_FALLBACK": "Prescott", "OPENBLAS_CORETYPE": nil])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try json(r)
        #expect(j["blasCoreDetected"] as? String == "Prescott")
        #expect((j["blasCoreChosen"] as? String)?.lowercased() == best.lowercased())
        #expect(j["blasFast"] as? Bool == true)
        #expect((j["blas"] as? String)?.lowercased().contains("core: \(best.lowercased())") == true)
        let notes = r.stderr.components(separatedBy: "\n").filter { $0.contains("repro: BLAS:") }
        #expect(notes.count == 1, "said once: \(r.stderr)")
        #expect(notes.first?.contains("generic Prescott") == true)
    }

    @Test func theUsersSettingIsKeptAndASlowOneSaidPlainly() throws {
        let r = try CLI.run(Array(bench.dropLast()), environment: ["OPENBLAS_CORETYPE": "Prescott", "REPRO_TEST_BLAS_FALLBACK": nil])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("core: Prescott"))
        if BLASCoreChoice.recommendedCore(for: cpu) != nil {
            #expect(r.stdout.contains("SLOW"), "\(r.stdout)")
            #expect(r.stderr.contains("OPENBLAS_CORETYPE=Prescott is set"))
        }
    }

    @Test func aGoodChoiceIsLeftAsItIs() throws {
        let r = try CLI.run(bench, environment: ["OPENBLAS_CORETYPE": nil, "REPRO_TEST_BLAS_FALLBACK": nil])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try json(r)
        let detected = try #require(j["blasCoreDetected"] as? String)
        let chosen = try #require(j["blasCoreChosen"] as? String)
        // Whatever this machine's library picks: switched exactly when the pure rule says so.
        let decision = BLASCoreChoice.decide(detected: detected, cpu: cpu, userCoreType: nil)
        switch decision.action {
        case .keep: #expect(chosen == detected)
        case .switchTo(let core): #expect(chosen.lowercased() == core.lowercased())
        }
        #expect(r.stderr.contains("repro: BLAS:") == (decision.note != nil))
    }
}
