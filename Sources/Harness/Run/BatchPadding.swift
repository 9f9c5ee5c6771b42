import Tensor

/// Every batch the accuracy runner gives the model has the run's full batch size: a short
/// batch (the last one of a run or of a shard, or one with skipped images) is padded with
/// copies of its last image, whose outputs are dropped.
///
/// Why: an image's outputs depend, in the last bits, on the shape of the GEMMs it went through
/// (the model cuts a batch into micro-batches whose size follows from the batch size), though
/// not on which other images share them. With `--shard i/n` the images at the end of each
/// shard land in a short batch that the unsharded run never forms, and their probabilities
/// came out 1–5 ulp apart (seen on the local Slurm cluster: 15 of 6,000 stage rows). Full-size
/// batches only give every image the shapes of the unsharded run, so shards merge to exactly
/// its rows; the cost is at most batch − 1 extra images per run and model.
enum BatchPadding {
    /// images: [n, C, S, S] → [size, C, S, S]; keys likewise. Unchanged when n ≥ size.
    static func padded(_ images: Tensor, keys: [UInt64], to size: Int) -> (images: Tensor, keys: [UInt64]) {
        let n = images.shape[0]
        guard n > 0, n < size else { return (images, keys) }
        let per = images.scalars.count / n
        var scalars = images.scalars
        scalars.reserveCapacity(size * per)
        let last = images.scalars[((n - 1) * per)...]
        for _ in n..<size { scalars.append(contentsOf: last) }
        var shape = images.shape
        shape[0] = size
        return (Tensor(shape: shape, scalars: scalars), keys + Array(repeating: keys[n - 1], count: size - n))
    }
}
