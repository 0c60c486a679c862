using Twin.Messaging.Security;

namespace Twin.Service.Security;

/// <summary>
/// A bus-signing secret on disk or in an environment variable: one line of base64 (at least
/// <see cref="MessageKey.MinimumSecretBytes"/> bytes decoded). Files are created with mode 0600 and refused when other
/// users may read them, as ssh does for private keys.
/// </summary>
public static class KeyFile
{
    /// <summary>Creates a key file with a fresh random secret; never overwrites.</summary>
    /// <param name="path">File to create (its directory is created when missing).</param>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public static void Create(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(Convert.ToBase64String(MessageKey.NewSecret()));
    }

    /// <summary>Reads the secret of a key file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="keyId">Key id, for messages.</param>
    /// <returns>The secret bytes.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">Other users may read it, or it is not one line of base64.</exception>
    public static byte[] Read(string path, string keyId)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"key '{keyId}': key file {path} not found (create it with `twin keygen`)", path);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            throw new FormatException($"key '{keyId}': key file {path} may be read by other users; run `chmod 600 {path}`");
        return Decode(File.ReadAllText(path), $"key '{keyId}': key file {path}");
    }

    /// <summary>Decodes a secret given as base64 text.</summary>
    /// <param name="text">The text (surrounding white space ignored).</param>
    /// <param name="where">Where it came from, for messages.</param>
    /// <returns>The secret bytes.</returns>
    /// <exception cref="FormatException">Not base64, or too short.</exception>
    public static byte[] Decode(string text, string where)
    {
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException($"{where}: expected one line of base64 (as written by `twin keygen`)");
        }
        if (secret.Length < MessageKey.MinimumSecretBytes)
            throw new FormatException($"{where}: the secret has {secret.Length} bytes; at least {MessageKey.MinimumSecretBytes} are needed (make one with `twin keygen`)");
        return secret;
    }
}
