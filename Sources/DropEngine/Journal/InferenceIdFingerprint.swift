/// What the journal keeps of an inference id: a 64-bit fingerprint, packed eight bytes a piece
/// into one blob per acknowledged batch, instead of a row and an index entry per id.
///
/// The fingerprint is FNV-1a over the id's UTF-8 bytes, finished with the SplitMix64 mixer so
/// that ids differing in their last characters spread over all 64 bits. Two different ids
/// share a fingerprint with a chance of about n·m / 2^64 when m ids are checked against n
/// remembered ones: for a hundred million remembered ids and a million checked, about 5·10⁻⁶.
/// The checks built on it only warn, so that chance is the whole cost of keeping 8 bytes an id.
enum InferenceIdFingerprint {
    static func of(_ id: String) -> UInt64 {
        of(utf8: id.utf8)
    }

    static func of(utf8: some Sequence<UInt8>) -> UInt64 {
        mixing(DuplicateIdTracker.hash(utf8))
    }

    /// The fingerprint of an id whose FNV-1a hash (`DuplicateIdTracker.hash`) is known.
    static func mixing(_ fnv: UInt64) -> UInt64 {
        var hash = fnv
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return hash
    }

    /// The fingerprints of `ids`, little-endian, one after the other.
    static func pack(_ ids: some Collection<String>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 8)
        for id in ids { append(of(id), to: &bytes) }
        return bytes
    }

    /// Appends one fingerprint to a packed blob.
    static func append(_ fingerprint: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: fingerprint.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with each fingerprint of a packed blob.
    static func forEach(in blob: [UInt8], _ body: (UInt64) -> Void) {
        blob.withUnsafeBytes { raw in
            var offset = 0
            while offset + 8 <= raw.count {
                body(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                offset += 8
            }
        }
    }
}
