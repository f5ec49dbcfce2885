import NIOSSL

/// How the client trusts the server and identifies itself over HTTPS, beyond the system's
/// trust store: a private CA (a self-hosted Openlayer behind a company CA), and a client
/// certificate for servers that ask for one (mutual TLS). PEM files.
public struct ClientTLS: Sendable, Equatable {
    /// A CA to trust besides the system's.
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The client configuration; throws when a file cannot be read as PEM.
    public func configuration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
        }
        if let certificateFile, let keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        return tls
    }
}
