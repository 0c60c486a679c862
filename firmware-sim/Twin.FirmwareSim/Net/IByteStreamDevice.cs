namespace Twin.FirmwareSim.Net;

/// <summary>Where a byte-stream device writes what it sends (every connected client receives it).</summary>
public interface IByteSink
{
    /// <summary>Sends bytes to the connected client(s); dropped when none is connected.</summary>
    /// <param name="bytes">The bytes.</param>
    void Send(ReadOnlySpan<byte> bytes);
}

/// <summary>
/// A simulated instrument with a binary, unframed link (e.g. a Firmata board), served by a <see cref="ByteStreamServer"/>.
/// The server calls <see cref="Attach"/> once before any other call and <see cref="Receive"/> for every chunk received,
/// one chunk at a time across connections; the device may send at any time (unsolicited reports).
/// </summary>
public interface IByteStreamDevice
{
    /// <summary>Device name for logs.</summary>
    string Name { get; }

    /// <summary>Gives the device its output.</summary>
    /// <param name="output">Where replies and reports go.</param>
    void Attach(IByteSink output);

    /// <summary>Handles received bytes (any chunking: a message may be split across calls).</summary>
    /// <param name="bytes">The bytes.</param>
    void Receive(ReadOnlySpan<byte> bytes);

    /// <summary>A client connection ended.</summary>
    void OnDisconnected();
}
