/// The subset of the ZIP format (PKWARE APPNOTE 6.3) that `torch.save` writes: stored
/// (uncompressed) entries, a central directory, and ZIP64 records (PyTorch always writes a
/// ZIP64 end-of-central-directory record; sizes and offsets move into ZIP64 extra fields
/// beyond 4 GiB). Local headers carry zeroed sizes (flag bit 3, data descriptor) and
/// padding extras, so sizes come from the central directory and the data offset from each
/// local header's own name and extra lengths.
struct ZipArchive {
    struct Entry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
        /// Offset of this entry's central-directory record (for error messages).
        let directoryOffset: Int
    }

    let file: MappedFile
    let entries: [Entry]
    private let index: [String: Int]

    private static let eocdSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EOCDSignature: UInt32 = 0x0606_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    init(file: MappedFile) throws {
        self.file = file
        let path = file.path
        let view = ByteView(file.bytes, path: path)
        let size = file.count

        // End of central directory: 22 bytes plus a comment of up to 65535 bytes. Scan back
        // and accept a signature only where its comment length reaches exactly to the end.
        var eocd = -1
        var pos = size - 22
        while pos >= 0 && pos >= size - 22 - 65535 {
            if try view.u32(pos, "EOCD") == ZipArchive.eocdSignature,
               Int(try view.u16(pos + 20, "EOCD comment length")) == size - pos - 22 {
                eocd = pos
                break
            }
            pos -= 1
        }
        guard eocd >= 0 else {
            throw WeightsError(.truncated, path: path,
                               "no zip end-of-central-directory record: the file is truncated or not a zip archive",
                               offset: size)
        }
        let disk = try view.u16(eocd + 4, "EOCD")
        let directoryDisk = try view.u16(eocd + 6, "EOCD")
        var entryCount = Int(try view.u16(eocd + 10, "EOCD"))
        var directorySize = Int(try view.u32(eocd + 12, "EOCD"))
        var directoryOffset = Int(try view.u32(eocd + 16, "EOCD"))
        guard disk == 0, directoryDisk == 0 || directoryDisk == 0xFFFF else {
            throw WeightsError(.unsupportedArchive, path: path, "split (multi-disk) zip archives are not supported",
                               offset: eocd)
        }

        // ZIP64: a locator right before the EOCD points at the ZIP64 EOCD record.
        if eocd >= 20, try view.u32(eocd - 20, "ZIP64 locator") == ZipArchive.zip64LocatorSignature {
            let record64 = try view.u64(eocd - 12, "ZIP64 locator")
            guard record64 <= UInt64(Int.max), try view.u32(Int(record64), "ZIP64 EOCD record") == ZipArchive.zip64EOCDSignature else {
                throw WeightsError(.corruptArchive, path: path,
                                   "ZIP64 locator points at \(record64), where there is no ZIP64 end-of-central-directory record",
                                   offset: eocd - 20)
            }
            let r = Int(record64)
            let count64 = try view.u64(r + 32, "ZIP64 EOCD record")
            let size64 = try view.u64(r + 40, "ZIP64 EOCD record")
            let offset64 = try view.u64(r + 48, "ZIP64 EOCD record")
            guard count64 <= UInt64(size), size64 <= UInt64(size), offset64 <= UInt64(size) else {
                throw WeightsError(.corruptArchive, path: path,
                                   "ZIP64 end-of-central-directory record holds impossible values "
                                   + "(\(count64) entries, directory of \(size64) bytes at \(offset64))", offset: r)
            }
            entryCount = Int(count64)
            directorySize = Int(size64)
            directoryOffset = Int(offset64)
        }
        guard directoryOffset <= size, directorySize <= size - directoryOffset,
              entryCount <= directorySize / 46 else {
            throw WeightsError(.corruptArchive, path: path,
                               "central directory (\(entryCount) entries, \(directorySize) bytes at offset "
                               + "\(directoryOffset)) does not fit in the file (\(size) bytes)", offset: eocd)
        }

        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var index: [String: Int] = [:]
        var p = directoryOffset
        for i in 0..<entryCount {
            guard try view.u32(p, "central directory entry \(i)") == ZipArchive.centralSignature else {
                throw WeightsError(.corruptArchive, path: path,
                                   "central directory entry \(i) has a bad signature", offset: p)
            }
            let flags = try view.u16(p + 8, "central directory entry")
            let method = try view.u16(p + 10, "central directory entry")
            let crc = try view.u32(p + 16, "central directory entry")
            var compressed = UInt64(try view.u32(p + 20, "central directory entry"))
            var uncompressed = UInt64(try view.u32(p + 24, "central directory entry"))
            let nameLength = Int(try view.u16(p + 28, "central directory entry"))
            let extraLength = Int(try view.u16(p + 30, "central directory entry"))
            let commentLength = Int(try view.u16(p + 32, "central directory entry"))
            var localOffset = UInt64(try view.u32(p + 42, "central directory entry"))
            let nameBytes = try view.slice(p + 46, nameLength, "central directory entry name")
            let name = String(decoding: nameBytes, as: UTF8.self)
            let extra = try view.slice(p + 46 + nameLength, extraLength, "central directory extra field")

            // ZIP64 extended information (id 1): the 8-byte values for whichever 32-bit
            // fields are saturated, in the order uncompressed, compressed, local offset.
            if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
                let extraView = ByteView(extra, path: path, baseOffset: p + 46 + nameLength,
                                         what: "extra field of '\(name)'")
                var q = 0
                var found = false
                while q + 4 <= extra.count {
                    let id = try extraView.u16(q, "extra field header")
                    let length = Int(try extraView.u16(q + 2, "extra field header"))
                    if id == 1 {
                        var r = q + 4
                        if uncompressed == 0xFFFF_FFFF { uncompressed = try extraView.u64(r, "ZIP64 size"); r += 8 }
                        if compressed == 0xFFFF_FFFF { compressed = try extraView.u64(r, "ZIP64 size"); r += 8 }
                        if localOffset == 0xFFFF_FFFF { localOffset = try extraView.u64(r, "ZIP64 offset"); r += 8 }
                        guard r <= q + 4 + length else {
                            throw WeightsError(.corruptArchive, path: path,
                                               "ZIP64 extra field of '\(name)' is shorter than its saturated fields need",
                                               offset: p + 46 + nameLength + q)
                        }
                        found = true
                        break
                    }
                    q += 4 + length
                }
                guard found else {
                    throw WeightsError(.corruptArchive, path: path,
                                       "entry '\(name)' has saturated 32-bit fields but no ZIP64 extra field", offset: p)
                }
            }
            guard compressed <= UInt64(size), uncompressed <= UInt64(Int.max), localOffset <= UInt64(size) else {
                throw WeightsError(.corruptArchive, path: path,
                                   "entry '\(name)' declares \(compressed) bytes at offset \(localOffset), "
                                   + "beyond the file (\(size) bytes)", offset: p)
            }
            let entry = Entry(name: name, flags: flags, method: method, crc32: crc,
                              compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                              localHeaderOffset: Int(localOffset), directoryOffset: p)
            if index[name] == nil { index[name] = entries.count }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.index = index
    }

    func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The bytes of a stored entry, straight from the map. Compressed and encrypted entries
    /// are refused; `verifyCRC` checks the CRC-32 from the central directory.
    func data(of entry: Entry, verifyCRC: Bool = true) throws -> UnsafeRawBufferPointer {
        let path = file.path
        let view = ByteView(file.bytes, path: path)
        guard entry.flags & 1 == 0 else {
            throw WeightsError(.unsupportedArchive, path: path, "zip entry '\(entry.name)' is encrypted",
                               offset: entry.directoryOffset)
        }
        guard entry.method == 0 else {
            throw WeightsError(.unsupportedArchive, path: path,
                               "zip entry '\(entry.name)' is compressed (method \(entry.method)); torch.save "
                               + "stores entries uncompressed — re-save the checkpoint with torch.save instead "
                               + "of re-zipping it", offset: entry.localHeaderOffset)
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw WeightsError(.corruptArchive, path: path,
                               "stored zip entry '\(entry.name)' has compressed size \(entry.compressedSize) "
                               + "≠ uncompressed size \(entry.uncompressedSize)", offset: entry.directoryOffset)
        }
        let h = entry.localHeaderOffset
        guard try view.u32(h, "local header of '\(entry.name)'") == ZipArchive.localSignature else {
            throw WeightsError(.corruptArchive, path: path,
                               "no local file header for zip entry '\(entry.name)' where the central directory says",
                               offset: h)
        }
        let nameLength = Int(try view.u16(h + 26, "local header of '\(entry.name)'"))
        let extraLength = Int(try view.u16(h + 28, "local header of '\(entry.name)'"))
        let localName = try view.slice(h + 30, nameLength, "local header name of '\(entry.name)'")
        guard localName.elementsEqual(entry.name.utf8) else {
            throw WeightsError(.corruptArchive, path: path,
                               "local header of zip entry '\(entry.name)' names '\(String(decoding: localName, as: UTF8.self))'",
                               offset: h + 30)
        }
        let start = h + 30 + nameLength + extraLength
        let bytes = try view.slice(start, entry.compressedSize, "the data of zip entry '\(entry.name)'")
        // PyTorch writes 0 in every CRC field when saving with
        // torch.serialization.set_crc32_options(False); torch.load never checks them.
        if verifyCRC && !(entry.crc32 == 0 && bytes.count > 0) {
            let actual = CRC32.checksum(bytes)
            guard actual == entry.crc32 else {
                throw WeightsError(.corruptArchive, path: path,
                                   "zip entry '\(entry.name)' is corrupt: CRC-32 \(hex8(actual)) ≠ recorded "
                                   + "\(hex8(entry.crc32))", offset: start)
            }
        }
        return bytes
    }
}

private func hex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}
