using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Twin.Service.State;

/// <summary>
/// An append-only file of JSON records, one per line, each appended and fsynced before <see cref="Append"/>
/// returns. Reading skips a torn last line (a crash in the middle of a write) and reports any other
/// unreadable line. Used for the alarm book, the audit log and the settings overrides, which change
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

    /// <summary>Reads every record in the file, in order.</summary>
    /// <param name="path">File path; a missing file has no records.</param>
    /// <param name="type">JSON metadata.</param>
    /// <returns>The records.</returns>
    /// <exception cref="FormatException">A line other than the last is not a valid record; the message names the file and line.</exception>
    public static List<T> ReadAll(string path, JsonTypeInfo<T> type)
    {
        var records = new List<T>();
        if (!File.Exists(path)) return records;
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize(lines[i], type) ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                if (i == lines.Length - 1) break; // torn by a crash mid-write: the record was never acknowledged
                throw new FormatException($"{path} line {i + 1}: not a valid {typeof(T).Name} record: {e.Message}", e);
            }
        }
        return records;
    }

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
