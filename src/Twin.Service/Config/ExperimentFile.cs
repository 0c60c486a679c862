using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Strain;
using Twin.Messaging.Contracts;
using Twin.Service.Security;

namespace Twin.Service.Config;

/// <summary>A cell of an experiment: its site and its twin configuration.</summary>
/// <param name="Site">Site (lab or beamline) id.</param>
/// <param name="Config">The twin configuration.</param>
/// <param name="Instrument">The instrument driving the cell (its <c>instrument:</c> section), if any.</param>
public sealed record ExperimentCell(string Site, CellConfig Config, InstrumentConfig? Instrument = null);

/// <summary>A whole experiment file: its cells and who may use the dashboard.</summary>
/// <param name="Cells">The cells, in file order.</param>
/// <param name="Access">The <c>dashboard:</c> and <c>api:</c> sections (no users, no tokens and no anonymous access when absent).</param>
public sealed record Experiment(IReadOnlyList<ExperimentCell> Cells, AccessConfig Access)
{
    /// <summary>The <c>epics:</c> section (the Channel Access server), or null when absent.</summary>
    public EpicsConfig? Epics { get; init; }
}

/// <summary>
/// The experiment file of <c>twin serve --config</c> (YAML). Example:
/// <code>
/// site: id31
/// cells:
///   - id: lg-m50
///     material: NMC811
///     q_li_Ah: 8.732          # Chen 2020's scale (docs/model.md §1); or active_mass_mg: m
///     c_li0: 0.80
///     counter_electrode: graphite   # li_metal | graphite | reference (absent: no rest-voltage measurement)
///     limits: { caution: 0.45, critical: 0.40, deep: 0.32, hysteresis: 0.005 }
///     cutoff: { c_li_min: 0.40, v_max: 4.2, enabled: true }
///     strain: { eps0: 5.0e-4, lambda: 0.08, c_crit: 0.40, delta_c_li: 0.05 }
/// dashboard:                  # optional: who may use the dashboard (see AccessConfig)
///   anonymous_read: false
///   users: [ { name: olga, role: operator, password_hash: "…" } ]
/// api:                        # optional: API tokens of instruments (see ApiSection)
///   tokens: [ { name: smu-1, cells: [lg-m50], hash: "sha256:…" } ]
/// epics:                      # optional: the Channel Access server (see EpicsSection)
///   prefix: "TWIN:"
/// </code>
/// Only id, material, c_li0 and one of q_li_Ah / active_mass_mg are required; the rest default to docs/model.md §3–§5.
/// </summary>
public static class ExperimentFile
{
    /// <summary>Reads and validates an experiment file.</summary>
    /// <param name="path">YAML file.</param>
    /// <returns>The cells, in file order.</returns>
    /// <exception cref="FormatException">Malformed YAML or an invalid value; the message names the file, the cell and the field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<ExperimentCell> Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads and validates an experiment file with its <c>dashboard:</c> section.</summary>
    /// <param name="path">YAML file.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="FormatException">Malformed YAML or an invalid value; the message names the file and the field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Experiment LoadExperiment(string path) => ParseExperiment(File.ReadAllText(path), path);

    /// <summary>Parses and validates experiment YAML with its <c>dashboard:</c> section.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="origin">Name for messages.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="FormatException">Malformed YAML or an invalid value.</exception>
    public static Experiment ParseExperiment(string yaml, string origin)
    {
        var dto = Deserialize(yaml, origin);
        var cells = Cells(dto, origin);
        var access = Access(dto.Dashboard, origin);
        return new Experiment(cells, access with { Tokens = ApiSection.Tokens(dto.Api, cells, access.Users, origin) })
        {
            Epics = EpicsSection.Parse(dto.Epics, origin),
        };
    }

    /// <summary>Parses and validates experiment YAML.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="origin">Name for messages.</param>
    /// <returns>The cells.</returns>
    /// <exception cref="FormatException">Malformed YAML or an invalid value.</exception>
    public static IReadOnlyList<ExperimentCell> Parse(string yaml, string origin) => Cells(Deserialize(yaml, origin), origin);

    private static ExperimentDto Deserialize(string yaml, string origin)
    {
        try
        {
            return new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<ExperimentDto>(yaml) ?? new ExperimentDto();
        }
        catch (YamlException e)
        {
            throw new FormatException($"{origin} line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    private static AccessConfig Access(DashboardDto? d, string origin)
    {
        if (d is null) return AccessConfig.None;
        var users = new List<UserAccount>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (d.Users?.Count ?? 0); i++)
        {
            var u = d.Users![i];
            string where = $"{origin}: dashboard user {i + 1}" + (u.Name is null ? "" : $" '{u.Name}'");
            if (u.Name is null || u.Name.Length == 0 || !u.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
                throw new FormatException($"{where}: 'name' is required and must match [A-Za-z0-9_.-]+");
            if (!names.Add(u.Name)) throw new FormatException($"{where}: the name appears twice");
            if (!TwinRoles.IsRole(u.Role)) throw new FormatException($"{where}: role '{u.Role}' must be '{TwinRoles.Operator}' or '{TwinRoles.Viewer}'");
            if (u.PasswordHash is null || !PasswordHashing.IsWellFormed(u.PasswordHash))
                throw new FormatException($"{where}: 'password_hash' must be a hash made by `twin passwd` (never the password itself)");
            users.Add(new UserAccount(u.Name, u.Role!, u.PasswordHash));
        }
        return new AccessConfig(users, d.AnonymousRead ?? false);
    }

    private static IReadOnlyList<ExperimentCell> Cells(ExperimentDto dto, string origin)
    {
        if (dto?.Cells is null || dto.Cells.Count == 0) throw new FormatException($"{origin}: expected a 'cells:' list with at least one cell");
        var cells = new List<ExperimentCell>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < dto.Cells.Count; i++)
        {
            var c = dto.Cells[i];
            string where = $"{origin}: cell {i + 1}" + (c.Id is null ? "" : $" '{c.Id}'");
            string site = c.Site ?? dto.Site ?? throw new FormatException($"{where}: no site (give 'site:' at the top or per cell)");
            if (!TwinTopics.IsId(site)) throw new FormatException($"{where}: site '{site}' must match [A-Za-z0-9_-]+");
            if (c.Id is null || !TwinTopics.IsId(c.Id)) throw new FormatException($"{where}: 'id' is required and must match [A-Za-z0-9_-]+");
            if (!seen.Add(site + "/" + c.Id)) throw new FormatException($"{where}: cell id '{c.Id}' appears twice in site '{site}'");
            try
            {
                var material = MaterialCatalog.Default.Get(c.Material ?? throw new ArgumentException("'material' is required"));
                if (c.QLiAh.HasValue == c.ActiveMassMg.HasValue) throw new ArgumentException("give exactly one of 'q_li_Ah' and 'active_mass_mg'");
                double qLi = c.QLiAh ?? material.QLiFromActiveMass(c.ActiveMassMg!.Value);
                var d = SafetyLimits.Default;
                var limits = new SafetyLimits(c.Limits?.Caution ?? d.CautionCLi, c.Limits?.Critical ?? d.CriticalCLi, c.Limits?.Deep ?? d.DeepCLi, c.Limits?.Hysteresis ?? d.Hysteresis);
                var p = LithiumCutoffPolicy.Default;
                var cutoff = new LithiumCutoffPolicy(c.Cutoff?.CLiMin ?? p.CLiMin, c.Cutoff?.VMax ?? p.HardVoltageLimitV, c.Cutoff?.Enabled ?? p.Enabled);
                var s = AnisotropicStrainCurve.Default;
                var strain = new AnisotropicStrainCurve(c.Strain?.Eps0 ?? s.Eps0, c.Strain?.Lambda ?? s.Lambda, c.Strain?.CCrit ?? s.CCrit);
                var config = new CellConfig(c.Id, material, qLi, c.CLi0 ?? throw new ArgumentException("'c_li0' is required"), limits, cutoff, strain, c.Strain?.DeltaCLi ?? 0.05)
                {
                    CounterElectrode = CounterElectrodeNames.Parse(c.CounterElectrode),
                };
                config.Validate();
                var instrument = c.Instrument is null ? null : InstrumentSection.Parse(c.Instrument, origin, where);
                cells.Add(new ExperimentCell(site, config, instrument));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{where}: {e.Message}", e);
            }
        }
        return cells;
    }

    private sealed class ExperimentDto
    {
        public string? Site { get; set; }
        public List<CellDto>? Cells { get; set; }
        public DashboardDto? Dashboard { get; set; }
        public object? Security { get; set; } // read by SecuritySection
        public ApiSectionDto? Api { get; set; }
        public EpicsSectionDto? Epics { get; set; }
    }

    private sealed class DashboardDto
    {
        public bool? AnonymousRead { get; set; }
        public List<UserDto>? Users { get; set; }
    }

    private sealed class UserDto
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
        public string? PasswordHash { get; set; }
    }

    private sealed class CellDto
    {
        public string? Id { get; set; }
        public string? Site { get; set; }
        public string? Material { get; set; }
        [YamlMember(Alias = "q_li_Ah", ApplyNamingConventions = false)] public double? QLiAh { get; set; }
        public double? ActiveMassMg { get; set; }
        [YamlMember(Alias = "c_li0", ApplyNamingConventions = false)] public double? CLi0 { get; set; }
        public string? CounterElectrode { get; set; }
        public LimitsDto? Limits { get; set; }
        public CutoffDto? Cutoff { get; set; }
        public StrainDto? Strain { get; set; }
        public InstrumentDto? Instrument { get; set; }
    }

    private sealed class LimitsDto
    {
        public double? Caution { get; set; }
        public double? Critical { get; set; }
        public double? Deep { get; set; }
        public double? Hysteresis { get; set; }
    }

    private sealed class CutoffDto
    {
        [YamlMember(Alias = "c_li_min", ApplyNamingConventions = false)] public double? CLiMin { get; set; }
        [YamlMember(Alias = "v_max", ApplyNamingConventions = false)] public double? VMax { get; set; }
        public bool? Enabled { get; set; }
    }

    private sealed class StrainDto
    {
        public double? Eps0 { get; set; }
        public double? Lambda { get; set; }
        [YamlMember(Alias = "c_crit", ApplyNamingConventions = false)] public double? CCrit { get; set; }
        [YamlMember(Alias = "delta_c_li", ApplyNamingConventions = false)] public double? DeltaCLi { get; set; }
    }
}
