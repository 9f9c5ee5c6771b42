#if canImport(Glibc)
import Glibc
#endif

/// What the processor says about itself (Linux `/proc/cpuinfo`, first processor): the facts that
/// decide which BLAS kernels and which vector width can run fast here.
public struct CPUInfo: Sendable, Equatable {
    public var vendor: String
    public var family: Int?
    public var model: Int?
    public var modelName: String
    public var flags: Set<String>

    public init(vendor: String, family: Int? = nil, model: Int? = nil, modelName: String = "",
                flags: Set<String>) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.modelName = modelName
        self.flags = flags
    }

    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }

    public var hasAVX2FMA: Bool { flags.isSuperset(of: ["avx2", "fma"]) }

    /// The AVX-512 subset OpenBLAS's SkylakeX kernels and `x86-64-v4` code need.
    public var hasAVX512: Bool { flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) }

    public var hasAVX512BF16: Bool { flags.contains("avx512_bf16") }

    /// The widest fp32 FMA unit, as a name for messages and provenance.
    public var widestFMA: String { hasAVX512 ? "avx512" : hasAVX2FMA ? "avx2+fma" : "none" }

    /// One line for humans: "AMD EPYC (family 25 model 17), AVX-512".
    public var summary: String {
        var s = modelName.isEmpty ? vendor : modelName
        if let family, let model { s += " (family \(family) model \(model))" }
        return s + ", " + (hasAVX512 ? "AVX-512" : hasAVX2FMA ? "AVX2+FMA" : "no AVX2")
    }

    /// Parses the text of `/proc/cpuinfo`; the first processor's block is enough (all cores of
    /// one machine report the same features).
    public static func parse(procCPUInfo text: String) -> CPUInfo {
        var info = CPUInfo(vendor: "unknown", flags: [])
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, !info.flags.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "vendor_id": info.vendor = value
            case "cpu family": info.family = Int(value)
            case "model": info.model = Int(value)
            case "model name": info.modelName = value
            case "flags": info.flags = Set(value.split(separator: " ").map(String.init))
            default: break
            }
        }
        return info
    }

    /// This machine's processor (read once). Non-Linux or unreadable: no flags, so every
    /// decision that depends on them stays with the library's own choice.
    public static let current: CPUInfo = {
        guard let text = readWholeFile("/proc/cpuinfo") else { return CPUInfo(vendor: "unknown", flags: []) }
        return parse(procCPUInfo: text)
    }()

    private static func readWholeFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
