using Twin.Messaging.Contracts;

namespace Twin.Service.Ingest;

/// <summary>
/// One telemetry message waiting for its cell: parsed (or refused) before the cell's lock, then applied, stored and
/// checkpointed by whichever handler of the cell holds the lock next, together with the messages queued beside it.
/// </summary>
internal sealed class IngestRequest
{
    private int _state; // 0 waiting, 1 taken by a handler, 2 given up by its caller

    /// <summary>Creates a request for a parsed message.</summary>
    /// <param name="instrument">The instrument the message names, or null.</param>
    /// <param name="samples">Its validated samples, in message order.</param>
    /// <param name="failFast">True from HTTP: a store that refuses fails the request at once instead of being retried.</param>
    /// <param name="cancellationToken">The caller's token: stops the waits and retries of the group it leads.</param>
    public IngestRequest(string? instrument, IngestSample[] samples, bool failFast, CancellationToken cancellationToken)
    {
        Instrument = instrument;
        Samples = samples;
        FailFast = failFast;
        CancellationToken = cancellationToken;
    }

    /// <summary>Creates a request for a message refused as a whole (invalid or too large).</summary>
    /// <param name="error">Why.</param>
    /// <param name="reason">The rejection reason recorded for it.</param>
    /// <param name="failFast">True from HTTP.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public IngestRequest(PayloadException error, RejectionReason reason, bool failFast, CancellationToken cancellationToken)
    {
        Samples = [];
        Error = error;
        Rejected = reason;
        FailFast = failFast;
        CancellationToken = cancellationToken;
    }

    /// <summary>The caller's token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The instrument the message names, or null.</summary>
    public string? Instrument { get; }

    /// <summary>Validated samples (empty for a refused message).</summary>
    public IngestSample[] Samples { get; }

    /// <summary>Why the message was refused as a whole, or null.</summary>
    public PayloadException? Error { get; }

    /// <summary>The reason recorded for a refused message.</summary>
    public RejectionReason? Rejected { get; }

    /// <summary>True from HTTP (see the constructor).</summary>
    public bool FailFast { get; }

    /// <summary>Completes when the message is stored with its cell's checkpoint (or failed).</summary>
    public TaskCompletionSource<IngestOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Claims the request for handling; false when its caller gave up first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

    /// <summary>Gives the request up (its caller stopped waiting for the cell); false when a handler took it already.</summary>
    public bool TryGiveUp() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

    /// <summary>True once a handler took it.</summary>
    public bool Taken => Volatile.Read(ref _state) == 1;
}

/// <summary>
/// The telemetry messages of one cell waiting for the cell's lock, in arrival order. The handler that holds the lock
/// takes the waiting ones as a group: their samples are applied one message after the other as before, but stored in
/// one write and claimed by one checkpoint, so a cell whose messages arrive faster than one storage round trip catches
/// up instead of falling further behind. Thread-safe.
/// </summary>
internal sealed class IngestInbox
{
    /// <summary>Most messages handled as one group.</summary>
    public const int MaxGroup = 256;

    private readonly Queue<IngestRequest> _queue = new();

    /// <summary>Requests waiting (given-up ones included until a handler passes them).</summary>
    public int Count
    {
        get { lock (_queue) return _queue.Count; }
    }

    /// <summary>Adds a request at the end.</summary>
    /// <param name="request">The request.</param>
    public void Enqueue(IngestRequest request)
    {
        lock (_queue) _queue.Enqueue(request);
    }

    /// <summary>
    /// Takes the next group: the waiting requests in order, skipping those given up, up to <see cref="MaxGroup"/>. A
    /// request from HTTP (fail-fast) forms a group of its own, so the bus's retrying and HTTP's refusing never mix.
    /// </summary>
    /// <returns>The group (empty when nothing waits).</returns>
    public List<IngestRequest> TakeGroup()
    {
        var group = new List<IngestRequest>();
        lock (_queue)
        {
            while (group.Count < MaxGroup && _queue.TryPeek(out var next))
            {
                if (group.Count > 0 && (next.FailFast || group[0].FailFast)) break;
                _queue.Dequeue();
                if (next.TryTake()) group.Add(next);
            }
        }
        return group;
    }
}
