/// Draws one synthetic image. Integer arithmetic only, in a fixed order, from a SplitMix64
/// stream seeded by the image's identity: the pixels are the same on every machine.
///
/// An image is a cluttered background (a two-colour gradient under plain rectangles and
/// ellipses), one *target* patch (square or disc, 56–88 px, inside the 112-pixel centre crop)
/// filled with the class texture, and up to one distractor patch with a texture of no class.
/// The class texture is a coarse pattern of period 8k pixels whose foreground is striped
/// horizontally or vertically with period 2k, the scale k ∈ {1, 2, 3} drawn per image. At
/// k = 1 the stripes alternate every pixel: the models' stage-1 view (the 112 crop bilinearly
/// resampled to 56 with align_corners=True) samples every ~2.02 pixels and sees a mottled
/// flat colour, so the coarse pattern is visible but the stripe orientation is not; at k = 3
/// both are visible. See SynthClasses for the class list.
enum SynthRenderer {
    static let size = SynthParameters.imageSize
    /// The models see the centre 112×112 crop; the target is drawn fully inside it.
    static let cropLow = 8, cropHigh = 120
    /// Probability (in percent) of each texture scale k = 1, 2, 3.
    static let scaleWeights = [45, 30, 25]
    static let noiseAmplitude: Int32 = 8

    static func render(_ id: SynthImageID, seed: UInt64) -> [UInt8] { draw(id, seed: seed).pixels }

    /// The pixels ([128, 128, 3] bytes) and where the class-deciding patch is.
    /// `fineOverride` (tests only) swaps the stripe orientation while every random draw stays
    /// the same, to compare an image with its other-class twin.
    static func draw(_ id: SynthImageID, seed: UInt64,
                     fineOverride: SynthClasses.Fine? = nil) -> (pixels: [UInt8], info: SynthImageInfo) {
        var rng = SynthRandom(seed: seed, id: id)
        var canvas = SynthCanvas(size: size)
        drawBackground(&canvas, &rng)
        let k = 1 + rng.weighted(scaleWeights)
        var placed: [SynthBox] = []

        // Target first, so it always finds room.
        let targetSide = rng.inRange(56, 88)
        let target = place(side: targetSide, avoiding: placed, &rng)!
        placed.append(target)
        let targetShape = rng.coin() ? SynthRegion.square : .disc
        var colors = TextureColors(&rng, tint: coarseTint(id.classIndex, &rng))
        let coarse = SynthClasses.coarse(id.classIndex), fine = fineOverride ?? SynthClasses.fine(id.classIndex)
        // The stripes restart with a random phase in every 4k×4k block, so that the slow drift
        // of the half-resolution sampling grid (step 111/55 px) cannot turn them into a
        // coherent colour gradient whose direction would give the orientation away.
        let block = 4 * k
        let blocksPerSide = (targetSide + block - 1) / block
        var phase = [Bool](repeating: false, count: blocksPerSide * blocksPerSide)
        for i in 0..<phase.count { phase[i] = rng.coin() }
        canvas.fill(target, targetShape) { u, v in
            guard SynthTexture.coarse(coarse, u, v, k) else { return colors.c }
            let flip = phase[(v / block) * blocksPerSide + u / block]
            return SynthTexture.fine(fine, u, v, k) != flip ? colors.a : colors.b
        }

        let distractors = rng.below(2)
        for _ in 0..<distractors {
            let side = rng.inRange(20, 47)
            guard let box = place(side: side, avoiding: placed, &rng) else { continue }
            placed.append(box)
            let shape = rng.coin() ? SynthRegion.square : .disc
            colors = TextureColors(&rng)
            drawDistractor(&canvas, box, shape, colors, &rng)
        }

        let info = SynthImageInfo(scale: k, x: target.x, y: target.y, side: target.width,
                                  disc: targetShape == .disc)
        return (canvas.finish(noise: noiseAmplitude, &rng), info)
    }

    // MARK: - Pieces

    struct TextureColors {
        var a: SynthColor, b: SynthColor, c: SynthColor

        /// Stripe colours a, b far apart (so the stripes show at full resolution) and a
        /// background colour c away from their mean (so the coarse pattern shows at half),
        /// near `tint` when one is given.
        init(_ rng: inout SynthRandom, tint: SynthColor? = nil) {
            repeat {
                a = rng.color()
                b = rng.color()
            } while a.distance(b) < 180
            repeat {
                if let t = tint {
                    let dr = Int32(rng.inRange(-48, 48)), dg = Int32(rng.inRange(-48, 48))
                    let db = Int32(rng.inRange(-48, 48))
                    c = SynthColor(Self.clamp(t.r + dr), Self.clamp(t.g + dg), Self.clamp(t.b + db))
                } else {
                    c = rng.color()
                }
            } while c.distance(a.mean(b)) < 120
        }

        private static func clamp(_ v: Int32) -> Int32 { min(255, max(0, v)) }
    }

    /// Half of the targets take their coarse background colour near a colour of their coarse
    /// pattern. This weak cue (it names the coarse pattern, never the stripe orientation, and is
    /// equally visible at both resolutions) gives a ViT trained from scratch a first-order
    /// signal: without any, every class has the same mean image and training sits on a long
    /// plateau before it finds the textures.
    static func coarseTint(_ classIndex: Int, _ rng: inout SynthRandom) -> SynthColor? {
        guard rng.coin() else { return nil }
        let tints = [SynthColor(210, 60, 60), SynthColor(60, 190, 80), SynthColor(60, 90, 220),
                     SynthColor(220, 200, 60), SynthColor(170, 70, 200)]
        return tints[SynthClasses.coarse(classIndex).rawValue]
    }

    static func drawBackground(_ canvas: inout SynthCanvas, _ rng: inout SynthRandom) {
        let c0 = rng.color(), c1 = rng.color()
        let alongX = rng.coin()
        let n = Int32(size - 1)
        for y in 0..<size {
            for x in 0..<size {
                canvas[x, y] = c0.blend(c1, Int32(alongX ? x : y), n)
            }
        }
        let count = rng.inRange(4, 9)
        for _ in 0..<count {
            let color = rng.color()
            let w = rng.inRange(4, 39), h = rng.inRange(4, 39)
            let x = rng.inRange(-10, size - 1), y = rng.inRange(-10, size - 1)
            if rng.coin() {
                canvas.fill(SynthBox(x: x, y: y, width: w, height: h), .square) { _, _ in color }
            } else {
                // Ellipse centred at (x, y) with axes w, h: (dx·h)² + (dy·w)² ≤ (w·h/2)².
                let box = SynthBox(x: x - w / 2 - 1, y: y - h / 2 - 1, width: w + 3, height: h + 3)
                let limit = (w * h) * (w * h) / 4
                canvas.fill(box, .square) { u, v in
                    let dx = box.x + u - x, dy = box.y + v - y
                    return dx * dx * h * h + dy * dy * w * w <= limit ? color : nil
                }
            }
        }
    }

    static func drawDistractor(_ canvas: inout SynthCanvas, _ box: SynthBox, _ shape: SynthRegion,
                               _ colors: TextureColors, _ rng: inout SynthRandom) {
        switch rng.below(3) {
        case 0:
            canvas.fill(box, shape) { _, _ in colors.c }
        case 1:
            // Random bits at a random scale: fine detail that belongs to no class.
            let cell = rng.inRange(1, 3)
            let cols = (box.width + cell - 1) / cell, rows = (box.height + cell - 1) / cell
            var bits = [Bool](repeating: false, count: cols * rows)
            for i in 0..<bits.count { bits[i] = rng.coin() }
            canvas.fill(box, shape) { u, v in bits[(v / cell) * cols + u / cell] ? colors.a : colors.b }
        default:
            let n = Int32(max(1, box.width - 1))
            canvas.fill(box, shape) { u, _ in colors.a.blend(colors.b, Int32(u), n) }
        }
    }

    /// A random square of the given side inside the centre crop, not overlapping `placed`;
    /// nil after 30 tries.
    static func place(side: Int, avoiding placed: [SynthBox], _ rng: inout SynthRandom) -> SynthBox? {
        for _ in 0..<30 {
            let x = rng.inRange(cropLow, cropHigh - side), y = rng.inRange(cropLow, cropHigh - side)
            let box = SynthBox(x: x, y: y, width: side, height: side)
            if !placed.contains(where: { $0.intersects(box) }) { return box }
        }
        return nil
    }
}
