import Foundation
import Testing
import Digest

struct SHA256Tests {
    // FIPS 180-2, Appendix B (and the NIST CSRC example values).
    @Test func fipsVectors() {
        #expect(SHA256.hex(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // The 896-bit message of FIPS 180-4 examples (two blocks after padding differently).
        #expect(SHA256.hex(of: Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                       + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func paddingBoundaries() {
        // Lengths 55, 56, 63, 64 and 65 straddle the one-or-two-block padding split; each
        // must equal hashing the same bytes fed one at a time.
        for n in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
            var h = SHA256()
            for b in bytes { h.update([b]) }
            #expect(h.finalizeHex() == SHA256.hex(of: bytes), "n = \(n)")
        }
    }

    @Test func millionAFromAFileInOddChunks() throws {
        let p = NSTemporaryDirectory() + "sha256-tests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: p) }
        #expect(FileManager.default.createFile(atPath: p, contents: Data(repeating: UInt8(ascii: "a"), count: 1_000_000)))
        #expect(try SHA256.hex(ofFile: p, chunkSize: 4099)
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func missingFileThrows() {
        #expect { try SHA256.hex(ofFile: "/nonexistent/weights.pth") } throws: {
            ($0 as? DigestError)?.path == "/nonexistent/weights.pth"
                && "\($0)".hasPrefix("/nonexistent/weights.pth: cannot open: ")
        }
    }
}
