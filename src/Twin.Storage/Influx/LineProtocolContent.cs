using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Twin.Storage.Influx;

/// <summary>
/// The body of one write request: the lines as they are, or gzip-compressed while they are sent (chunked transfer
/// encoding), so no compressed copy of a batch is ever held in memory — a retry compresses again from the lines.
/// </summary>
internal sealed class LineProtocolContent : HttpContent
{
    private const int Chunk = 64 * 1024;
    private static readonly MediaTypeHeaderValue TextPlain = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
    private readonly ReadOnlyMemory<byte> _lines;
    private readonly bool _gzip;

    public LineProtocolContent(ReadOnlyMemory<byte> lines, bool gzip)
    {
        _lines = lines;
        _gzip = gzip;
        Headers.ContentType = TextPlain;
        if (gzip)
        {
            Headers.ContentEncoding.Add("gzip");
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (!_gzip)
        {
            await stream.WriteAsync(_lines, cancellationToken).ConfigureAwait(false);
            return;
        }
        var gz = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await using (gz.ConfigureAwait(false))
        {
            for (int at = 0; at < _lines.Length; at += Chunk)
            {
                await gz.WriteAsync(_lines.Slice(at, Math.Min(Chunk, _lines.Length - at)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _gzip ? 0 : _lines.Length;
        return !_gzip;
    }
}
