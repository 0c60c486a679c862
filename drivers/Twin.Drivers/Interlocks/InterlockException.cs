namespace Twin.Drivers.Interlocks;

/// <summary>A setpoint or a command would break a hard limit or is not permitted; nothing was sent to the instrument.</summary>
public sealed class InterlockException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which limit or permission, with the offending value.</param>
    public InterlockException(string message) : base(message) { }
}
