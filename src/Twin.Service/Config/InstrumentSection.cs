using YamlDotNet.Serialization;
using Twin.Drivers.Experiment;
using Twin.Drivers.Interlocks;
using Twin.Drivers.IoBox;
using Twin.Drivers.Protocol;
using Twin.Drivers.Transports;

namespace Twin.Service.Config;

/// <summary>
/// The <c>instrument:</c> section of a cell in the experiment file:
/// <code>
/// instrument:
///   driver: keithley2450            # or: profile (with profile: path/to/map.yaml)
///   address: tcp://192.168.1.20     # or serial:///dev/ttyUSB0?baud=115200
///   nominal_capacity_Ah: 0.0045
///   limits: { max_voltage_V: 4.25, min_voltage_V: 2.5, max_current_A: 0.01, max_temperature_C: 45 }
///   safe_cutoff_V: 4.1
///   watchdog_s: 5
///   sample_period_s: 10
///   lithium_cutoff: true
///   protocol: |
///     Rest for 10 minutes
///     Repeat 2 times:
///       Charge at C/5 until 4.2 V
///       Hold at 4.2 V until C/50 or 2 hours
///       Discharge at C/5 until 2.5 V
///   patterns: { trigger: "tcp://127.0.0.1:5026", schedule: "every 0.02 c_Li; every 0.005 c_Li below 0.45", exposure_s: 10 }
///   permissions: { end-step: [operator, twin], abort: [operator], set-safe-cutoff: [operator] }
///   # optional Arduino I/O box (StandardFirmata): cell temperature from a TMP36 on A0, TTL trigger on pin 7
///   io_box: { address: "serial:///dev/ttyACM0?baud=57600", temperature_pin: A0, trigger_pin: 7, stale_after_s: 1 }
///   # then patterns.trigger may be "io_box" (or "io_box?width_ms=10&amp;polarity=low")
/// </code>
/// </summary>
internal static class InstrumentSection
{
    public static InstrumentConfig Parse(InstrumentDto d, string origin, string where)
    {
        string at = where + " instrument";
        string driver = (d.Driver ?? "keithley2450").ToLowerInvariant();
        if (driver is not ("keithley2450" or "profile")) throw new FormatException($"{at}: driver '{d.Driver}' is not one of keithley2450, profile");
        if (driver == "profile" && string.IsNullOrWhiteSpace(d.Profile)) throw new FormatException($"{at}: driver 'profile' needs 'profile: <path of the YAML command map>'");
        if (string.IsNullOrWhiteSpace(d.Address)) throw new FormatException($"{at}: 'address' is required (tcp://host:port or serial:///dev/tty…)");
        if (string.IsNullOrWhiteSpace(d.Protocol)) throw new FormatException($"{at}: 'protocol' is required (one step per line)");
        var protocol = ProtocolParser.Parse(d.Protocol, $"{origin}: {where.Split(": ", 2)[^1]} protocol");
        var l = d.Limits ?? throw new FormatException($"{at}: 'limits' is required (max_voltage_V, min_voltage_V, max_current_A)");
        var limits = new HardLimits(
            l.MaxVoltageV ?? throw new FormatException($"{at}: 'limits.max_voltage_V' is required"),
            l.MinVoltageV ?? throw new FormatException($"{at}: 'limits.min_voltage_V' is required"),
            l.MaxCurrentA ?? throw new FormatException($"{at}: 'limits.max_current_A' is required"),
            l.MaxTemperatureC ?? 60);
        var runner = new RunnerOptions
        {
            NominalCapacityAh = d.NominalCapacityAh ?? throw new FormatException($"{at}: 'nominal_capacity_Ah' is required (1C in amperes)"),
            Limits = limits,
            SafeCutoffV = d.SafeCutoffV ?? limits.MaxVoltageV,
            DefaultSamplePeriodS = d.SamplePeriodS ?? 10,
            TimeScale = d.TimeScale ?? 1,
            WatchdogTimeout = TimeSpan.FromSeconds(d.WatchdogS ?? 5),
            LithiumCutoff = d.LithiumCutoff ?? true,
        };
        try
        {
            runner.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{at}: {e.Message}", e);
        }
        var ioBox = d.IoBox is { } box ? ParseIoBox(box, at) : null;
        PatternConfig? patterns = null;
        if (d.Patterns is { } p)
        {
            if (string.IsNullOrWhiteSpace(p.Trigger)) throw new FormatException($"{at}: 'patterns.trigger' is required");
            if (p.Trigger.StartsWith("io_box", StringComparison.Ordinal) && ioBox?.Options.TriggerPin is null)
                throw new FormatException($"{at}: 'patterns.trigger: {p.Trigger}' pulses the I/O box's trigger pin, but there is no 'io_box:' with a 'trigger_pin:' (a digital pin, e.g. 7)");
            if (string.IsNullOrWhiteSpace(p.Schedule)) throw new FormatException($"{at}: 'patterns.schedule' is required");
            double exposure = p.ExposureS ?? throw new FormatException($"{at}: 'patterns.exposure_s' is required");
            if (!(exposure > 0)) throw new FormatException($"{at}: 'patterns.exposure_s' must be positive, got {exposure}");
            patterns = new PatternConfig(p.Trigger, p.Schedule, exposure, p.Folder);
        }
        CommandPermissions permissions;
        try
        {
            permissions = d.Permissions is null ? CommandPermissions.Default
                : new CommandPermissions(d.Permissions.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{at}: permissions: {e.Message}", e);
        }
        return new InstrumentConfig(driver, d.Profile, d.Address, protocol, runner, patterns, permissions, d.TwinClient ?? "twin-service", ioBox);
    }

    private static IoBoxConfig ParseIoBox(IoBoxDto b, string at)
    {
        string where = at + " io_box";
        if (string.IsNullOrWhiteSpace(b.Address))
            throw new FormatException($"{where}: 'address' is required (the Arduino's port, e.g. serial:///dev/ttyACM0?baud=57600)");
        try
        {
            TransportAddress.Parse(b.Address);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new FormatException($"{where}: address: {e.Message}", e);
        }
        int channel = IoBoxOptions.ParseAnalogChannel(b.TemperaturePin ?? "A0", $"{where}: 'temperature_pin'");
        var sensor = new AnalogTemperatureConversion();
        if (b.Sensor is { } t)
        {
            sensor = sensor with
            {
                OffsetV = t.OffsetV ?? sensor.OffsetV,
                ScaleVPerC = t.ScaleVPerC ?? sensor.ScaleVPerC,
                ReferenceV = t.ReferenceV ?? sensor.ReferenceV,
                MinValidC = t.MinC ?? sensor.MinValidC,
                MaxValidC = t.MaxC ?? sensor.MaxValidC,
            };
        }
        if (b.StaleAfterS is { } st && !(st > 0 && double.IsFinite(st))) throw new FormatException($"{where}: 'stale_after_s' must be a positive number of seconds, got {st}");
        if (b.SamplingIntervalMs is { } si && si is < 1 or > 16383) throw new FormatException($"{where}: 'sampling_interval_ms' must be 1–16383 ms, got {si}");
        var options = new IoBoxOptions
        {
            TemperatureChannel = channel,
            TriggerPin = b.TriggerPin,
            Conversion = sensor,
            StaleAfter = b.StaleAfterS is { } s ? TimeSpan.FromSeconds(s) : new IoBoxOptions().StaleAfter,
            SamplingInterval = b.SamplingIntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{where}: {e.Message}", e);
        }
        return new IoBoxConfig(b.Address, options);
    }
}

/// <summary>YAML shape of the <c>instrument:</c> section.</summary>
internal sealed class InstrumentDto
{
    public string? Driver { get; set; }
    public string? Profile { get; set; }
    public string? Address { get; set; }
    [YamlMember(Alias = "nominal_capacity_Ah", ApplyNamingConventions = false)] public double? NominalCapacityAh { get; set; }
    public HardLimitsDto? Limits { get; set; }
    [YamlMember(Alias = "safe_cutoff_V", ApplyNamingConventions = false)] public double? SafeCutoffV { get; set; }
    [YamlMember(Alias = "watchdog_s", ApplyNamingConventions = false)] public double? WatchdogS { get; set; }
    [YamlMember(Alias = "sample_period_s", ApplyNamingConventions = false)] public double? SamplePeriodS { get; set; }
    public double? TimeScale { get; set; }
    public bool? LithiumCutoff { get; set; }
    public string? Protocol { get; set; }
    public PatternsDto? Patterns { get; set; }
    public Dictionary<string, List<string>>? Permissions { get; set; }
    public string? TwinClient { get; set; }
    [YamlMember(Alias = "io_box", ApplyNamingConventions = false)] public IoBoxDto? IoBox { get; set; }
}

/// <summary>YAML shape of <c>instrument.io_box</c>.</summary>
internal sealed class IoBoxDto
{
    public string? Address { get; set; }
    [YamlMember(Alias = "temperature_pin", ApplyNamingConventions = false)] public string? TemperaturePin { get; set; }
    [YamlMember(Alias = "trigger_pin", ApplyNamingConventions = false)] public int? TriggerPin { get; set; }
    [YamlMember(Alias = "stale_after_s", ApplyNamingConventions = false)] public double? StaleAfterS { get; set; }
    [YamlMember(Alias = "sampling_interval_ms", ApplyNamingConventions = false)] public int? SamplingIntervalMs { get; set; }
    public TemperatureSensorDto? Sensor { get; set; }
}

/// <summary>YAML shape of <c>instrument.io_box.sensor</c> (defaults: TMP36 on a 5 V, 10-bit ADC).</summary>
internal sealed class TemperatureSensorDto
{
    [YamlMember(Alias = "offset_V", ApplyNamingConventions = false)] public double? OffsetV { get; set; }
    [YamlMember(Alias = "scale_V_per_C", ApplyNamingConventions = false)] public double? ScaleVPerC { get; set; }
    [YamlMember(Alias = "reference_V", ApplyNamingConventions = false)] public double? ReferenceV { get; set; }
    [YamlMember(Alias = "min_C", ApplyNamingConventions = false)] public double? MinC { get; set; }
    [YamlMember(Alias = "max_C", ApplyNamingConventions = false)] public double? MaxC { get; set; }
}

/// <summary>YAML shape of <c>instrument.limits</c>.</summary>
internal sealed class HardLimitsDto
{
    [YamlMember(Alias = "max_voltage_V", ApplyNamingConventions = false)] public double? MaxVoltageV { get; set; }
    [YamlMember(Alias = "min_voltage_V", ApplyNamingConventions = false)] public double? MinVoltageV { get; set; }
    [YamlMember(Alias = "max_current_A", ApplyNamingConventions = false)] public double? MaxCurrentA { get; set; }
    [YamlMember(Alias = "max_temperature_C", ApplyNamingConventions = false)] public double? MaxTemperatureC { get; set; }
}

/// <summary>YAML shape of <c>instrument.patterns</c>.</summary>
internal sealed class PatternsDto
{
    public string? Trigger { get; set; }
    public string? Schedule { get; set; }
    [YamlMember(Alias = "exposure_s", ApplyNamingConventions = false)] public double? ExposureS { get; set; }
    public string? Folder { get; set; }
}
