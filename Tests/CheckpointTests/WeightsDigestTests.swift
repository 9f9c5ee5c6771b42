import Digest
import Testing

/// The digest a run records for its weights is the one Python's hashlib gives for the same
/// checkpoint files (written by experiments/fixtures/make_weight_fixtures.py), whatever the
/// read chunk size.
struct WeightsDigestTests {
    @Test func filesMatchHashlib() throws {
        let digests = WeightFixtures.expected["sha256"] as! [String: String]
        #expect(digests.count >= 10)
        for (name, digest) in digests {
            for chunk in [64, 1000, 1 << 22] {
                #expect(try SHA256.hex(ofFile: WeightFixtures.path(name), chunkSize: chunk) == digest, "\(name) chunk \(chunk)")
            }
        }
    }
}
