namespace Twin.Messaging.Mqtt;

/// <summary>Connection state of an <see cref="MqttClient"/>.</summary>
public enum MqttConnectionState
{
    /// <summary>Not connected and not trying (before <see cref="MqttClient.ConnectAsync"/>, or after a fatal error).</summary>
    Disconnected,
    /// <summary>First connection attempt in progress.</summary>
    Connecting,
    /// <summary>CONNACK received with success; publishing and receiving.</summary>
    Connected,
    /// <summary>Connection lost; reconnecting with backoff.</summary>
    Reconnecting,
    /// <summary>Disposed; terminal.</summary>
    Disposed,
}

/// <summary>Arguments of <see cref="MqttClient.ConnectionStateChanged"/>.</summary>
public sealed class MqttConnectionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="previous">State before the change.</param>
    /// <param name="current">State after the change.</param>
    /// <param name="error">Why the connection was lost or refused, or null.</param>
    public MqttConnectionStateChangedEventArgs(MqttConnectionState previous, MqttConnectionState current, Exception? error)
    {
        Previous = previous;
        Current = current;
        Error = error;
    }

    /// <summary>State before the change.</summary>
    public MqttConnectionState Previous { get; }

    /// <summary>State after the change.</summary>
    public MqttConnectionState Current { get; }

    /// <summary>Why the connection was lost or refused (an <see cref="MqttProtocolException"/> names the malformed packet), or null.</summary>
    public Exception? Error { get; }
}
