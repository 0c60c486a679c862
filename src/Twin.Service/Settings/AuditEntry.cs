using System.Text.Json.Serialization;

namespace Twin.Service.Settings;

/// <summary>One line of the audit log: who did what to which cell, when.</summary>
/// <param name="TimeUnixNs">Wall-clock time, ns since the Unix epoch.</param>
/// <param name="User">User name ("anonymous" never changes anything).</param>
/// <param name="Role">The user's role.</param>
/// <param name="Action">"settings", "correction" (of c_Li, c_Li0 or Q_Li, by an operator or the experiment file), "acknowledge", "login", "login-failed" or "logout".</param>
/// <param name="Target">"site/cell", "alarm/{id}" or empty.</param>
/// <param name="Detail">What changed, e.g. "c_li_min: 0.42 → 0.44", or the note.</param>
/// <param name="Remote">Client address, or null.</param>
public sealed record AuditEntry(
    [property: JsonPropertyName("time_unix_ns")] long TimeUnixNs,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("remote")] string? Remote = null);

/// <summary>One settings change as kept in the overrides file.</summary>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Settings">The settings in force from then on.</param>
/// <param name="TimeUnixNs">When, ns since the Unix epoch.</param>
/// <param name="User">Who.</param>
public sealed record SettingsOverride(
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("settings")] CellSettings Settings,
    [property: JsonPropertyName("time_unix_ns")] long TimeUnixNs,
    [property: JsonPropertyName("user")] string User);

/// <summary>Source-generated JSON for the audit log and the settings overrides.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(List<AuditEntry>))]
[JsonSerializable(typeof(SettingsOverride))]
[JsonSerializable(typeof(CellSettings))]
public sealed partial class SettingsJsonContext : JsonSerializerContext;
