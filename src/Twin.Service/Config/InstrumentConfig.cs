using Twin.Drivers.Experiment;
using Twin.Drivers.Interlocks;
using Twin.Drivers.Protocol;

namespace Twin.Service.Config;

/// <summary>Diffraction acquisitions of a cell, from the experiment file's <c>instrument.patterns</c>.</summary>
/// <param name="Trigger">Trigger address: <c>tcp://host:port</c> (line-protocol trigger box), <c>ttl:serial:///dev/ttyUSB1?…&amp;line=rts</c> (pulse on a modem line),
/// <c>io_box</c> or <c>io_box?width_ms=10&amp;polarity=low</c> (pulse on the Arduino I/O box's <c>trigger_pin</c>) or <c>folder:/path</c> (watched folder).</param>
/// <param name="Schedule">Schedule text, e.g. <c>every 0.02 c_Li; every 0.005 c_Li below 0.45; every 10 minutes</c>.</param>
/// <param name="ExposureS">Exposure per pattern, s.</param>
/// <param name="Folder">Folder where the detector pipeline writes integrated patterns (for <c>ttl:</c> and <c>folder:</c> triggers), if any.</param>
public sealed record PatternConfig(string Trigger, string Schedule, double ExposureS, string? Folder);

/// <summary>The instrument that drives a cell, from the experiment file's <c>instrument:</c> section.</summary>
/// <param name="Driver"><c>keithley2450</c> or <c>profile</c>.</param>
/// <param name="ProfilePath">Path of the YAML command map when <paramref name="Driver"/> is <c>profile</c>.</param>
/// <param name="Address">Transport address: <c>tcp://host[:5025]</c> or <c>serial:///dev/ttyUSB0?baud=…</c>.</param>
/// <param name="Protocol">The cycling protocol.</param>
/// <param name="Runner">Limits, cut-offs and timing (patterns are attached by the host).</param>
/// <param name="Patterns">Diffraction acquisitions, if any.</param>
/// <param name="Permissions">Which roles may send which commands.</param>
/// <param name="TwinClient">Client id of the twin service whose status topic is watched (offline → watchdog fallback at once).</param>
/// <param name="IoBox">The Arduino I/O box (cell temperature, TTL trigger output), if any.</param>
public sealed record InstrumentConfig(
    string Driver,
    string? ProfilePath,
    string Address,
    CyclingProtocol Protocol,
    RunnerOptions Runner,
    PatternConfig? Patterns,
    CommandPermissions Permissions,
    string TwinClient,
    IoBoxConfig? IoBox = null);

/// <summary>The Arduino I/O box of a cell, from the experiment file's <c>instrument.io_box</c>.</summary>
/// <param name="Address">Serial address of the board, e.g. <c>serial:///dev/ttyACM0?baud=57600</c>.</param>
/// <param name="Options">Pins, sensor conversion and staleness limit.</param>
public sealed record IoBoxConfig(string Address, Twin.Drivers.IoBox.IoBoxOptions Options);
