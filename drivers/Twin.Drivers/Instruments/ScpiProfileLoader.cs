using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Twin.Drivers.Instruments;

/// <summary>
/// Reads an instrument profile (YAML command map) into a <see cref="ScpiProfile"/>.
/// </summary>
/// <remarks>
/// Example (a Keithley 2450 described as a profile):
/// <code>
/// name: Keithley 2450 (profile)
/// model_contains: "2450"
/// reset: true
/// connect: [":OUTP:SMOD HIMP", ":SOUR:CURR:READ:BACK ON"]
/// source_current: [":SOUR:FUNC CURR", ":SENS:FUNC \"VOLT\"", ":SOUR:CURR:VLIM {voltage_limit_V}", ":SOUR:CURR {current_A}", ":OUTP ON"]
/// source_voltage: [":SOUR:FUNC VOLT", ":SENS:FUNC \"CURR\"", ":SOUR:VOLT:ILIM {current_limit_A}", ":SOUR:VOLT {voltage_V}", ":OUTP ON"]
/// output_off: [":OUTP OFF"]
/// measure: { query: ':READ? "defbuffer1", READ, SOUR, SEC, FRAC', fields: [voltage_V, current_A, time_unix_s, time_frac_s] }
/// measure_while_sourcing_voltage: { query: ':READ? "defbuffer1", READ, SOUR, SEC, FRAC', fields: [current_A, voltage_V, time_unix_s, time_frac_s] }
/// current_sign: 1
/// </code>
/// </remarks>
public static partial class ScpiProfileLoader
{
    private static readonly string[] CurrentPlaceholders = ["current_A", "current_mA", "voltage_limit_V"];
    private static readonly string[] VoltagePlaceholders = ["voltage_V", "current_limit_A", "current_limit_mA"];

    /// <summary>Loads a profile file.</summary>
    /// <exception cref="FormatException">The file is not a valid profile; the message names the file and the key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ScpiProfile Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses profile YAML.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="origin">Name used in error messages (file path).</param>
    /// <exception cref="FormatException">Not a valid profile; the message names <paramref name="origin"/>, the key and what was expected.</exception>
    public static ScpiProfile Parse(string yaml, string origin)
    {
        Dto? d;
        try
        {
            d = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<Dto>(yaml);
        }
        catch (YamlException e)
        {
            throw new FormatException($"{origin} line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (d is null) throw new FormatException($"{origin}: empty profile");
        string name = string.IsNullOrWhiteSpace(d.Name) ? throw new FormatException($"{origin}: 'name' is required") : d.Name;
        var sourceCurrent = Commands(d.SourceCurrent, "source_current", origin, CurrentPlaceholders, required: ["current_A|current_mA", "voltage_limit_V"]);
        var sourceVoltage = Commands(d.SourceVoltage, "source_voltage", origin, VoltagePlaceholders, required: d.SourceVoltage is null ? [] : ["voltage_V", "current_limit_A|current_limit_mA"]);
        var outputOff = Commands(d.OutputOff, "output_off", origin, [], required: []);
        if (outputOff.Count == 0) throw new FormatException($"{origin}: 'output_off' is required (the commands that turn the output off)");
        var measure = Query(d.Measure, "measure", origin) ?? throw new FormatException($"{origin}: 'measure' is required (query and fields)");
        if (!measure.Fields.Contains(ProfileField.VoltageV) && !measure.Fields.Contains(ProfileField.VoltageMv))
            throw new FormatException($"{origin}: 'measure.fields' must contain voltage_V or voltage_mV");
        if (!measure.Fields.Any(f => f is ProfileField.CurrentA or ProfileField.CurrentMa or ProfileField.CurrentUa))
            throw new FormatException($"{origin}: 'measure.fields' must contain current_A, current_mA or current_uA");
        var measureV = Query(d.MeasureWhileSourcingVoltage, "measure_while_sourcing_voltage", origin);
        var temperature = Query(d.Temperature, "temperature", origin);
        if (temperature is not null && !temperature.Fields.Contains(ProfileField.TemperatureC))
            throw new FormatException($"{origin}: 'temperature.fields' must contain temperature_C");
        int sign = d.CurrentSign ?? 1;
        if (sign is not (1 or -1)) throw new FormatException($"{origin}: 'current_sign' must be 1 or -1, got {sign}");
        return new ScpiProfile(name, d.ModelContains, d.Reset ?? false, Commands(d.Connect, "connect", origin, [], required: []),
            sourceCurrent, sourceVoltage, outputOff, measure, measureV, temperature, sign);
    }

    private static IReadOnlyList<string> Commands(List<string>? list, string key, string origin, string[] allowed, string[] required)
    {
        if (list is null) return required.Length == 0 ? [] : throw new FormatException($"{origin}: '{key}' is required (a list of SCPI commands)");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            string c = list[i];
            if (string.IsNullOrWhiteSpace(c)) throw new FormatException($"{origin}: '{key}' item {i + 1} is empty");
            foreach (Match m in Placeholder().Matches(c))
            {
                string p = m.Groups[1].Value;
                if (!allowed.Contains(p))
                    throw new FormatException($"{origin}: '{key}' item {i + 1} '{c}' uses {{{p}}}; allowed here: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed.Select(a => "{" + a + "}")))}");
                seen.Add(p);
            }
        }
        foreach (string r in required)
        {
            if (!r.Split('|').Any(seen.Contains))
                throw new FormatException($"{origin}: '{key}' must use {string.Join(" or ", r.Split('|').Select(a => "{" + a + "}"))}");
        }
        return list;
    }

    private static ProfileQuery? Query(QueryDto? q, string key, string origin)
    {
        if (q is null) return null;
        if (string.IsNullOrWhiteSpace(q.Query)) throw new FormatException($"{origin}: '{key}.query' is required");
        if (q.Fields is null || q.Fields.Count == 0) throw new FormatException($"{origin}: '{key}.fields' is required (one name per reply field)");
        var fields = new List<ProfileField>();
        foreach (string f in q.Fields)
        {
            if (!ProfileFieldNames.TryParse(f, out var pf))
                throw new FormatException($"{origin}: '{key}.fields' has unknown field '{f}'; expected one of {ProfileFieldNames.Accepted}");
            fields.Add(pf);
        }
        return new ProfileQuery(q.Query, fields);
    }

    /// <summary>Substitutes placeholders in a command template.</summary>
    /// <param name="template">Command with <c>{name}</c> placeholders.</param>
    /// <param name="values">Placeholder values (formatted as SCPI numbers).</param>
    public static string Fill(string template, IReadOnlyDictionary<string, double> values) =>
        Placeholder().Replace(template, m => ScpiNumbers.Format(values[m.Groups[1].Value]));

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    private static partial Regex Placeholder();

    private sealed class Dto
    {
        public string? Name { get; set; }
        public string? ModelContains { get; set; }
        public bool? Reset { get; set; }
        public List<string>? Connect { get; set; }
        public List<string>? SourceCurrent { get; set; }
        public List<string>? SourceVoltage { get; set; }
        public List<string>? OutputOff { get; set; }
        public QueryDto? Measure { get; set; }
        public QueryDto? MeasureWhileSourcingVoltage { get; set; }
        public QueryDto? Temperature { get; set; }
        public int? CurrentSign { get; set; }
    }

    private sealed class QueryDto
    {
        public string? Query { get; set; }
        public List<string>? Fields { get; set; }
    }
}
