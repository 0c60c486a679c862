namespace Twin.FirmwareSim.Net;

/// <summary>Where a device sends its reply lines; the line server adds the terminator and applies fault injection.</summary>
public interface ILineReplySink
{
    /// <summary>Sends one reply line (without terminator). May be called later than the request (e.g. an exposure finished).</summary>
    ValueTask SendLineAsync(string line, CancellationToken cancellationToken = default);

    /// <summary>Sends raw bytes as they are (e.g. a definite-length binary block followed by its terminator).</summary>
    ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);
}

/// <summary>
/// A simulated instrument speaking a line-based protocol (SCPI, a trigger box): the line server hands it every
/// received line (terminator removed) together with the connection's reply sink.
/// </summary>
public interface ILineDevice
{
    /// <summary>Short name used in logs, e.g. "K2450" or "trigger-box".</summary>
    string Name { get; }

    /// <summary>Handles one received line.</summary>
    ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken);

    /// <summary>Called when a client connection closes (the device may clear per-connection state, e.g. an unread response).</summary>
    void OnDisconnected();
}
