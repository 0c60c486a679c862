namespace Twin.Epics.ProcessVariables;

/// <summary>A client's write to a PV, after the server's access check.</summary>
/// <param name="Pv">The PV.</param>
/// <param name="Number">The value written, as a number (NaN when it was text that is not a number).</param>
/// <param name="Text">The value as text (the number formatted when a number was written).</param>
/// <param name="User">The client's user name (CA CLIENT_NAME).</param>
/// <param name="Host">The client's host name (CA HOST_NAME).</param>
public sealed record PvWrite(ProcessVariable Pv, double Number, string Text, string User, string Host);

/// <summary>What a write handler decided.</summary>
/// <param name="Accepted">True when the write was carried out.</param>
/// <param name="Message">Why not (logged, and sent to the client with the refusal).</param>
public sealed record PvWriteResult(bool Accepted, string Message)
{
    /// <summary>Accepted.</summary>
    public static PvWriteResult Ok { get; } = new(true, "");

    /// <summary>Refused.</summary>
    /// <param name="message">Why.</param>
    /// <returns>The result.</returns>
    public static PvWriteResult Refused(string message) => new(false, message);
}
