using System.CommandLine;
using Twin.Messaging.Mqtt;

namespace Twin.Cli.Commands;

/// <summary>
/// The MQTT password of every command that takes <c>--mqtt</c>: from <c>--mqtt-password-file FILE</c> (its first line),
/// else from the environment variable <see cref="EnvironmentVariable"/>, else from the URL
/// (<c>mqtt://user:password@host</c>, visible to every user of the machine in the process list — avoid it).
/// The user name stays in the URL (<c>mqtt://user@host:1883</c>).
/// </summary>
internal static class MqttPassword
{
    /// <summary>Environment variable holding the MQTT password.</summary>
    public const string EnvironmentVariable = "TWIN_MQTT_PASSWORD";

    /// <summary>The <c>--mqtt-password-file</c> option.</summary>
    /// <returns>A new option.</returns>
    public static Option<FileInfo?> CreateOption() => new("--mqtt-password-file")
    {
        Description = $"File whose first line is the MQTT password (or set {EnvironmentVariable}); the user name goes in the URL, mqtt://user@host:1883",
    };

    /// <summary>Parses the broker URL and sets the password from the file or the environment.</summary>
    /// <param name="url">The <c>--mqtt</c> URL.</param>
    /// <param name="passwordFile">The <c>--mqtt-password-file</c>, or null.</param>
    /// <returns>The client options.</returns>
    /// <exception cref="FormatException">The URL is invalid, the file cannot be read or is empty, a password is given twice,
    /// or a password is given without a user name; the message names the option.</exception>
    public static MqttClientOptions Resolve(string url, FileInfo? passwordFile)
    {
        var options = MqttClientOptions.Parse(url);
        string? password = null, source = null;
        if (passwordFile is not null)
        {
            try
            {
                using var reader = new StreamReader(passwordFile.FullName);
                password = reader.ReadLine();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FormatException($"--mqtt-password-file {passwordFile.FullName}: {e.Message}", e);
            }
            if (string.IsNullOrEmpty(password)) throw new FormatException($"--mqtt-password-file {passwordFile.FullName}: the first line is empty; expected the MQTT password");
            source = "--mqtt-password-file";
        }
        else if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            password = fromEnvironment;
            source = EnvironmentVariable;
        }
        if (password is null) return options;
        if (options.Password is not null) throw new FormatException($"--mqtt: the URL carries a password and so does {source}; give it once (not in the URL, which the process list shows)");
        if (options.Username is null) throw new FormatException($"--mqtt: {source} gives a password but the URL names no user; expected mqtt://user@host:port");
        return options with { Password = password };
    }
}
