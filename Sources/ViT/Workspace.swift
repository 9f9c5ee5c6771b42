import Tensor

/// Reusable activation buffers, so that the per-block hot path allocates nothing: each slot
/// grows to the largest size asked for and is kept for the next batch. A model owns one
/// workspace and is therefore not safe to call from two threads at once (parallelism lives
/// inside the kernels).
final class Workspace {
    enum Slot: Int, CaseIterable {
        case tokens, norm, qkv, attention, hidden, scratch, columns, embedded, clsRows, gather, stem1, stem2
        case stage1Tokens, stage1Input, reuse, head, aux, lowRes, fineTokens, subImages
    }

    private var pointers: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: Slot.allCases.count)
    private var capacities: [Int] = Array(repeating: 0, count: Slot.allCases.count)

    /// A buffer of at least `count` floats. Contents are unspecified (not zeroed).
    func buffer(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
        let i = slot.rawValue
        if capacities[i] < count {
            pointers[i]?.deallocate()
            // 64-byte alignment: whole cache lines for the SIMD loops and sgemm packing.
            pointers[i] = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
            capacities[i] = count
        }
        return pointers[i]!.assumingMemoryBound(to: Float.self)
    }

    /// Bytes currently held (for memory reports).
    var bytes: Int { capacities.reduce(0, +) * 4 }

    deinit { for p in pointers { p?.deallocate() } }
}
