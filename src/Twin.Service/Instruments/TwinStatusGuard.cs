using Twin.Messaging.Security;

namespace Twin.Service.Instruments;

/// <summary>
/// Decides which signed status messages of the twin service a driver believes. The service announces <c>online</c>
/// (retained) once at start and leaves an <c>offline</c> last will with the broker that was signed when the connection
/// was made — before the <c>online</c> — so the usual "strictly newer" rule would refuse the genuine will. Instead both
/// carry the signer's session id: an <c>online</c> is believed when it is newer than the last one believed and sets the
/// session; an <c>offline</c> is believed once, and only from that session. An old will replayed later belongs to an
/// earlier session and is refused. Thread-safe.
/// </summary>
internal sealed class TwinStatusGuard
{
    private readonly Lock _gate = new();
    private long _onlineNs;
    private string? _session;
    private bool _offlineBelieved;

    /// <summary>Checks a status message whose signature (twin role) was verified.</summary>
    /// <param name="verified">The verification result (accepted).</param>
    /// <param name="online">True for <c>online</c>, false for <c>offline</c>.</param>
    /// <param name="why">Why it is not believed.</param>
    /// <returns>True when the driver should act on it.</returns>
    public bool Believe(VerifyResult verified, bool online, out string why)
    {
        lock (_gate)
        {
            if (online)
            {
                if (verified.TimestampNs <= _onlineNs)
                {
                    why = "an online status not newer than the one already seen (a replay)";
                    return false;
                }
                _onlineNs = verified.TimestampNs;
                _session = verified.SessionId;
                _offlineBelieved = false;
                why = "";
                return true;
            }
            if (_session is null || verified.SessionId != _session)
            {
                why = $"an offline status of session {verified.SessionId}, but the twin service's session seen online is {(_session ?? "none yet")} (an old last will?)";
                return false;
            }
            if (_offlineBelieved)
            {
                why = "a second offline status of the same session (a replay)";
                return false;
            }
            _offlineBelieved = true;
            why = "";
            return true;
        }
    }
}
