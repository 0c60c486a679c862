namespace Twin.Messaging.Mqtt;

/// <summary>
/// Send quota for QoS 1/2 publications (MQTT 5.0 §4.9): starts at the window size minus messages already in flight,
/// taken per PUBLISH, given back on PUBACK, PUBCOMP, or PUBREC with an error code.
/// </summary>
internal sealed class SendWindow
{
    private readonly SemaphoreSlim _slots;
    private int _debt;

    /// <summary>Creates a window of <paramref name="size"/> with <paramref name="inUse"/> slots already taken.</summary>
    public SendWindow(int size, int inUse)
    {
        Size = size;
        _slots = new SemaphoreSlim(Math.Max(0, size - inUse), int.MaxValue);
        _debt = Math.Max(0, inUse - size);
    }

    /// <summary>Window size.</summary>
    public int Size { get; }

    /// <summary>Takes a slot if one is free.</summary>
    public bool TryTake() => _slots.Wait(0);

    /// <summary>Waits for a free slot and takes it.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>Gives a slot back.</summary>
    public void Release()
    {
        while (true)
        {
            int debt = Volatile.Read(ref _debt);
            if (debt == 0) break;
            if (Interlocked.CompareExchange(ref _debt, debt - 1, debt) == debt) return;
        }
        _slots.Release();
    }
}
