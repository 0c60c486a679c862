namespace Twin.Drivers.Scpi;

/// <summary>A SCPI exchange failed. The message starts with the endpoint; <see cref="Command"/> is the command or query involved.</summary>
public class ScpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The session's endpoint.</param>
    /// <param name="command">The command or query involved, if any.</param>
    /// <param name="message">What failed, without the endpoint.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ScpiException(string endpoint, string? command, string message, Exception? inner = null)
        : base($"{endpoint}: {message}", inner)
    {
        Endpoint = endpoint;
        Command = command;
    }

    /// <summary>The session's endpoint, e.g. <c>tcp://192.168.1.20:5025</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The command or query involved, if any.</summary>
    public string? Command { get; }
}

/// <summary>No (complete) reply within <see cref="ScpiOptions.Timeout"/>; the session resynchronises before the next exchange.</summary>
public sealed class ScpiTimeoutException : ScpiException
{
    /// <summary>Creates the exception; the message reads e.g. <c>tcp://…: no reply to ':READ?' within 2.0 s</c>.</summary>
    /// <param name="endpoint">The session's endpoint.</param>
    /// <param name="command">The query or command that timed out.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="isQuery">Whether a reply was awaited (otherwise the send itself did not complete).</param>
    public ScpiTimeoutException(string endpoint, string command, TimeSpan timeout, bool isQuery = true)
        : base(endpoint, command, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(isQuery ? "no reply to" : "could not send")} '{command}' within {timeout.TotalSeconds:0.0} s")) => Timeout = timeout;

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The instrument reported errors in its SCPI error queue after a group of commands.</summary>
public sealed class ScpiInstrumentException : ScpiException
{
    /// <summary>Creates the exception; the message lists the instrument's errors verbatim and the commands sent.</summary>
    /// <param name="endpoint">The session's endpoint.</param>
    /// <param name="errors">The errors read with SYST:ERR? (at least one).</param>
    /// <param name="commands">The commands sent before the errors were read.</param>
    public ScpiInstrumentException(string endpoint, IReadOnlyList<ScpiError> errors, IReadOnlyList<string> commands)
        : base(endpoint, commands.Count > 0 ? commands[^1] : null,
            $"instrument reported {string.Join("; ", errors)} after {string.Join("; ", commands)}")
    {
        Errors = errors;
        Commands = commands;
    }

    /// <summary>The instrument's errors, oldest first.</summary>
    public IReadOnlyList<ScpiError> Errors { get; }

    /// <summary>The commands that were sent.</summary>
    public IReadOnlyList<string> Commands { get; }
}

/// <summary>A malformed reply: non-printable or non-ASCII bytes in a text reply, a bad binary block header, an unparsable value.</summary>
public sealed class ScpiProtocolException : ScpiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The session's endpoint.</param>
    /// <param name="command">The query whose reply was malformed.</param>
    /// <param name="message">What was wrong, without the endpoint.</param>
    public ScpiProtocolException(string endpoint, string? command, string message) : base(endpoint, command, message) { }
}
