namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>A write a client attempted, for the audit log: who, from where, which PV, what value, and the outcome.</summary>
/// <param name="User">CA CLIENT_NAME.</param>
/// <param name="Host">CA HOST_NAME.</param>
/// <param name="Address">The client's IP address and port.</param>
/// <param name="Pv">PV name.</param>
/// <param name="Value">The value as text.</param>
/// <param name="Accepted">True when carried out.</param>
/// <param name="Message">Why not, or "".</param>
public sealed record CaWriteAudit(string User, string Host, string Address, string Pv, string Value, bool Accepted, string Message);
