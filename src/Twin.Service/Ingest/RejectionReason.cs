using Twin.Messaging.Contracts;

namespace Twin.Service.Ingest;

/// <summary>Why telemetry was rejected. The first two reject a whole message, the others single samples.</summary>
public enum RejectionReason : byte
{
    /// <summary>The message breaks the contract or a plausibility bound (malformed JSON, missing or non-finite field, value out of range).</summary>
    Invalid,
    /// <summary>The message is larger than <see cref="TelemetryBounds.MaxPayloadBytes"/>.</summary>
    TooLarge,
    /// <summary>The sequence number lies far past the cell's sequence window (<see cref="SequenceRejection.SeqAhead"/>).</summary>
    SeqAhead,
    /// <summary>The sample is older than the cell's last applied sample (<see cref="SequenceRejection.TimeBackwards"/>).</summary>
    TimeBackwards,
    /// <summary>The sample lies too far in the future (<see cref="SequenceRejection.TimeAhead"/>).</summary>
    TimeAhead,
    /// <summary>The sample fills an earlier gap after later samples were applied (<see cref="SequenceRejection.OutOfOrder"/>).</summary>
    OutOfOrder,
    /// <summary>The source's counter restarted (new counter segment) holding more charge than its current can have passed since the previous sample.</summary>
    CounterJump,
}

/// <summary>Wire names of <see cref="RejectionReason"/> (API, metrics labels, checkpoint): snake_case.</summary>
public static class RejectionReasons
{
    /// <summary>Every reason, in declaration order.</summary>
    public static readonly RejectionReason[] All = Enum.GetValues<RejectionReason>();

    /// <summary>The wire name.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>"invalid", "too_large", "seq_ahead", "time_backwards", "time_ahead", "out_of_order" or "counter_jump".</returns>
    public static string Name(this RejectionReason reason) => reason switch
    {
        RejectionReason.Invalid => "invalid",
        RejectionReason.TooLarge => "too_large",
        RejectionReason.SeqAhead => "seq_ahead",
        RejectionReason.TimeBackwards => "time_backwards",
        RejectionReason.TimeAhead => "time_ahead",
        RejectionReason.OutOfOrder => "out_of_order",
        RejectionReason.CounterJump => "counter_jump",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown rejection reason"),
    };

    /// <summary>The reason of a wire name, or null for an unknown name.</summary>
    /// <param name="name">A wire name.</param>
    /// <returns>The reason, or null.</returns>
    public static RejectionReason? Parse(string name) => All.Cast<RejectionReason?>().FirstOrDefault(r => r!.Value.Name() == name);

    /// <summary>The reason of a sequence-window rejection.</summary>
    /// <param name="rejection">The tracker's reason (not <see cref="SequenceRejection.None"/>).</param>
    /// <returns>The reason.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rejection"/> is <see cref="SequenceRejection.None"/>.</exception>
    public static RejectionReason Of(SequenceRejection rejection) => rejection switch
    {
        SequenceRejection.SeqAhead => RejectionReason.SeqAhead,
        SequenceRejection.TimeBackwards => RejectionReason.TimeBackwards,
        SequenceRejection.TimeAhead => RejectionReason.TimeAhead,
        SequenceRejection.OutOfOrder => RejectionReason.OutOfOrder,
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, "not a rejection"),
    };
}

/// <summary>One rejected sample.</summary>
/// <param name="Index">Its index in the message.</param>
/// <param name="Seq">Its sequence number.</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">One line naming the values and what was expected.</param>
public readonly record struct SampleRejection(int Index, long Seq, RejectionReason Reason, string Detail);

/// <summary>The most recent rejection of a cell.</summary>
/// <param name="TimeUnixNs">When it was recorded, service clock, ns since the Unix epoch.</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">What was wrong and what was expected.</param>
public sealed record RejectionNote(long TimeUnixNs, RejectionReason Reason, string Detail);

/// <summary>A cell's rejection counts at one moment (immutable).</summary>
/// <param name="Messages">Whole messages rejected, per reason (<see cref="RejectionReason.Invalid"/>, <see cref="RejectionReason.TooLarge"/>).</param>
/// <param name="Samples">Single samples rejected, per reason.</param>
/// <param name="Last">The most recent rejection, or null.</param>
public sealed record RejectionCounts(IReadOnlyDictionary<RejectionReason, long> Messages, IReadOnlyDictionary<RejectionReason, long> Samples, RejectionNote? Last)
{
    /// <summary>Nothing rejected.</summary>
    public static readonly RejectionCounts None = new(new Dictionary<RejectionReason, long>(), new Dictionary<RejectionReason, long>(), null);

    /// <summary>Messages rejected, all reasons.</summary>
    public long MessagesTotal => Messages.Values.Sum();

    /// <summary>Samples rejected, all reasons.</summary>
    public long SamplesTotal => Samples.Values.Sum();
}
