using System.Text.Json.Serialization;

namespace Twin.Service.Alarms;

/// <summary>Source-generated JSON for the alarm book file and the alarm API.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlarmRecord))]
[JsonSerializable(typeof(List<AlarmRecord>))]
public sealed partial class AlarmJsonContext : JsonSerializerContext;
