import Digest
import Testing
import Tensor
@testable import Harness

struct SynthRendererTests {
    static let seed = SynthParameters.defaultSeed

    /// The contract "same pixels on every machine": SHA-256 of the RGB bytes of a few images,
    /// recorded once from generator version 1 and cross-checked by decoding the written PNG
    /// files with Pillow and hashing the pixels with Python's hashlib. They are not derived
    /// from the code at test time, so they fail if the pixels change on another platform,
    /// compiler or libm (e.g. someone draws with Float maths or the standard library's
    /// unspecified random algorithms), or if the renderer changes without a version bump. A
    /// deliberate change of the renderer must bump `SynthParameters.generatorVersion` and
    /// update these values.
    @Test func pinnedPixelHashes() {
        #expect(SynthParameters.generatorVersion == 1, "update the pinned hashes with the version")
        let pinned: [(SynthImageID, String)] = [
            (SynthImageID(split: .val, classIndex: 0, index: 0), "350bded4fd676add7ff60ff68f00e84993eebbdbc230c4f88dc3924a73df2b94"),
            (SynthImageID(split: .val, classIndex: 7, index: 42), "578ae18c72ffec01c51a69d4447fa40546715ca16958a198b5a9394088891936"),
            (SynthImageID(split: .train, classIndex: 3, index: 499), "619c80c891742ad5caef74636608454830cdf748ec76ac6789a058a027e6ea05"),
            (SynthImageID(split: .train, classIndex: 9, index: 123), "ad18c98a84e6b89c55fd7c8ccc688d084702bb9a51346594c8f9f018462c2f44"),
        ]
        for (id, expected) in pinned {
            #expect(SHA256.hex(of: SynthRenderer.render(id, seed: Self.seed)) == expected, "\(id.relativePath)")
        }
    }

    /// The bundled validation split (default seed and counts) as a whole: its manifest
    /// checksum, recomputed independently in Python from the PNG files (Pillow decode, hashlib,
    /// the line format documented on SynthManifest) when it was pinned.
    @Test func pinnedDefaultValidationChecksum() {
        #expect(SynthParameters.generatorVersion == 1)
        #expect(SynthDataset.splitChecksum(.val, parameters: SynthParameters(), threads: 2)
            == "3f624c90bb949c4822936a08b8fa49099ab3a72b7326f23507ea70f20cd43c4e")
    }

    @Test func renderingIsAPureFunctionOfTheIdentity() {
        let id = SynthImageID(split: .train, classIndex: 4, index: 17)
        let a = SynthRenderer.render(id, seed: 99)
        // Draw other images in between: no hidden state may leak into the next one.
        _ = SynthRenderer.render(SynthImageID(split: .val, classIndex: 1, index: 2), seed: 99)
        #expect(SynthRenderer.render(id, seed: 99) == a)
        #expect(a.count == 128 * 128 * 3)
    }

    @Test func seedSplitClassAndIndexEachChangeThePixels() {
        let base = SynthImageID(split: .train, classIndex: 2, index: 5)
        let pixels = SynthRenderer.render(base, seed: 1)
        #expect(SynthRenderer.render(base, seed: 2) != pixels)
        #expect(SynthRenderer.render(SynthImageID(split: .val, classIndex: 2, index: 5), seed: 1) != pixels)
        #expect(SynthRenderer.render(SynthImageID(split: .train, classIndex: 3, index: 5), seed: 1) != pixels)
        #expect(SynthRenderer.render(SynthImageID(split: .train, classIndex: 2, index: 6), seed: 1) != pixels)
    }

    /// The target lies inside the 112 centre crop the models see, at the documented sizes, and
    /// the scales follow the documented 45/30/25 % mix (binomial 4σ bounds over 3000 images).
    @Test func targetPlacementAndScaleMix() {
        var counts = [0, 0, 0]
        for i in 0..<3000 {
            let id = SynthImageID(split: .train, classIndex: i % 10, index: i)
            let info = SynthRenderer.draw(id, seed: Self.seed).info
            #expect(info.x >= 8 && info.y >= 8 && info.x + info.side <= 120 && info.y + info.side <= 120)
            #expect(info.side >= 56 && info.side <= 88)
            #expect((1...3).contains(info.scale))
            counts[info.scale - 1] += 1
        }
        for (n, p) in zip(counts, [0.45, 0.30, 0.25]) {
            let sd = (3000 * p * (1 - p)).squareRoot()
            #expect(abs(Double(n) - 3000 * p) < 4 * sd, "scale counts \(counts)")
        }
    }

    /// What the classes mean, measured on the pixels. Each image is drawn as two twins that
    /// differ only in stripe orientation; inside the target, the horizontal-stripe twin has more
    /// vertical-neighbour edges and the vertical-stripe twin more horizontal-neighbour edges, by
    /// about (foreground share ≥ 0.35) / k ≥ 0.11 of all pairs, at every scale.
    @Test func fineStripeOrientationIsVisibleAtFullResolution() {
        for classIndex in stride(from: 0, to: SynthClasses.count, by: 2) {
            for index in 0..<5 {
                let id = SynthImageID(split: .val, classIndex: classIndex, index: index)
                let info = SynthRenderer.draw(id, seed: Self.seed).info
                let box = Self.inner(info)
                let h = SynthRenderer.draw(id, seed: Self.seed, fineOverride: .horizontal).pixels
                let v = SynthRenderer.draw(id, seed: Self.seed, fineOverride: .vertical).pixels
                let (hx, hy) = Self.edgeRates(Self.plane(h, size: 128), size: 128, box: box)
                let (vx, vy) = Self.edgeRates(Self.plane(v, size: 128), size: 128, box: box)
                let context = "\(id.relativePath) k=\(info.scale): h-twin (\(hx), \(hy)) v-twin (\(vx), \(vy))"
                #expect(vx - hx > 0.05, "\(context)")
                #expect(hy - vy > 0.05, "\(context)")
            }
        }
    }

    /// Spatial redundancy is real. Each image is drawn twice, identical but for the stripe
    /// orientation (the class's fine half), and both are taken to the stage-1 view: 112 centre
    /// crop → 56 by the project's own bilinear align_corners op. The anisotropy of the target
    /// (horizontal over vertical edge rate) differs strongly between the twins at scale 3, and
    /// hardly at scale 1, where the stripes have fallen between the samples.
    @Test func scaleOneStripesVanishInTheStageOneView() {
        var ratios: [Int: [Double]] = [1: [], 3: []]
        for index in 0..<40 {
            for classIndex in [0, 4, 6] {
                let id = SynthImageID(split: .val, classIndex: classIndex, index: index)
                let info = SynthRenderer.draw(id, seed: Self.seed).info
                guard info.scale != 2 else { continue }
                let box = Self.inner(info)
                // The box in 56-pixel coordinates (crop offset 8, sample step 111/55), shrunk by one.
                let lowBox = SynthBox(x: (box.x - 8) * 55 / 111 + 1, y: (box.y - 8) * 55 / 111 + 1,
                                      width: box.width * 55 / 111 - 2, height: box.height * 55 / 111 - 2)
                var anisotropy: [Double] = []
                for fine in SynthClasses.Fine.allCases {
                    let pixels = SynthRenderer.draw(id, seed: Self.seed, fineOverride: fine).pixels
                    let (dx, dy) = Self.edgeRates(Self.stageOneView(pixels), size: 56, box: lowBox, threshold: 60)
                    anisotropy.append((dx + 0.01) / (dy + 0.01))
                }
                // vertical-stripe twin over horizontal-stripe twin: ≫ 1 when the stripes show.
                ratios[info.scale]!.append(anisotropy[1] / anisotropy[0])
            }
        }
        let median = { (v: [Double]) in v.sorted()[v.count / 2] }
        #expect(ratios[1]!.count >= 20 && ratios[3]!.count >= 10)
        #expect(median(ratios[1]!) < 1.5, "scale 1 twin ratios \(ratios[1]!.sorted())")
        #expect(median(ratios[3]!) > 4, "scale 3 twin ratios \(ratios[3]!.sorted())")
    }

    // MARK: - Helpers

    /// Interleaved RGB bytes as Ints: [size·size·3].
    static func plane(_ rgb: [UInt8], size: Int) -> [Int] { rgb.map { Int($0) } }

    /// The target's box shrunk to the square inscribed in its disc (so every pixel is inside).
    static func inner(_ info: SynthImageInfo) -> SynthBox {
        let margin = info.disc ? info.side * 3 / 20 + 1 : 1
        return SynthBox(x: info.x + margin, y: info.y + margin,
                        width: info.side - 2 * margin, height: info.side - 2 * margin)
    }

    /// Fraction of horizontal (dx) and vertical (dy) neighbour pairs inside `box` whose RGB L1
    /// distance exceeds `threshold` (noise alone stays below 3·16 = 48). p: [size·size·3].
    static func edgeRates(_ p: [Int], size: Int, box: SynthBox, threshold: Int = 60) -> (Double, Double) {
        func distance(_ i: Int, _ j: Int) -> Int {
            abs(p[3 * i] - p[3 * j]) + abs(p[3 * i + 1] - p[3 * j + 1]) + abs(p[3 * i + 2] - p[3 * j + 2])
        }
        var ex = 0, ey = 0, n = 0
        for y in box.y..<(box.y + box.height - 1) {
            for x in box.x..<(box.x + box.width - 1) {
                if distance(y * size + x, y * size + x + 1) > threshold { ex += 1 }
                if distance(y * size + x, (y + 1) * size + x) > threshold { ey += 1 }
                n += 1
            }
        }
        return (Double(ex) / Double(n), Double(ey) / Double(n))
    }

    /// Centre crop 112, then bilinear align_corners to 56 → [56·56·3] interleaved (on 0…255 values; the models apply
    /// it after normalisation, which is per-channel affine and commutes with it).
    static func stageOneView(_ rgb: [UInt8]) -> [Int] {
        var planes = [Float](repeating: 0, count: 3 * 112 * 112)
        for c in 0..<3 {
            for y in 0..<112 {
                for x in 0..<112 { planes[(c * 112 + y) * 112 + x] = Float(rgb[((y + 8) * 128 + x + 8) * 3 + c]) }
            }
        }
        let low = Resample.bilinearAlignCorners(Tensor(shape: [1, 3, 112, 112], scalars: planes), to: 56)
        return (0..<(56 * 56 * 3)).map { i in Int(low.scalars[(i % 3) * 56 * 56 + i / 3].rounded()) }
    }
}
