/// An axis-aligned box in pixel coordinates (may extend past the canvas; drawing clips).
struct SynthBox: Equatable {
    var x: Int, y: Int, width: Int, height: Int

    func intersects(_ o: SynthBox) -> Bool {
        x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
    }
}

/// The outline a fill is clipped to, inside its box.
enum SynthRegion {
    case square
    /// The disc inscribed in the box (a square box): pixel centres within radius side/2.
    case disc

    /// u, v: offsets inside a box of side `side`. Doubled coordinates keep it in integers.
    @inline(__always)
    func contains(_ u: Int, _ v: Int, side: Int) -> Bool {
        switch self {
        case .square:
            return true
        case .disc:
            let du = 2 * u + 1 - side, dv = 2 * v + 1 - side
            return du * du + dv * dv <= side * side
        }
    }
}

/// A 128×128 RGB drawing surface holding Int32 channels until `finish` adds noise and clamps.
struct SynthCanvas {
    let size: Int
    private var r: [Int32], g: [Int32], b: [Int32]

    init(size: Int) {
        self.size = size
        r = [Int32](repeating: 0, count: size * size)
        g = r
        b = r
    }

    subscript(x: Int, y: Int) -> SynthColor {
        get { SynthColor(r[y * size + x], g[y * size + x], b[y * size + x]) }
        set {
            r[y * size + x] = newValue.r
            g[y * size + x] = newValue.g
            b[y * size + x] = newValue.b
        }
    }

    /// Paints every pixel of `box` inside `region` with `color(u, v)` (u, v: offsets from the
    /// box's corner); nil leaves the pixel unchanged. Pixels off the canvas are skipped.
    mutating func fill(_ box: SynthBox, _ region: SynthRegion, _ color: (Int, Int) -> SynthColor?) {
        let y0 = max(0, box.y), y1 = min(size, box.y + box.height)
        let x0 = max(0, box.x), x1 = min(size, box.x + box.width)
        if y0 >= y1 || x0 >= x1 { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let u = x - box.x, v = y - box.y
                guard region.contains(u, v, side: box.width), let c = color(u, v) else { continue }
                self[x, y] = c
            }
        }
    }

    /// Adds uniform noise in −amplitude…amplitude to every channel (drawn in pixel order,
    /// channel r, g, b), clamps to 0…255 and returns [size, size, 3] bytes.
    mutating func finish(noise amplitude: Int32, _ rng: inout SynthRandom) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size * size * 3)
        let span = Int(2 * amplitude + 1)
        for i in 0..<(size * size) {
            for (c, v) in [r[i], g[i], b[i]].enumerated() {
                let n = Int32(rng.below(span)) - amplitude
                out[3 * i + c] = UInt8(clamping: v + n)
            }
        }
        return out
    }
}
