using System.Globalization;
using System.Text;

namespace Twin.Storage.Spool;

/// <summary>
/// Appends lines the database refused to a line-protocol file, each group preceded by <c>#</c> comment lines with
/// the time, HTTP status, server reason and precision, so the file can be fixed and written again with any
/// line-protocol tool (InfluxDB skips <c>#</c> lines). fsync'd before the drainer moves on.
/// </summary>
internal sealed class QuarantineLog(string path)
{
    private readonly object _gate = new();

    public string Path { get; } = path;

    public void Append(ReadOnlySpan<byte> lines, int lineCount, int status, string? reason, string precision, long segmentId, long offset)
    {
        string header = string.Create(CultureInfo.InvariantCulture,
            $"# {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} quarantined {lineCount} line(s) refused with HTTP {status}: " +
            $"{Flatten(reason)}\n# precision={precision} spool-segment={segmentId} offset={offset}\n");
        lock (_gate)
        {
            using var fs = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
            fs.Write(Encoding.UTF8.GetBytes(header));
            fs.Write(lines);
            if (!lines.IsEmpty && lines[^1] != (byte)'\n')
            {
                fs.WriteByte((byte)'\n');
            }
            fs.Flush(flushToDisk: true);
        }
    }

    private static string Flatten(string? reason) =>
        string.IsNullOrEmpty(reason) ? "(no reason given)" : reason.Replace('\r', ' ').Replace('\n', ' ');
}
