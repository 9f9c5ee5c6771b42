import CDeflate
import CZlib

/// Inflates PNG image data: libdeflate when the stream is whole and fills the output exactly
/// (the common case; about twice as fast as zlib), zlib's one-shot `uncompress` otherwise, so
/// that truncated, corrupt and over-long streams keep zlib's partial output and byte counts.
/// DEFLATE decoding is deterministic, so both give the same bytes where both succeed.
///
/// Why not libpng: libpng reports every decoding error by longjmp, which Swift cannot catch
/// (`setjmp` is unavailable in Swift), and its setjmp-free "simplified" API applies gamma and
/// 16→8-bit rounding that Pillow does not. Pillow itself parses PNG in Python and inflates with
/// zlib, so the PNG decoder here does the same: chunks, filters and bit unpacking in Swift, the
/// deflate stream through zlib.
enum Zlib {
    enum Result {
        /// The output buffer was filled (any trailing compressed data is ignored, as Pillow does).
        case complete
        /// The stream ended cleanly after `produced` of the expected bytes.
        case short(produced: Int)
        /// zlib reported bad or incomplete data after `produced` bytes.
        case dataError(produced: Int)
    }

    private static let Z_OK: Int32 = 0, Z_MEM_ERROR: Int32 = -4

    /// Inflates a zlib stream into exactly `expected` bytes.
    static func inflate(_ source: [UInt8], expected: Int) throws -> ([UInt8], Result) {
        if let out = fastInflate(source, expected: expected) { return (out, .complete) }
        return try zlibInflate(source, expected: expected)
    }

    /// libdeflate, or nil when it does not produce exactly `expected` bytes without error.
    static func fastInflate(_ source: [UInt8], expected: Int) -> [UInt8]? {
        guard expected > 0, let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var produced = 0
        var ok = false
        let out = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            let rc = source.withUnsafeBufferPointer { src in
                libdeflate_zlib_decompress(decompressor, src.baseAddress, src.count,
                                           buffer.baseAddress, expected, &produced)
            }
            ok = rc == LIBDEFLATE_SUCCESS && produced == expected
            count = ok ? expected : 0
        }
        return ok ? out : nil
    }

    /// zlib's `uncompress` into exactly `expected` bytes.
    static func zlibInflate(_ source: [UInt8], expected: Int) throws -> ([UInt8], Result) {
        var out = [UInt8](repeating: 0, count: max(expected, 1))
        var produced = UInt(expected)
        let rc = source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress, &produced, src.baseAddress, UInt(src.count))
            }
        }
        if rc == Z_MEM_ERROR { throw ImageError(.unreadable, "zlib ran out of memory") }
        let n = Int(produced)
        out.removeLast(out.count - expected)
        if n >= expected { return (out, .complete) }
        return (out, rc == Z_OK ? .short(produced: n) : .dataError(produced: n))
    }
}

/// CRC-32 (IEEE 802.3, as in PNG and zlib), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C, initial: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var c = ~initial
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }
}
