namespace Twin.Drivers.Triggers;

/// <summary>Settings of <see cref="FirmataPulseTrigger"/>. The fixed metadata is used when no watched folder is paired.</summary>
public sealed record FirmataPulseOptions : PulseTriggerOptions
{
    /// <summary>Whether the pulse is a high level (idle low); false = a low pulse (idle high). Default true.</summary>
    public bool ActiveHigh { get; init; } = true;
}
