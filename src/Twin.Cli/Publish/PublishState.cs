using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Cli.Publish;

/// <summary>
/// Where <c>twin publish --follow</c> got to, kept on disk so that a restart resumes after the last sample the broker
/// (or the service) acknowledged: sequence numbers continue, the samples before are read again but not sent. Written
/// atomically about once a second and at exit; after a kill it may lag by up to that
/// second, and the samples sent again are dropped by the service as duplicates of their sequence numbers.
/// </summary>
/// <param name="File">The followed file's full path.</param>
/// <param name="HeadSha256">SHA-256 (hex) of the file's first <paramref name="HeadLength"/> bytes: a new file under the same name differs.</param>
/// <param name="HeadLength">Bytes hashed: the first 4 KiB, or the whole file when it was shorter.</param>
/// <param name="StartUnixNs">Wire time of the file's time zero, ns since the Unix epoch (kept so resumed samples keep their times).</param>
/// <param name="FirstSeq">Sequence number of the file's first sample.</param>
/// <param name="Acknowledged">Samples of the file acknowledged, from the first on.</param>
internal sealed record PublishState(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("head_sha256")] string HeadSha256,
    [property: JsonPropertyName("head_length")] int HeadLength,
    [property: JsonPropertyName("start_unix_ns")] long StartUnixNs,
    [property: JsonPropertyName("first_seq")] long FirstSeq,
    [property: JsonPropertyName("acknowledged")] long Acknowledged)
{
    /// <summary>Bytes of the file's start that identify it.</summary>
    public const int HeadBytes = 4096;

    /// <summary>The default state file of a cell: <c>$XDG_STATE_HOME/twin/publish/{site}_{cell}.json</c> (else under ~/.local/state).</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The path.</returns>
    public static string DefaultPath(string site, string cell)
    {
        string root = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(root, "twin", "publish", $"{site}_{cell}.json");
    }

    /// <summary>SHA-256 (hex) of a file's first bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="length">Bytes to hash (at most <see cref="HeadBytes"/>).</param>
    /// <returns>The hash and the bytes hashed (fewer when the file is shorter).</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (string Sha256, int Length) HeadHash(string path, int length = HeadBytes)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        byte[] head = new byte[Math.Min(length, HeadBytes)];
        int got = 0, n;
        while (got < head.Length && (n = f.Read(head, got, head.Length - got)) > 0) got += n;
        return HeadHash(head.AsSpan(0, got));
    }

    /// <summary>SHA-256 (hex) of bytes already read (a followed file's first bytes), at most <see cref="HeadBytes"/> of them.</summary>
    /// <param name="head">The bytes.</param>
    /// <returns>The hash and the bytes hashed.</returns>
    public static (string Sha256, int Length) HeadHash(ReadOnlySpan<byte> head)
    {
        head = head[..Math.Min(head.Length, HeadBytes)];
        return (Convert.ToHexStringLower(SHA256.HashData(head)), head.Length);
    }

    /// <summary>True when this state was written for the file at <paramref name="path"/> as it is now (same path, same first bytes).</summary>
    /// <param name="path">The file's full path.</param>
    /// <returns>Whether to resume it.</returns>
    public bool Describes(string path)
    {
        if (File != path) return false;
        var (sha, length) = HeadHash(path, HeadLength);
        return length == HeadLength && sha == HeadSha256;
    }

    /// <summary>Reads a state file, or null when there is none.</summary>
    /// <param name="path">The state file.</param>
    /// <returns>The state.</returns>
    /// <exception cref="IOException">It exists but is not a publish state; the message names it.</exception>
    public static PublishState? Load(string path)
    {
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(System.IO.File.ReadAllText(path), PublishStateJson.Default.PublishState)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: not a twin publish state ({e.Message}); delete it to start the file from its first sample", e);
        }
    }

    /// <summary>Writes the state atomically (temporary file, fsync, rename, fsync of the folder).</summary>
    /// <param name="path">The state file; its folder is created.</param>
    /// <exception cref="IOException">It cannot be written.</exception>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Twin.Storage.Internal.DurableFile.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(this, PublishStateJson.Default.PublishState));
    }
}

/// <summary>Source-generated serializer of <see cref="PublishState"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(PublishState))]
internal sealed partial class PublishStateJson : JsonSerializerContext;
