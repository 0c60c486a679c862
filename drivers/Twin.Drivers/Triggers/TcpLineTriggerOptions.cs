namespace Twin.Drivers.Triggers;

/// <summary>Timeouts of <see cref="TcpLineTrigger"/>.</summary>
public sealed record TcpLineTriggerOptions
{
    /// <summary>How long the box may take to answer <c>TRIG</c> with <c>ACK</c> (or <c>*IDN?</c> with its identification). Default 2 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after the nominal end of the exposure the <c>DONE</c> line may arrive (readout, integration, file write). Default 30 s.</summary>
    public TimeSpan DoneMargin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether <see cref="TcpLineTrigger.OpenAsync"/> asks <c>*IDN?</c> and fails when the box does not answer. Default true.</summary>
    public bool IdentifyOnOpen { get; init; } = true;

    /// <summary>The clock of the timeouts (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
