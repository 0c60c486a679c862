using Twin.Messaging.Bus;
using Twin.Messaging.Security;

namespace Twin.Service.Security;

/// <summary>A signing key as the experiment file declares it: its id, role, and where its secret is (never the secret itself).</summary>
/// <param name="Id">Key id, <c>[A-Za-z0-9_.-]{1,64}</c>.</param>
/// <param name="Role">What a signature with it proves.</param>
/// <param name="File">Key file (absolute, resolved against the experiment file's folder), or null.</param>
/// <param name="Environment">Name of an environment variable holding the base64 secret, or null.</param>
public sealed record KeyDeclaration(string Id, SignerRole Role, string? File, string? Environment);

/// <summary>
/// The experiment file's <c>security:</c> section: the keys that sign the twin's state and status (role <c>twin</c>)
/// and the operators' commands (role <c>operator</c>), and the freshness window of signatures. Without keys, nothing is
/// signed or verified (the behaviour of files written before this section existed).
/// </summary>
/// <param name="Keys">Declared keys, in file order (the first key of a role signs).</param>
/// <param name="MaxAge">Freshness window: a signature older (or further in the future) than this is refused.</param>
public sealed record BusSecurityConfig(IReadOnlyList<KeyDeclaration> Keys, TimeSpan MaxAge)
{
    /// <summary>Default freshness window: 30 s (a twin state follows every telemetry message; this leaves room for clock skew between machines).</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(30);

    /// <summary>No keys: messages are neither signed nor verified.</summary>
    public static BusSecurityConfig None { get; } = new([], DefaultMaxAge);

    /// <summary>Whether the file declares keys (then drivers act only on verified states and commands).</summary>
    public bool Enabled => Keys.Count > 0;

    /// <summary>Loads the secrets of the keys of the given roles (keys of other roles need not be present on this machine).</summary>
    /// <param name="roles">Roles to load.</param>
    /// <returns>The keys, in file order.</returns>
    /// <exception cref="FormatException">A role has no key declared, a secret is malformed, a key file is readable by others, or an environment variable is unset.</exception>
    /// <exception cref="IOException">A key file cannot be read.</exception>
    public KeyRing LoadKeys(params SignerRole[] roles)
    {
        foreach (var role in roles)
            if (!Keys.Any(k => k.Role == role)) throw new FormatException($"security: no key with role '{role.Name()}' is declared");
        return new KeyRing(Keys.Where(k => roles.Contains(k.Role)).Select(Load));
    }

    /// <summary>Loads the secret of one declared key.</summary>
    /// <param name="id">Key id.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">No such key is declared, its secret is malformed, its key file is readable by others, or its environment variable is unset.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public MessageKey LoadKey(string id) =>
        Load(Keys.FirstOrDefault(k => k.Id == id) ?? throw new FormatException($"security: no key '{id}' is declared; declared: {string.Join(", ", Keys.Select(k => k.Id))}"));

    private static MessageKey Load(KeyDeclaration d)
    {
        byte[] secret;
        if (d.File is { } file)
        {
            secret = KeyFile.Read(file, d.Id);
        }
        else
        {
            string? text = System.Environment.GetEnvironmentVariable(d.Environment!);
            if (string.IsNullOrWhiteSpace(text)) throw new FormatException($"key '{d.Id}': environment variable {d.Environment} is not set (expected the base64 secret from `twin keygen`)");
            secret = KeyFile.Decode(text, $"key '{d.Id}': environment variable {d.Environment}");
        }
        return new MessageKey(d.Id, d.Role, secret);
    }

    /// <summary>
    /// Wraps the twin service's bus so that its state, alarm, status and command publications are signed with the first
    /// <c>twin</c> key; returns the bus unchanged when no keys are declared.
    /// </summary>
    /// <param name="bus">The service's bus.</param>
    /// <param name="signer">The signer to use (e.g. the one that signed the MQTT last will), or null to create one.</param>
    /// <returns>The bus to publish through.</returns>
    /// <exception cref="FormatException">No twin key, or its secret cannot be loaded.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public IMessageBus SignServiceBus(IMessageBus bus, MessageSigner? signer = null)
    {
        if (!Enabled) return bus;
        signer ??= TwinSigner();
        return new SigningBus(bus, signer, SigningBus.TwinServiceTopics);
    }

    /// <summary>A signer with the first <c>twin</c> key.</summary>
    /// <returns>The signer.</returns>
    /// <exception cref="FormatException">No twin key, or its secret cannot be loaded.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public MessageSigner TwinSigner() => new(LoadKeys(SignerRole.Twin).SigningKey(SignerRole.Twin)!);
}
