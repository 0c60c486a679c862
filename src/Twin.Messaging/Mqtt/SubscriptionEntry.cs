namespace Twin.Messaging.Mqtt;

/// <summary>
/// One topic filter subscribed at the broker. Several handlers may share it (the broker holds one subscription per
/// filter, MQTT 5.0 §3.8.4); each handler has its own queue and runs one message at a time in arrival order.
/// </summary>
internal sealed class SubscriptionEntry
{
    /// <summary>Creates the entry.</summary>
    public SubscriptionEntry(string filter, int id, MqttSubscriptionOptions options)
    {
        Filter = filter;
        Id = id;
        Options = options;
    }

    /// <summary>Topic filter as sent.</summary>
    public string Filter { get; }
    /// <summary>Subscription Identifier (MQTT 5.0 §3.8.2.1.2) used to route inbound PUBLISH packets.</summary>
    public int Id { get; }
    /// <summary>Options sent with the filter (QoS is the highest any handler asked for).</summary>
    public MqttSubscriptionOptions Options { get; set; }
    /// <summary>Handlers.</summary>
    public List<SubscriptionHandler> Handlers { get; } = [];
    /// <summary>Waiting SubscribeAsync calls, completed by the next SUBACK for this filter.</summary>
    public List<TaskCompletionSource<MqttReasonCode>> Waiters { get; } = [];
    /// <summary>Bumped whenever the entry must be (re)sent.</summary>
    public int Version { get; set; }
    /// <summary>Connection the latest SUBSCRIBE went out on.</summary>
    public MqttConnection? SentOn { get; set; }
    /// <summary><see cref="Version"/> at the latest SUBSCRIBE.</summary>
    public int SentVersion { get; set; }
    /// <summary>A SUBACK granted it (in the current session).</summary>
    public bool Confirmed { get; set; }
    /// <summary>Its handlers were detached: it stays subscribed in the session and its messages are left unacknowledged.</summary>
    public bool Detached { get; set; }
}

/// <summary>A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement.</summary>
internal sealed class PendingRequest
{
    /// <summary>The subscription a SUBSCRIBE is for; null for UNSUBSCRIBE.</summary>
    public SubscriptionEntry? Entry { get; init; }
    /// <summary>Completed by the UNSUBACK.</summary>
    public TaskCompletionSource<MqttReasonCode>? Unsubscribed { get; init; }
    /// <summary>Filter(s) requested, for messages.</summary>
    public required string Filter { get; init; }
    /// <summary>Connection it was sent on.</summary>
    public required MqttConnection Connection { get; init; }
}
