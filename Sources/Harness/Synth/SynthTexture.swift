/// The class textures, as functions of the offset (u, v) from the patch's corner and the
/// scale k. Coarse patterns have period 8k, so even at k = 1 they span four samples of the
/// half-resolution view; fine stripes have period 2k.
enum SynthTexture {
    /// True where the coarse pattern's foreground (the striped part) is.
    @inline(__always)
    static func coarse(_ pattern: SynthClasses.Coarse, _ u: Int, _ v: Int, _ k: Int) -> Bool {
        let period = 8 * k, half = 4 * k
        switch pattern {
        case .horizontalBands:
            return v % period < half
        case .verticalBands:
            return u % period < half
        case .checker:
            return (u / half + v / half) % 2 == 0
        case .dots:
            // Discs of radius period/3 centred in each period×period cell.
            let du = u % period - half, dv = v % period - half
            return 9 * (du * du + dv * dv) <= period * period
        case .diagonalBands:
            return (u + v) % period < half
        }
    }

    /// True for the first stripe colour, false for the second.
    @inline(__always)
    static func fine(_ orientation: SynthClasses.Fine, _ u: Int, _ v: Int, _ k: Int) -> Bool {
        switch orientation {
        case .horizontal: return (v / k) % 2 == 0
        case .vertical: return (u / k) % 2 == 0
        }
    }
}
