import Foundation
import Tensor
@testable import Checkpoint

/// Fixture files written by experiments/fixtures/make_weight_fixtures.py (PyTorch,
/// safetensors, numpy) and the expectations it recorded in expected.json. The JSON is read
/// with Foundation, not with the package's own parser, so the oracle stays independent.
enum WeightFixtures {
    static let directory: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return here.appendingPathComponent("Fixtures/weights").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static let expected: [String: Any] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: path("expected.json")))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    struct ExpectedTensor {
        let shape: [Int]
        let dtype: String
        /// Bit patterns of the Float32 values PyTorch's `.float()` gives.
        let bits: [UInt32]

        var tensor: Tensor {
            Tensor(shape: shape, scalars: bits.map { Float(bitPattern: $0) })
        }
    }

    static func tensors(_ section: String) -> [String: ExpectedTensor] {
        let raw = expected[section] as! [String: [String: Any]]
        return raw.mapValues { entry in
            ExpectedTensor(shape: (entry["shape"] as! [NSNumber]).map(\.intValue),
                           dtype: entry["dtype"] as! String,
                           bits: (entry["bits"] as! [NSNumber]).map { UInt32(bitPattern: $0.int32Value) })
        }
    }

    static func strings(_ key: String) -> [String] { expected[key] as! [String] }

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Bitwise comparison (NaN payloads and signed zeros included).
    static func sameBits(_ t: Tensor?, _ e: ExpectedTensor) -> Bool {
        guard let t, t.shape == e.shape, t.count == e.bits.count else { return false }
        return zip(t.scalars, e.bits).allSatisfy { $0.bitPattern == $1 }
    }
}

/// A scratch directory; callers `defer { dir.remove() }`, which also keeps it alive until
/// the end of the scope (Swift may end an object's lifetime after its last use).
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "weights-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }
}

/// Builds safetensors files by hand, for the malformed cases.
enum HandmadeSafeTensors {
    static func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        var out: [UInt8] = []
        let n = declaredLength ?? UInt64(h.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        return out + h + data
    }
}
