namespace Twin.Service.Broker;

/// <summary>What kind of client a connection of the embedded broker is, decided once from its credentials at CONNECT.</summary>
public enum BrokerClientKind : byte
{
    /// <summary>The twin service's own clients (a password made at each start and never written anywhere): everything.</summary>
    Service,

    /// <summary>An instrument or program with an API token of the experiment file (user name = token name, password = token):
    /// telemetry, pattern and event of its cells, its own status topic, replies; reads everything.</summary>
    Instrument,

    /// <summary>A dashboard user with the operator role (user name and password of the experiment file): commands; reads everything.</summary>
    Operator,

    /// <summary>A dashboard user with the viewer role: reads everything, publishes nothing.</summary>
    Viewer,

    /// <summary>No user name, on a loopback listener with <c>dashboard.anonymous_read: true</c>: reads everything, publishes nothing.</summary>
    Anonymous,
}

/// <summary>An authenticated connection of the embedded broker.</summary>
/// <param name="Kind">What it may do.</param>
/// <param name="Name">User or token name (empty for anonymous).</param>
/// <param name="Token">The instrument's token (its cells), for <see cref="BrokerClientKind.Instrument"/>; else null.</param>
public sealed record BrokerClient(BrokerClientKind Kind, string Name, Twin.Service.Security.ApiToken? Token = null);
