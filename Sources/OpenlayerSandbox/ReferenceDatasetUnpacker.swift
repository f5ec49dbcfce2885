import DropFormats
import DropJSON
import PackageReading

/// Unpacks an uploaded reference-dataset tarball, as the SDK's `upload_reference_dataframe`
/// makes it: a gzip tar of a `reference_dataset/` folder with `dataset.csv` and
/// `dataset_config.yaml`.
///
/// The CSV is extracted to a new folder of the storage directory and its records counted (the
/// header apart); the YAML is kept as text. Anything else in the tarball is ignored. A tarball
/// without both files, or not a gzip tarball at all, is the client's mistake: a 400 that names
/// what is missing or the reader's error.
struct ReferenceDatasetUnpacker: Sendable {
    static let csvName = "reference_dataset/dataset.csv"
    static let configName = "reference_dataset/dataset_config.yaml"
    /// A data config is a few KiB; a larger YAML is refused rather than stored in the database.
    static let maximumConfigBytes = 1024 * 1024

    let files: StorageDirectory

    /// Reads the tarball at `objectPath` (relative) into a record for `pipelineId`. Blocking;
    /// see `BlockingIO`. On failure nothing is left behind.
    func unpack(
        objectPath: String, uri: String, pipelineId: String, receivedAt: Int64
    ) throws -> ReferenceDatasetRecord {
        let folder = try files.newReferenceDatasetFolder()
        do {
            let csvPath = "\(folder)/dataset.csv"
            let configYAML = try extract(objectPath, uri: uri, csvTo: files.absolute(csvPath))
            let (columns, rows) = try Self.survey(files.absolute(csvPath))
            return ReferenceDatasetRecord(
                sequence: nil, pipelineId: pipelineId, uri: uri, csvPath: csvPath, configYAML: configYAML,
                rowCount: rows,
                columnsJSON: String(decoding: JSONWriter.encode(.array(columns.map(JSONValue.string))), as: UTF8.self),
                receivedAt: receivedAt
            )
        } catch {
            files.removeQuietly(absolute: files.absolute(folder))
            throw error
        }
    }

    /// Extracts the CSV to `csvPath` and returns the YAML's text.
    private func extract(_ objectPath: String, uri: String, csvTo csvPath: String) throws -> String {
        var configYAML: String?
        var foundCSV = false
        var names: [String] = []
        do {
            let reader = try TarGzReader(path: files.absolute(objectPath))
            while let entry = try reader.next() {
                let name = Self.normalized(entry.name)
                names.append(name)
                guard !entry.isDirectory else { continue }
                if name == Self.csvName {
                    try reader.extractContents(to: csvPath)
                    foundCSV = true
                } else if name == Self.configName {
                    guard entry.size <= Int64(Self.maximumConfigBytes) else {
                        throw SandboxError.badRequest(
                            "\(Self.configName) is larger than \(Self.maximumConfigBytes) bytes."
                        )
                    }
                    let bytes = try reader.readContents(limit: Self.maximumConfigBytes)
                    configYAML = String(decoding: bytes, as: UTF8.self)
                }
            }
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError.badRequest("'\(uri)' is not a readable .tar.gz: \(error)")
        }
        let missing = [foundCSV ? nil : Self.csvName, configYAML == nil ? Self.configName : nil].compactMap { $0 }
        guard missing.isEmpty, let configYAML else {
            let held = names.isEmpty ? "nothing" : names.prefix(10).joined(separator: ", ")
            throw SandboxError.badRequest(
                "The reference dataset tarball lacks \(missing.joined(separator: " and ")); it holds \(held)."
            )
        }
        return configYAML
    }

    /// The header's fields and the number of records after it.
    private static func survey(_ path: String) throws -> (columns: [String], rows: Int) {
        do {
            let reader = try CSVReader(path: path)
            let columns = try reader.next()?.fields ?? []
            var rows = 0
            while try reader.next() != nil { rows += 1 }
            return (columns, rows)
        } catch {
            throw SandboxError.badRequest("\(csvName) is not readable CSV: \(error)")
        }
    }

    /// `./reference_dataset/x` and `reference_dataset/x` alike (tar run inside the folder's parent
    /// with `.` writes the former), without a directory's trailing slash.
    private static func normalized(_ name: String) -> String {
        var name = Substring(name)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        while name.hasSuffix("/") { name = name.dropLast() }
        return String(name)
    }
}

extension ReferenceDatasetRecord {
    /// The folder the dataset was unpacked to (relative), to remove it if it is not kept.
    var folder: String {
        String(csvPath[..<(csvPath.lastIndex(of: "/") ?? csvPath.endIndex)])
    }
}
