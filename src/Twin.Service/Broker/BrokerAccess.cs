using System.Security.Cryptography;
using System.Text;
using Twin.Messaging.Contracts;
using Twin.Service.Security;

namespace Twin.Service.Broker;

/// <summary>
/// Who may connect to the embedded broker and what each may publish, from the experiment file's <c>api.tokens</c> and
/// <c>dashboard.users</c> — the same credentials as the REST API, so one token serves an instrument over HTTP and MQTT.
/// Inside the <c>twin/v1/…</c> tree only the service publishes state, alarm and its own status, instruments publish
/// telemetry, pattern and event of the cells their token lists (and their own status), operators publish commands;
/// topics outside the tree's kinds (e.g. command replies) are open to every client that may publish at all. Anyone
/// authenticated may subscribe to anything.
/// </summary>
public sealed class BrokerAccess
{
    private readonly AccessConfig _access;
    private readonly string _serviceUser;
    private readonly byte[] _servicePassword;

    /// <summary>Creates the rules.</summary>
    /// <param name="access">Users and API tokens of the experiment file.</param>
    /// <param name="serviceUser">User name of the service's own clients.</param>
    /// <param name="servicePassword">Their password (made at start, kept in memory only).</param>
    /// <param name="loopbackOnly">True when the listener is reachable from this machine only (anonymous read may then be allowed).</param>
    public BrokerAccess(AccessConfig access, string serviceUser, string servicePassword, bool loopbackOnly)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentException.ThrowIfNullOrEmpty(serviceUser);
        ArgumentException.ThrowIfNullOrEmpty(servicePassword);
        _access = access;
        _serviceUser = serviceUser;
        _servicePassword = Encoding.UTF8.GetBytes(servicePassword);
        LoopbackOnly = loopbackOnly;
    }

    /// <summary>True when the listener is reachable from this machine only.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Decides who a connecting client is.</summary>
    /// <param name="userName">User name of CONNECT, or null/empty.</param>
    /// <param name="password">Password of CONNECT (UTF-8), or null.</param>
    /// <returns>The client, or null when the credentials are wrong or missing (refused: "bad user name or password" / "not authorized").</returns>
    public BrokerClient? Authenticate(string? userName, byte[]? password)
    {
        if (string.IsNullOrEmpty(userName))
            return LoopbackOnly && _access.AnonymousRead && (password is null || password.Length == 0) ? new BrokerClient(BrokerClientKind.Anonymous, "") : null;
        if (password is null || password.Length == 0) return null;
        if (userName == _serviceUser) return CryptographicOperations.FixedTimeEquals(password, _servicePassword) ? new BrokerClient(BrokerClientKind.Service, userName) : null;
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(password);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        if (text.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal))
            return _access.FindToken(text) is { } token && token.Name == userName ? new BrokerClient(BrokerClientKind.Instrument, userName, token) : null;
        if (_access.Find(userName) is { } user && PasswordHashing.Verify(user.PasswordHash, text))
            return new BrokerClient(user.Role == TwinRoles.Operator ? BrokerClientKind.Operator : BrokerClientKind.Viewer, userName);
        return null;
    }

    /// <summary>Decides whether a client may publish to a topic.</summary>
    /// <param name="client">The authenticated client.</param>
    /// <param name="clientId">Its MQTT client id (an instrument may publish its own status topic).</param>
    /// <param name="topic">The topic name.</param>
    /// <returns>Null when allowed, else why not (sent back as the reason string).</returns>
    public static string? MayPublish(BrokerClient client, string clientId, string topic)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topic);
        switch (client.Kind)
        {
            case BrokerClientKind.Service:
                return null;
            case BrokerClientKind.Viewer or BrokerClientKind.Anonymous:
                return $"{Describe(client)} may read but not publish";
        }
        if (!TwinTopics.TryParse(topic, out var t)) return null; // replies and topics outside the tree's kinds
        return (client.Kind, t.Kind) switch
        {
            (BrokerClientKind.Instrument, TopicKind.Telemetry or TopicKind.Pattern or TopicKind.Event) when client.Token!.Covers(t.Site, t.Cell) => null,
            (BrokerClientKind.Instrument, TopicKind.Telemetry or TopicKind.Pattern or TopicKind.Event) =>
                $"token '{client.Name}' does not list cell {t.Site}/{t.Cell}",
            (BrokerClientKind.Instrument, TopicKind.Status) when t.Cell == clientId => null,
            (BrokerClientKind.Operator, TopicKind.Command) => null,
            _ => $"{Describe(client)} may not publish {t.Kind.ToString().ToLowerInvariant()} topics (state, alarm and the service's status come from the twin service only)",
        };
    }

    private static string Describe(BrokerClient c) => c.Kind switch
    {
        BrokerClientKind.Anonymous => "an anonymous client",
        BrokerClientKind.Instrument => $"token '{c.Name}'",
        _ => $"{c.Kind.ToString().ToLowerInvariant()} '{c.Name}'",
    };
}
