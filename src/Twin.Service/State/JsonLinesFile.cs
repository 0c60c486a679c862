using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Twin.Service.State;

/// <summary>
/// An append-only file of JSON records, one per line, each appended and fsynced before <see cref="Append"/>
/// returns. Reading sets every unreadable line aside in a <c>.corrupt</c> file and reports it (see <see cref="ReadAll"/>). Used for the alarm book, the audit log and the settings overrides, which change
/// rarely and must survive a crash.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class JsonLinesFile<T> : IDisposable
{
    private readonly JsonTypeInfo<T> _type;
    private readonly FileStream _stream;
    private readonly Lock _gate = new();

    /// <summary>Opens (creating when missing) the file for appending.</summary>
    /// <param name="path">File path; its directory is created when missing.</param>
    /// <param name="type">Source-generated JSON metadata of <typeparamref name="T"/>.</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file.</exception>
    public JsonLinesFile(string path, JsonTypeInfo<T> type)
    {
        Path = System.IO.Path.GetFullPath(path);
        _type = type;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        DropTornTail(_stream);
        _stream.Seek(0, SeekOrigin.End);
    }

    /// <summary>Cuts a partial last line (no newline: a crash mid-write) so the next record starts on a line of its own.</summary>
    private static void DropTornTail(FileStream s)
    {
        long end = s.Length;
        if (end == 0) return;
        var one = new byte[1];
        long pos = end;
        while (pos > 0)
        {
            s.Seek(pos - 1, SeekOrigin.Begin);
            s.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            pos--;
        }
        if (pos != end) s.SetLength(pos);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>
    /// Reads every record in the file, in order. A line that is not a valid record — damaged on disk, or the torn
    /// end of a write a crash interrupted — is never dropped silently: it is moved to <c>{path}.corrupt</c> (with a
    /// <c>#</c> line saying when, where and why), the file is rewritten without it, and <paramref name="damage"/>
    /// gets one sentence per line naming the file, the line and what was lost.
    /// </summary>
    /// <param name="path">File path; a missing file has no records.</param>
    /// <param name="type">JSON metadata.</param>
    /// <param name="damage">Receives what was found damaged and set aside; null to ignore (the lines are set aside all the same).</param>
    /// <returns>The intact records.</returns>
    /// <exception cref="IOException">The file cannot be read or rewritten.</exception>
    public static List<T> ReadAll(string path, JsonTypeInfo<T> type, List<string>? damage = null)
    {
        var records = new List<T>();
        if (!File.Exists(path)) return records;
        string text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        bool tornTail = lines[^1].Length > 0; // the last line has no newline: a write that never finished
        var kept = new StringBuilder();
        var aside = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            string? problem;
            try
            {
                records.Add(JsonSerializer.Deserialize(line, type) ?? throw new JsonException("null record"));
                kept.Append(line).Append('\n');
                continue;
            }
            catch (JsonException e)
            {
                problem = i == lines.Length - 1 && tornTail ? "an unfinished last write (no newline)" : $"not a valid {typeof(T).Name} record: {e.Message}";
            }
            bad++;
            string where = $"{System.IO.Path.GetFileName(path)} line {i + 1}";
            aside.Append(CultureInfo.InvariantCulture, $"# {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {where}: {problem}\n").Append(line).Append('\n');
            damage?.Add($"{path} line {i + 1} is damaged ({problem}); the {typeof(T).Name} it held ({Preview(line)}) is not applied and was set aside in {path}.corrupt");
        }
        if (bad > 0)
        {
            File.AppendAllText(path + ".corrupt", aside.ToString(), Encoding.UTF8);
            string temp = path + ".tmp";
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                fs.Write(Encoding.UTF8.GetBytes(kept.ToString()));
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        return records;
    }

    private static string Preview(string line) => line.Length > 120 ? line[..120] + "…" : line;

    /// <summary>Appends one record and makes it durable (fsync).</summary>
    /// <param name="record">The record.</param>
    /// <exception cref="IOException">The write or the fsync failed.</exception>
    public void Append(T record)
    {
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(record, _type);
        lock (_gate)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate) _stream.Dispose();
    }
}
