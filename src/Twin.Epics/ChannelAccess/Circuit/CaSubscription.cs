using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>
/// A monitor (CA_PROTO_EVENT_ADD) on a channel: the type and count the client wants and the events it asked for. An
/// update marks it pending once; the circuit's sender then sends the PV's value as it is at that moment, so a client
/// that cannot keep up gets the newest value instead of a queue of old ones.
/// </summary>
internal sealed class CaSubscription : IPvObserver
{
    private readonly Action<CaSubscription> _pending;
    private int _isPending;

    public CaSubscription(uint id, CaChannel channel, ushort type, int count, PvEvents mask, Action<CaSubscription> pending)
    {
        Id = id;
        Channel = channel;
        Type = type;
        Count = count;
        Mask = mask;
        _pending = pending;
    }

    /// <summary>The client's subscription id.</summary>
    public uint Id { get; }

    /// <summary>The channel.</summary>
    public CaChannel Channel { get; }

    /// <summary>DBR type of the updates.</summary>
    public ushort Type { get; }

    /// <summary>Elements per update.</summary>
    public int Count { get; }

    /// <summary>Events that send an update.</summary>
    public PvEvents Mask { get; }

    /// <summary>False once cancelled (a pending update is then dropped).</summary>
    public bool Active { get; set; } = true;

    /// <summary>Updates that replaced one not yet sent (the client was slower than the PV).</summary>
    public long Coalesced;

    public void OnChanged(ProcessVariable pv, PvEvents events)
    {
        if ((events & Mask) == 0 || !Active) return;
        if (Interlocked.Exchange(ref _isPending, 1) == 0) _pending(this);
        else Interlocked.Increment(ref Coalesced);
    }

    /// <summary>Marks it pending without a PV update (the first value after subscribing).</summary>
    public void MarkPending()
    {
        if (Interlocked.Exchange(ref _isPending, 1) == 0) _pending(this);
    }

    /// <summary>Clears the pending mark before the value is read for sending.</summary>
    public void TakePending() => Volatile.Write(ref _isPending, 0);
}
