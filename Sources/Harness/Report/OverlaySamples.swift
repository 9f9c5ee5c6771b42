import Foundation
import ImageData
import Reporting
import RunStore
import ViT

/// Images with their refined region drawn over them (CF-ViT Fig. 9, LF-ViT Fig. 1).
public enum OverlaySamples {
    /// The first `perModel` images (by position) of each two-stage run, cropped exactly as the
    /// model saw them. Unreadable images are left out.
    public static func make(runs: [(name: String, run: RunRecord)], store: RunStore, perModel: Int) -> [OverlaySample] {
        var samples: [OverlaySample] = []
        for (name, run) in runs where run.provenance.stageCount == 2 {
            guard let pre = try? JSONDecoder().decode(Preprocessing.self, from: Data(run.provenance.preprocessingJSON.utf8)) else { continue }
            var picked: [ImageResult] = []
            try? store.forEachResult(of: run.id) { r in
                if picked.count < perModel, r.selection != nil { picked.append(r) }
            }
            for r in picked {
                let path = URL(fileURLWithPath: run.provenance.datasetPath).appendingPathComponent(r.image.relativePath).path
                guard let sample = try? sampleImage(path: path, preprocessing: pre, result: r, model: name) else { continue }
                samples.append(sample)
            }
        }
        return samples
    }

    /// One image with its selection from a stored result.
    public static func sampleImage(path: String, preprocessing: Preprocessing, result r: ImageResult,
                                   model: String) throws -> OverlaySample {
        let decoded = try ImageDecoder().decode(path: path)
        let image = EvalTransform(preprocessing).crop(decoded)
        let s1 = r.stages.first
        let label = r.image.classIndex.map { "label \($0)" } ?? "unlabelled"
        let caption = "\(model) · \(r.image.relativePath) · \(label) · stage 1: class \(s1?.predicted ?? -1) (p = \(String(format: "%.3f", s1?.confidence ?? 0)))"
            + (r.stages.count > 1 ? " · stage 2: class \(r.stages[1].predicted)" : "")
        let stem = "\(model)-\(r.image.position)".map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        return OverlaySample(name: String(stem), caption: caption, image: image, selection: r.selection)
    }
}
