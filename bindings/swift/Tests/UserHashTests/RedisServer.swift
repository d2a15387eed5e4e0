import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real redis-server on a free loopback port, persistence off, in a folder
/// of its own; `stop` and `start` again on the same port. Never mocked: the
/// point is what a real Redis does. `cargo xtask` puts redis-server in the
/// Debian root it runs Swift in; elsewhere it must be on PATH (a test that
/// finds none fails, never skips).
final class RedisServer: @unchecked Sendable {
    let port: UInt16
    private let directory: URL
    private var process: Process?

    var url: String { "redis://127.0.0.1:\(port)" }

    init() throws {
        port = try freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("userhash-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func start(_ extra: [String] = []) throws {
        guard let program = Self.redisServer else {
            throw RedisError.notInstalled
        }
        let p = Process()
        p.executableURL = program
        p.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--loglevel", "warning", "--logfile", "", "--dir", directory.path,
        ] + extra
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(10)
        while !pings() {
            if !p.isRunning || Date() > deadline {
                stop()
                throw RedisError.didNotStart(port)
            }
            usleep(20_000)
        }
    }

    func stop() {
        guard let p = process else { return }
        process = nil
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
        }
        p.waitUntilExit()
    }

    private func pings() -> Bool {
        guard let reply = try? command(["PING"]) else { return false }
        return reply.hasPrefix("+PONG") || reply.hasPrefix("-NOAUTH")
    }

    /// One command in RESP, and the first reply as text (`+OK`, `:1`, `$-1`, ...).
    func command(_ args: [String]) throws -> String {
        var request = "*\(args.count)\r\n"
        for arg in args {
            request += "$\(arg.utf8.count)\r\n\(arg)\r\n"
        }
        let fd = try connectLoopback(port)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw RedisError.io("send") }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { throw RedisError.io("recv") }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    static var redisServer: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("redis-server") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

enum RedisError: Error, CustomStringConvertible {
    case notInstalled
    case didNotStart(UInt16)
    case io(String)
    var description: String {
        switch self {
        case .notInstalled:
            "redis-server is not installed: `cargo xtask test swift` runs these tests in a Debian root that has it; "
                + "elsewhere install it (apt-get install redis-server, brew install redis). Redis tests never skip."
        case .didNotStart(let port): "redis-server did not start on port \(port)"
        case .io(let what): "\(what) to redis-server failed (errno \(errno))"
        }
    }
}

private func loopback(_ port: UInt16) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return addr
}

private func tcpSocket() throws -> Int32 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw RedisError.io("socket") }
    return fd
}

/// A port nothing listens on now: bound to 0, read back, released.
func freeLoopbackPort() throws -> UInt16 {
    let fd = try tcpSocket()
    defer { close(fd) }
    var addr = loopback(0)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw RedisError.io("bind") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw RedisError.io("getsockname") }
    return UInt16(bigEndian: addr.sin_port)
}

private func connectLoopback(_ port: UInt16) throws -> Int32 {
    let fd = try tcpSocket()
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var addr = loopback(port)
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw RedisError.io("connect")
    }
    return fd
}
