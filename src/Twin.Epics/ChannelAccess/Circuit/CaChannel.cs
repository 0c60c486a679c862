using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>A channel connected on one circuit: the client's id (CID), the server's (SID), the PV and the rights granted.</summary>
/// <param name="Sid">Server id, unique on the circuit.</param>
/// <param name="Cid">The client's id.</param>
/// <param name="Pv">The PV.</param>
/// <param name="CanWrite">True when this client may write the PV (sent as the channel's access rights).</param>
internal sealed record CaChannel(uint Sid, uint Cid, ProcessVariable Pv, bool CanWrite);
