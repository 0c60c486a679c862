namespace Twin.Testing.Mosquitto;

/// <summary>Settings of a test <see cref="MosquittoBroker"/>.</summary>
public sealed record MosquittoBrokerOptions
{
    /// <summary>
    /// Users and passwords for a password file (created with <c>mosquitto_passwd -b -c</c>). When set, anonymous
    /// clients are refused unless <see cref="AllowAnonymous"/> is set explicitly.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>Allow clients without user name; null: allowed unless <see cref="Users"/> is set.</summary>
    public bool? AllowAnonymous { get; init; }

    /// <summary>Also open a TLS listener with a fresh CA and server certificate (CN/SAN 127.0.0.1 and localhost).</summary>
    public bool Tls { get; init; }

    /// <summary>Keep the plain TCP listener (default true).</summary>
    public bool PlainListener { get; init; } = true;

    /// <summary>Persistence (sessions, subscriptions and queued messages survive <see cref="MosquittoBroker.RestartAsync"/>). Default true.</summary>
    public bool Persistence { get; init; } = true;

    /// <summary>Content of an ACL file (<c>acl_file</c>, mosquitto.conf(5)), e.g. <c>"user twin\ntopic readwrite #\n"</c>; null for none.</summary>
    public string? Acl { get; init; }

    /// <summary>Extra lines for mosquitto.conf (global section, before the listeners).</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}
