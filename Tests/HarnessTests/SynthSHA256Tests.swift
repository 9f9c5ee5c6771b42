import Testing
@testable import Harness

/// SHA-256 against the FIPS 180-2 / NIST example vectors.
struct SynthSHA256Tests {
    @Test func emptyMessage() {
        #expect(SynthSHA256.hexHash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(SynthSHA256.hexHash(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessage() {
        let m = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SynthSHA256.hexHash(m) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAs() {
        #expect(SynthSHA256.hexHash([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the bytes in uneven pieces (across block boundaries) gives the one-shot digest.
    @Test func streamingEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var h = SynthSHA256()
        var i = 0
        for piece in [1, 63, 64, 65, 0, 7, 200, 600] {
            let end = min(bytes.count, i + piece)
            h.update(Array(bytes[i..<end]))
            i = end
        }
        h.update(Array(bytes[i...]))
        #expect(SynthSHA256.hex(h.finalize()) == SynthSHA256.hexHash(bytes))
    }
}
