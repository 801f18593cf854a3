import CFFmpeg
import Foundation
import SightlinePixels

/// Where each frame of a video lies: the presentation timestamps of all its frames in order (frame
/// N has the Nth), and its keyframes, from one pass over the file's packets (no decoding). Built
/// once per file and shared by its decoders.
public struct FrameTable: Sendable {
    /// Sorted presentation timestamps (decoding timestamps where the container gives none), in the stream's time base.
    public let timestamps: [Int64]
    /// Keyframes in file order: the index (from 0) of the frame each shows, as far as its packet's
    /// timestamps tell (AVI gives reference frames none, so there it can be early), and the timestamp to seek to it by.
    let keyframes: [(index: Int, seek: Int64)]
    /// Frames the container's header declares; more than `timestamps.count` in a truncated file.
    public let declaredFrames: Int?

    /// The index of the frame whose timestamp is `timestamp`, or the nearest.
    func index(of timestamp: Int64) -> Int {
        var low = 0, high = timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if timestamps[mid] < timestamp { low = mid + 1 } else { high = mid }
        }
        if low == timestamps.count { return max(0, low - 1) }
        if low > 0, timestamp - timestamps[low - 1] < timestamps[low] - timestamp { return low - 1 }
        return low
    }
}

/// One open video file (FFmpeg): its size, frame rate and frames as RGB by number (1 is the
/// first, CityFlow's numbering: frame N is the Nth frame shown). Reading frame N seeks to the
/// keyframe before it and decodes forward, unless the decoder already stands before N with no
/// keyframe in between, where it decodes on; so frames read in order cost one decode each.
///
/// Not thread-safe: one thread at a time (`VideoLibrary` hands decoders out to threads).
public final class VideoDecoder {
    public let path: String
    public let threads: Int
    public private(set) var width = 0
    public private(set) var height = 0
    /// The stream's average frame rate (informative: frames are numbered by their order, not by rate).
    public private(set) var framesPerSecond = 0.0
    public private(set) var table = FrameTable(timestamps: [], keyframes: [], declaredFrames: nil)
    /// Frames in the file.
    public var frameCount: Int { table.timestamps.count }

    private var handles: Handles
    /// Index (from 0) of the frame the next decode gives; nil after a seek, until one decodes.
    private var position: Int?
    /// The index of the frame decoded into `handles.frame` and not yet consumed.
    private var held: Int?
    /// The first decoded frame's timestamp minus the table's first: what the decoder's timestamps are off by.
    private var timestampShift: Int64?
    /// Index of the frame a seek to keyframe K (its place in `table.keyframes`) was seen to land on.
    private var landed: [Int: Int] = [:]
    private var scaler = Scaler()

    /// Opens the video and decodes its first frame, so a file that opens but does not decode fails here.
    /// `threads` are FFmpeg's decoding threads (0: as many as it likes); `table` is the file's, when already known.
    public init(path: String, threads: Int = 1, table: FrameTable? = nil) throws {
        self.path = path
        self.threads = threads
        handles = Handles()
        try open(table: table)
    }

    /// The frame numbered `number` (1 is the first).
    public func frame(_ number: Int) throws -> RGBImage {
        let target = number - 1
        guard target >= 0, target < frameCount else {
            if let declared = table.declaredFrames, number > frameCount, number <= declared {
                throw VideoError.corrupt(path: path, reason: "it ends after frame \(frameCount) of the \(declared) its header declares")
            }
            throw VideoError.beyondEnd(path: path, frame: number, frameCount: frameCount)
        }
        if !decodesForward(to: target) { try seek(to: target) }
        while let index = try decodeNext() {
            held = nil
            position = index + 1
            if index == target { return try scaler.rgb(handles.frame, path: path) }
            if index > target {
                throw VideoError.corrupt(path: path, reason: "frame \(number) does not decode (decoding went from before it to frame \(index + 1))")
            }
        }
        throw VideoError.corrupt(path: path, reason: "decoding ends before frame \(number) of \(frameCount)")
    }

    /// The index where the decoder stands, for choosing the decoder nearest before a frame.
    var nextIndex: Int? { held ?? position }

    // MARK: opening

    private func open(table known: FrameTable?) throws {
        _ = sightlineQuietFFmpeg
        let context = try Self.openFormat(path, into: handles)
        let (index, stream) = try Self.videoStream(of: context, path: path)
        handles.streamIndex = index
        handles.stream = stream
        guard let parameters = stream.pointee.codecpar else { throw VideoError.notAVideo(path: path, reason: "it holds no video stream") }
        let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let decoder = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw VideoError.unsupportedCodec(path: path, codec: name)
        }
        width = Int(parameters.pointee.width)
        height = Int(parameters.pointee.height)
        guard width > 0, height > 0 else { throw VideoError.notAVideo(path: path, reason: "its video stream has no frame size") }
        try ImageSizeLimit.check(width: width, height: height, path: path)
        guard let codec = avcodec_alloc_context3(decoder) else { throw VideoError.unsupportedCodec(path: path, codec: name) }
        handles.codec = codec
        guard avcodec_parameters_to_context(codec, parameters) >= 0 else { throw VideoError.unsupportedCodec(path: path, codec: name) }
        codec.pointee.thread_count = Int32(clamping: threads)
        let ready = avcodec_open2(codec, decoder, nil)
        guard ready >= 0 else { throw VideoError.unsupportedCodec(path: path, codec: "\(name) (\(VideoError.message(ready)))") }
        handles.packet = av_packet_alloc()
        handles.frame = av_frame_alloc()
        guard handles.packet != nil, handles.frame != nil else { throw VideoError.corrupt(path: path, reason: "out of memory") }
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        framesPerSecond = rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : 0
        table = try known ?? Self.frameTable(path)
        guard !table.timestamps.isEmpty else { throw VideoError.corrupt(path: path, reason: "it holds no video frames") }
        position = 0
        held = nil
        timestampShift = nil
        guard try decodeNext() != nil else { throw VideoError.corrupt(path: path, reason: "no frame decodes") }
    }

    private static func openFormat(_ path: String, into handles: Handles) throws -> UnsafeMutablePointer<AVFormatContext> {
        guard FileManager.default.isReadableFile(atPath: path) else { throw VideoError.missing(path: path) }
        var context: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&context, path, nil, nil)
        guard opened == 0, let context else {
            if opened == sightline_averror_enoent() { throw VideoError.missing(path: path) }
            throw VideoError.notAVideo(path: path, reason: VideoError.message(opened))
        }
        handles.format = context
        let found = avformat_find_stream_info(context, nil)
        guard found >= 0 else { throw VideoError.notAVideo(path: path, reason: VideoError.message(found)) }
        return context
    }

    private static func videoStream(of context: UnsafeMutablePointer<AVFormatContext>, path: String) throws -> (Int32, UnsafeMutablePointer<AVStream>) {
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard index >= 0, let stream = context.pointee.streams[Int(index)] else {
            throw VideoError.notAVideo(path: path, reason: "it holds no video stream")
        }
        return (index, stream)
    }

    /// One pass over the file's video packets, without decoding them.
    public static func frameTable(_ path: String) throws -> FrameTable {
        let handles = Handles()
        let context = try openFormat(path, into: handles)
        let (index, stream) = try videoStream(of: context, path: path)
        guard let packet = av_packet_alloc() else { throw VideoError.corrupt(path: path, reason: "out of memory") }
        handles.packet = packet
        let none = sightline_av_nopts_value()
        var timestamps: [Int64] = [], keys: [(timestamp: Int64, seek: Int64)] = []
        while true {
            let read = av_read_frame(context, packet)
            if read == sightline_averror_eof() { break }
            guard read >= 0 else { throw VideoError.corrupt(path: path, reason: VideoError.message(read)) }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == index else { continue }
            let timestamp = packet.pointee.pts != none ? packet.pointee.pts : packet.pointee.dts
            guard timestamp != none else { throw VideoError.corrupt(path: path, reason: "a video packet has no timestamp") }
            timestamps.append(timestamp)
            if packet.pointee.flags & AV_PKT_FLAG_KEY != 0 {
                keys.append((timestamp, packet.pointee.dts != none ? packet.pointee.dts : timestamp))
            }
        }
        timestamps.sort()
        let lookup = FrameTable(timestamps: timestamps, keyframes: [], declaredFrames: nil)
        let declared = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        return FrameTable(timestamps: timestamps, keyframes: keys.map { (lookup.index(of: $0.timestamp), $0.seek) }, declaredFrames: declared)
    }

    private func reopen() throws {
        let known = table, seen = landed
        handles = Handles()
        try open(table: known)
        landed = seen
    }

    // MARK: decoding

    /// Decodes the next frame into `handles.frame` (or keeps the held one) and gives its index; nil at the end.
    private func decodeNext() throws -> Int? {
        if let held { return held }
        guard let codec = handles.codec, let frame = handles.frame, let packet = handles.packet else { return nil }
        while true {
            let received = avcodec_receive_frame(codec, frame)
            if received == 0 {
                if frame.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 { continue }
                let index = self.index(of: frame.pointee.best_effort_timestamp)
                held = index
                return index
            }
            if received == sightline_averror_eof() { return nil }
            guard received == sightline_averror_eagain() else {
                throw VideoError.corrupt(path: path, reason: VideoError.message(received))
            }
            if handles.draining { return nil }
            let read = av_read_frame(handles.format, packet)
            if read == sightline_averror_eof() {
                handles.draining = true
                avcodec_send_packet(codec, nil)
                continue
            }
            guard read >= 0 else { throw VideoError.corrupt(path: path, reason: VideoError.message(read)) }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == handles.streamIndex else { continue }
            let sent = avcodec_send_packet(codec, packet)
            guard sent >= 0 || sent == sightline_averror_eagain() else {
                throw VideoError.corrupt(path: path, reason: VideoError.message(sent))
            }
        }
    }

    /// The frame index of a decoded frame's timestamp, through the table; without a timestamp, the
    /// next in order (-1 right after a seek, where that is unknown).
    private func index(of timestamp: Int64) -> Int {
        guard timestamp != sightline_av_nopts_value() else { return position ?? -1 }
        guard let shift = timestampShift else {
            timestampShift = timestamp - (table.timestamps.first ?? 0)
            return 0
        }
        return table.index(of: timestamp - shift)
    }

    /// The frame keyframe K shows: where a seek to it landed, else what its packet says.
    private func keyIndex(_ k: Int) -> Int { landed[k] ?? table.keyframes[k].index }

    /// Whether decoding on from where the decoder stands reaches `target` without passing a keyframe a seek could start at.
    private func decodesForward(to target: Int) -> Bool {
        guard let here = nextIndex, target >= here else { return false }
        return !table.keyframes.indices.contains { keyIndex($0) > here && keyIndex($0) <= target }
    }

    /// Seeks to the last keyframe at or before `target` and decodes its frame; from the start where none is.
    private func seek(to target: Int) throws {
        for k in table.keyframes.indices.reversed() where keyIndex(k) <= target {
            guard av_seek_frame(handles.format, handles.streamIndex, table.keyframes[k].seek, AVSEEK_FLAG_BACKWARD) >= 0 else { break }
            avcodec_flush_buffers(handles.codec)
            handles.draining = false
            held = nil
            position = nil
            guard let first = try decodeNext(), first >= 0 else { break }
            landed[k] = first
            if first <= target { return }
        }
        try reopen()
    }
}

/// FFmpeg's own logging off: errors reach callers as `VideoError`, naming the file.
private let sightlineQuietFFmpeg: Void = sightline_av_log_quiet()

/// The FFmpeg objects of one open video, freed together.
private final class Handles {
    var format: UnsafeMutablePointer<AVFormatContext>?
    var codec: UnsafeMutablePointer<AVCodecContext>?
    var packet: UnsafeMutablePointer<AVPacket>?
    var frame: UnsafeMutablePointer<AVFrame>?
    var stream: UnsafeMutablePointer<AVStream>?
    var streamIndex: Int32 = -1
    /// The demuxer is exhausted and the decoder was told so.
    var draining = false

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }
}

/// swscale from a decoded frame's pixel format to packed RGB, its context kept while the format stays.
private struct Scaler {
    private struct Key: Equatable {
        var format: Int32, width: Int32, height: Int32, fullRange: Bool, bt709: Bool
    }

    private var context: Context?
    private var key: Key?

    private final class Context {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { sws_freeContext(pointer) }
    }

    mutating func rgb(_ frame: UnsafeMutablePointer<AVFrame>?, path: String) throws -> RGBImage {
        guard let frame else { throw VideoError.corrupt(path: path, reason: "no decoded frame") }
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        try ImageSizeLimit.check(width: width, height: height, path: path)
        let format = frame.pointee.format
        let key = Key(format: format, width: frame.pointee.width, height: frame.pointee.height,
                      fullRange: frame.pointee.color_range == AVCOL_RANGE_JPEG, bt709: frame.pointee.colorspace == AVCOL_SPC_BT709)
        if key != self.key {
            let source = AVPixelFormat(rawValue: format)
            guard let pointer = sws_getContext(key.width, key.height, source, key.width, key.height, AV_PIX_FMT_RGB24,
                                               SWS_BILINEAR, nil, nil, nil) else {
                let name = av_get_pix_fmt_name(source).map { String(cString: $0) } ?? "pixel format \(format)"
                throw VideoError.unsupportedCodec(path: path, codec: name)
            }
            let fullRange = key.fullRange || [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P].contains(source)
            sws_setColorspaceDetails(pointer, sws_getCoefficients(key.bt709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT), fullRange ? 1 : 0,
                                     sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
            context = Context(pointer)
            self.key = key
        }
        guard let context else { throw VideoError.corrupt(path: path, reason: "no scaler") }
        let stride = width * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: stride * height) { buffer, count in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var destinationStride: [Int32] = [Int32(stride), 0, 0, 0]
            withUnsafeMutablePointer(to: &frame.pointee.data) { data in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                    withUnsafeMutablePointer(to: &frame.pointee.linesize) { lines in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStride in
                            _ = sws_scale(context.pointer, source, sourceStride, 0, Int32(height), &destination, &destinationStride)
                        }
                    }
                }
            }
            count = stride * height
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
