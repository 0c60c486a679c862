using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using Twin.Messaging.Security;
using Twin.Service.Security;

namespace Twin.Service.Config;

/// <summary>
/// Reads the experiment file's <c>security:</c> section:
/// <code>
/// security:
///   max_age_s: 30                                            # freshness window of signatures (default 30 s)
///   keys:                                                    # made with `twin keygen`
///     - { id: twin-2025a, role: twin, file: keys/twin-2025a.key }
///     - { id: ops-2025a, role: operator, env: TWIN_KEY_OPS }  # or the base64 secret in an environment variable
/// </code>
/// A key names where its secret is, never the secret: the experiment file is copied to every machine of the
/// experiment and kept with the data, so a secret written into it would let anyone who reads it sign.
/// </summary>
public static class SecuritySection
{
    /// <summary>Reads the section from an experiment file.</summary>
    /// <param name="path">The experiment file (relative key files are resolved against its folder).</param>
    /// <returns>The section; <see cref="BusSecurityConfig.None"/> when absent.</returns>
    /// <exception cref="FormatException">Malformed section; the message names the file, the key and the field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static BusSecurityConfig Load(string path) =>
        Parse(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!);

    /// <summary>Parses the section from experiment YAML.</summary>
    /// <param name="yaml">The whole experiment file.</param>
    /// <param name="origin">Name for messages.</param>
    /// <param name="baseDirectory">Folder relative key files are resolved against.</param>
    /// <returns>The section; <see cref="BusSecurityConfig.None"/> when absent.</returns>
    /// <exception cref="FormatException">Malformed section.</exception>
    public static BusSecurityConfig Parse(string yaml, string origin, string baseDirectory)
    {
        SecurityDto? s;
        try
        {
            s = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
                .Deserialize<RootDto>(yaml)?.Security;
        }
        catch (YamlException e)
        {
            throw new FormatException($"{origin} line {e.Start.Line}: security: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (s is null) return BusSecurityConfig.None;
        var maxAge = BusSecurityConfig.DefaultMaxAge;
        if (s.MaxAgeS is { } a)
        {
            if (!(a > 0 && a <= 3600)) throw new FormatException($"{origin}: security.max_age_s {a} must lie in (0, 3600] seconds");
            maxAge = TimeSpan.FromSeconds(a);
        }
        var keys = new List<KeyDeclaration>();
        for (int i = 0; i < (s.Keys?.Count ?? 0); i++)
        {
            var k = s.Keys![i];
            string where = $"{origin}: security key {i + 1}" + (k.Id is null ? "" : $" '{k.Id}'");
            if (!MessageKey.IsValidId(k.Id)) throw new FormatException($"{where}: 'id' is required and must match [A-Za-z0-9_.-]{{1,{MessageKey.MaximumIdLength}}}");
            if (keys.Any(d => d.Id == k.Id)) throw new FormatException($"{where}: the id appears twice");
            if (!SignerRoles.TryParse(k.Role, out var role)) throw new FormatException($"{where}: role '{k.Role}' must be 'twin' or 'operator'");
            if (k.Secret is not null || k.Key is not null)
                throw new FormatException($"{where}: secrets are not allowed in the experiment file (it is copied to every machine and kept with the data); give 'file:' or 'env:'");
            if ((k.File is null) == (k.Env is null)) throw new FormatException($"{where}: give exactly one of 'file:' (a key file from `twin keygen`) and 'env:' (an environment variable name)");
            if (k.Env is { } env && (env.Length == 0 || !env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
                throw new FormatException($"{where}: env '{env}' is not an environment variable name ([A-Za-z0-9_]+)");
            string? file = k.File is null ? null : Path.GetFullPath(Path.IsPathRooted(k.File) ? k.File : Path.Combine(baseDirectory, k.File));
            keys.Add(new KeyDeclaration(k.Id!, role, file, k.Env));
        }
        return new BusSecurityConfig(keys, maxAge);
    }

    private sealed class RootDto
    {
        public SecurityDto? Security { get; set; }
    }

    private sealed class SecurityDto
    {
        public double? MaxAgeS { get; set; }
        public List<KeyDto>? Keys { get; set; }
    }

    private sealed class KeyDto
    {
        public string? Id { get; set; }
        public string? Role { get; set; }
        public string? File { get; set; }
        public string? Env { get; set; }
        public string? Secret { get; set; }
        public string? Key { get; set; }
    }
}
