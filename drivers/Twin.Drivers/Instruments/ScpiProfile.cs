namespace Twin.Drivers.Instruments;

/// <summary>A query and the meaning of each comma-separated field of its reply.</summary>
/// <param name="Query">The SCPI query, e.g. <c>:READ? "defbuffer1", READ, SOUR, SEC, FRAC</c>.</param>
/// <param name="Fields">One entry per reply field, in order.</param>
public sealed record ProfileQuery(string Query, IReadOnlyList<ProfileField> Fields);

/// <summary>
/// A generic SCPI source-measure instrument described by a YAML command map (see <see cref="ScpiProfileLoader"/>),
/// so a lab adds an instrument without code. Command templates may use the placeholders <c>{current_A}</c>,
/// <c>{current_mA}</c>, <c>{voltage_limit_V}</c> (in <see cref="SourceCurrent"/>) and <c>{voltage_V}</c>,
/// <c>{current_limit_A}</c>, <c>{current_limit_mA}</c> (in <see cref="SourceVoltage"/>).
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="ModelContains">When set, the <c>*IDN?</c> model field must contain this text.</param>
/// <param name="Reset">Send <c>*RST</c> and <c>*CLS</c> on connect (default false: on many SMUs <c>*RST</c> restores an output-off mode that loads a connected cell).</param>
/// <param name="Connect">Commands sent once after connecting (output must end off).</param>
/// <param name="SourceCurrent">Commands that source a current with a voltage limit and turn the output on.</param>
/// <param name="SourceVoltage">Commands that source a voltage with a current limit and turn the output on; empty if unsupported.</param>
/// <param name="OutputOff">Commands that turn the output off.</param>
/// <param name="Measure">Measurement while sourcing current (or idle).</param>
/// <param name="MeasureWhileSourcingVoltage">Measurement while sourcing voltage, when the reply differs; else <paramref name="Measure"/> is used.</param>
/// <param name="Temperature">Optional separate temperature query.</param>
/// <param name="CurrentSign">+1, or −1 when the instrument's positive current discharges the cell.</param>
public sealed record ScpiProfile(
    string Name,
    string? ModelContains,
    bool Reset,
    IReadOnlyList<string> Connect,
    IReadOnlyList<string> SourceCurrent,
    IReadOnlyList<string> SourceVoltage,
    IReadOnlyList<string> OutputOff,
    ProfileQuery Measure,
    ProfileQuery? MeasureWhileSourcingVoltage,
    ProfileQuery? Temperature,
    int CurrentSign);
