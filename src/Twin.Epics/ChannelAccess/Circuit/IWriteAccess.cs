using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>Decides which clients may write which writable PVs, from the names the client gave (CA CLIENT_NAME and HOST_NAME).</summary>
public interface IWriteAccess
{
    /// <summary>Whether a client may write a PV (asked when a channel is created, and again at each write).</summary>
    /// <param name="user">The client's user name ("" when it sent none).</param>
    /// <param name="host">The client's host name ("" when it sent none).</param>
    /// <param name="pv">A writable PV.</param>
    /// <returns>True to grant write access.</returns>
    bool MayWrite(string user, string host, ProcessVariable pv);
}

/// <summary>No client may write.</summary>
public sealed class NoWriteAccess : IWriteAccess
{
    /// <summary>The instance.</summary>
    public static NoWriteAccess Instance { get; } = new();

    /// <inheritdoc />
    public bool MayWrite(string user, string host, ProcessVariable pv) => false;
}
