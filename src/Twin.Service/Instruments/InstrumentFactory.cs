using System.Globalization;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.IoBox;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.Drivers.Triggers;
using Twin.Service.Config;

namespace Twin.Service.Instruments;

/// <summary>Builds drivers and triggers from an experiment file's <c>instrument:</c> section.</summary>
public static class InstrumentFactory
{
    /// <summary>Creates the source-measure driver (not yet connected).</summary>
    /// <param name="config">The instrument section.</param>
    /// <param name="baseDirectory">Directory relative profile paths are resolved against (the experiment file's).</param>
    /// <param name="scpi">SCPI session options (timeouts, reconnects), or null for the defaults.</param>
    /// <exception cref="FormatException">The address or the profile is invalid.</exception>
    /// <exception cref="IOException">The profile file cannot be read.</exception>
    /// <remarks>With an <c>io_box:</c> the driver is wrapped in a <see cref="TemperatureSourceMeter"/>: every reading carries the
    /// box's cell temperature (and a stale one fails the reading).</remarks>
    public static ISourceMeter CreateSourceMeter(InstrumentConfig config, string baseDirectory, ScpiOptions? scpi = null)
    {
        var session = new ScpiSession(TransportAddress.Parse(config.Address), scpi);
        ISourceMeter smu;
        if (config.Driver == "profile")
        {
            string path = Path.IsPathRooted(config.ProfilePath!) ? config.ProfilePath! : Path.Combine(baseDirectory, config.ProfilePath!);
            smu = new ProfiledSourceMeter(session, ScpiProfileLoader.Load(path));
        }
        else
        {
            smu = new Keithley2450(session);
        }
        if (config.IoBox is not { } box) return smu;
        return new TemperatureSourceMeter(smu, new ArduinoIoBox(TransportAddress.Parse(box.Address), box.Options));
    }

    /// <summary>Creates the pattern plan (trigger not yet opened), or null when the section has none.</summary>
    /// <param name="patterns">The <c>patterns:</c> section.</param>
    /// <param name="smu">The driver from <see cref="CreateSourceMeter"/>: an <c>io_box</c> trigger pulses the pin of its I/O box (which it keeps owning).</param>
    /// <exception cref="FormatException">The trigger address or the schedule is invalid, or an <c>io_box</c> trigger has no I/O box.</exception>
    public static PatternPlan? CreatePatternPlan(PatternConfig? patterns, ISourceMeter? smu = null)
    {
        if (patterns is null) return null;
        var schedule = PatternSchedule.Parse(patterns.Schedule);
        string t = patterns.Trigger;
        IDiffractometerTrigger trigger;
        if (t.StartsWith("tcp://", StringComparison.Ordinal))
        {
            trigger = new TcpLineTrigger(TransportAddress.Parse(t));
        }
        else if (t.StartsWith("folder:", StringComparison.Ordinal))
        {
            trigger = new WatchedFolderTrigger(t["folder:".Length..]);
        }
        else if (t == "io_box" || t.StartsWith("io_box?", StringComparison.Ordinal))
        {
            if (smu is not TemperatureSourceMeter { Box: var box } || box.Options.TriggerPin is null)
                throw new FormatException($"pattern trigger '{t}': needs the instrument's 'io_box:' with a 'trigger_pin:'");
            var (rest, query) = SplitTtl(t, ioBox: true);
            if (rest != "io_box" || query.ContainsKey("line"))
                throw new FormatException($"pattern trigger '{t}': the io_box trigger takes only width_ms and polarity, e.g. io_box?width_ms=10&polarity=high");
            var options = new FirmataPulseOptions
            {
                PulseWidth = query.TryGetValue("width_ms", out var w) ? ParseWidth(w, t) : TimeSpan.FromMilliseconds(10),
                ActiveHigh = !query.TryGetValue("polarity", out var pol) || ParsePolarity(pol, t),
            };
            var files = patterns.Folder is { } folder ? new WatchedFolderTrigger(folder) : null;
            trigger = new FirmataPulseTrigger(box, options, files, ownsBox: false);
        }
        else if (t.StartsWith("ttl:", StringComparison.Ordinal))
        {
            var (address, query) = SplitTtl(t["ttl:".Length..]);
            var options = new TtlPulseOptions
            {
                Line = query.TryGetValue("line", out var line) ? ParseLine(line, t) : ModemLine.Dtr,
                PulseWidth = query.TryGetValue("width_ms", out var w) && double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms > 0
                    ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(10),
            };
            var files = patterns.Folder is { } folder ? new WatchedFolderTrigger(folder) : null;
            trigger = new TtlPulseTrigger(new SerialTransport(TransportAddress.ParseSerial(address)), options, files);
        }
        else
        {
            throw new FormatException($"pattern trigger '{t}': expected tcp://host:port, ttl:serial:///dev/tty…?line=dtr|rts, io_box[?width_ms=10&polarity=high|low] or folder:/path");
        }
        return new PatternPlan(trigger, schedule, patterns.ExposureS);
    }

    private static TimeSpan ParseWidth(string text, string address) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms is >= 1 and <= 10_000
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"pattern trigger '{address}': width_ms '{text}' is not a pulse width of 1–10000 ms");

    private static bool ParsePolarity(string text, string address) => text.ToLowerInvariant() switch
    {
        "high" => true,
        "low" => false,
        _ => throw new FormatException($"pattern trigger '{address}': polarity '{text}' is not high or low"),
    };

    private static ModemLine ParseLine(string line, string address) => line.ToLowerInvariant() switch
    {
        "dtr" => ModemLine.Dtr,
        "rts" => ModemLine.Rts,
        _ => throw new FormatException($"pattern trigger '{address}': line '{line}' is not dtr or rts"),
    };

    /// <summary>Removes the trigger's own query keys (line, width_ms; polarity for the I/O box) from an address.</summary>
    private static (string Address, Dictionary<string, string> Own) SplitTtl(string address, bool ioBox = false)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        int q = address.IndexOf('?', StringComparison.Ordinal);
        if (q < 0) return (address, own);
        var keep = new List<string>();
        foreach (string kv in address[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string key = kv.Split('=', 2)[0];
            if (key is "line" or "width_ms" || (key == "polarity" && ioBox)) own[key] = kv.Contains('=') ? kv.Split('=', 2)[1] : "";
            else keep.Add(kv);
        }
        return (keep.Count == 0 ? address[..q] : address[..q] + "?" + string.Join('&', keep), own);
    }
}
