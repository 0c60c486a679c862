namespace Twin.Storage.Spool;

/// <summary>
/// The spool did not accept a write for lack of room: none of the call's points were accepted, everything accepted
/// before is kept, and the same write may succeed later. A caller turns it into "not acknowledged" (MQTT: no
/// PUBACK, so the broker keeps the message; HTTP: 503 with <c>Retry-After</c> = <see cref="RetryAfter"/>).
/// An <see cref="IOException"/>, so code that retries I/O failures retries it.
/// </summary>
public abstract class SpoolRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="directory">Spool directory.</param>
    /// <param name="innerException">The I/O error behind it, or null.</param>
    protected SpoolRefusedException(string message, string directory, Exception? innerException = null)
        : base(message, innerException) => Directory = directory;

    /// <summary>Spool directory.</summary>
    public string Directory { get; }

    /// <summary>A sensible wait before trying again (a hint for HTTP <c>Retry-After</c>).</summary>
    public virtual TimeSpan RetryAfter => TimeSpan.FromSeconds(5);
}
