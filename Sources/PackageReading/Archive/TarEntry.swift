/// One member of a tar archive, as `TarGzReader.next()` found it.
public struct TarEntry: Sendable, Equatable {
    /// The path inside the archive exactly as stored (ustar prefix and name joined, or the pax
    /// or GNU long name). Directories keep the trailing "/" that GNU tar and Python write.
    /// It has been checked not to be absolute and not to climb out with "..".
    public var name: String
    public var isDirectory: Bool
    /// The number of content bytes; 0 for directories.
    public var size: Int64

    public init(name: String, isDirectory: Bool, size: Int64) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
    }
}
