using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// One network connection to the broker: TCP socket, optional TLS (SslStream), PipeReader/PipeWriter over it,
/// the encoder/decoder, a write lock (PipeWriter is single-writer), liveness timestamps and the send window.
/// Protocol state that outlives a connection (in-flight messages, subscriptions) lives in <see cref="MqttClient"/>.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _cts;
    private int _disposed;
    private bool _closed;

    private MqttConnection(Socket socket, Stream stream, MqttClientOptions options, CancellationToken lifetime)
    {
        _socket = socket;
        _stream = stream;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        Endpoint = $"{options.Host}:{options.Port}";
        Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Decoder = new MqttPacketDecoder(options.ProtocolVersion, options.MaximumPacketSize);
        Encoder = new MqttPacketEncoder(options.ProtocolVersion);
        _time = options.TimeProvider;
        LastSentTicks = LastReceivedTicks = NowMs();
    }

    private readonly TimeProvider _time;

    /// <summary>Now on the client's <see cref="MqttClientOptions.TimeProvider"/>, in milliseconds of its timestamp (for the keep-alive bookkeeping).</summary>
    /// <returns>Milliseconds (an arbitrary origin; compare differences only).</returns>
    public long NowMs() => _time.GetTimestamp() / Math.Max(1, _time.TimestampFrequency / 1000);

    /// <summary>"host:port" for messages.</summary>
    public string Endpoint { get; }
    /// <summary>Inbound bytes.</summary>
    public PipeReader Reader { get; }
    /// <summary>Outbound bytes; use under the write lock only.</summary>
    public PipeWriter Writer { get; }
    /// <summary>Inbound packet decoder.</summary>
    public MqttPacketDecoder Decoder { get; }
    /// <summary>Outbound packet encoder; use under the write lock only.</summary>
    public MqttPacketEncoder Encoder { get; }
    /// <summary>Cancelled when the connection is being torn down.</summary>
    public CancellationToken Token => _cts.Token;
    /// <summary>Protocol version of this connection.</summary>
    public MqttProtocolVersion Version { get; private set; }
    /// <summary>What the CONNACK granted; set after the handshake.</summary>
    public MqttConnectResult Result { get; set; } = new();
    /// <summary>Largest packet the broker accepts (MQTT 5.0 §3.2.2.3.6).</summary>
    public long MaxOutgoingPacketSize { get; set; } = long.MaxValue;
    /// <summary>Inbound topic aliases of this connection (MQTT 5.0 §3.3.2.3.4: they do not outlive it).</summary>
    public Dictionary<ushort, string> InboundAliases { get; } = [];
    /// <summary>Send quota for QoS 1/2 (MQTT 5.0 §4.9).</summary>
    public SendWindow Window { get; set; } = new(1, 0);
    /// <summary><see cref="NowMs"/> of the last packet written.</summary>
    public long LastSentTicks { get; set; }
    /// <summary><see cref="NowMs"/> of the last packet read.</summary>
    public long LastReceivedTicks { get; set; }
    /// <summary>When the outstanding PINGREQ was sent; 0 when none is outstanding.</summary>
    public long PingSentTicks { get; set; }
    /// <summary>When the current flush started; 0 when not flushing.</summary>
    public long FlushStartedTicks { get; private set; }
    /// <summary>The reader is waiting for a slow handler's queue: inbound packets are not being read.</summary>
    public volatile bool ReaderBusy;

    /// <summary>Sets the protocol version of encoder and decoder.</summary>
    public void SetVersion(MqttProtocolVersion version)
    {
        Version = version;
        Decoder.Version = version;
        Encoder.Version = version;
    }

    /// <summary>Opens TCP (and TLS) to the broker within <see cref="MqttClientOptions.ConnectTimeout"/>.</summary>
    /// <exception cref="MqttConnectException">Unreachable, timed out, or TLS rejected; the message says which.</exception>
    public static async Task<MqttConnection> OpenAsync(MqttClientOptions options, CancellationToken lifetime, CancellationToken cancellationToken)
    {
        string endpoint = $"{options.Host}:{options.Port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            try
            {
                await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MqttConnectException($"TCP connection to {endpoint} timed out after {options.ConnectTimeout.TotalSeconds:0.#} s");
            }
            catch (SocketException ex)
            {
                throw new MqttConnectException($"cannot connect to MQTT broker {endpoint}: {ex.Message}", null, ex);
            }
            stream = new NetworkStream(socket, ownsSocket: false);
            if (options.UseTls)
                stream = await AuthenticateTlsAsync(stream, options, timeout.Token, cancellationToken).ConfigureAwait(false);
            return new MqttConnection(socket, stream, options, lifetime);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
    }

    private static async Task<Stream> AuthenticateTlsAsync(Stream inner, MqttClientOptions options, CancellationToken timeout, CancellationToken caller)
    {
        string target = options.TlsTargetHost ?? options.Host;
        X509Certificate2Collection? ca = options.CaCertificateFile is null ? null : LoadCa(options.CaCertificateFile);
        string? failure = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var auth = new SslClientAuthenticationOptions
        {
            TargetHost = target,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                bool ok = ValidateServerCertificate(certificate, chain, errors, ca, options.CaCertificateFile, target, out failure);
                return ok;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(auth, timeout).ConfigureAwait(false);
            return ssl;
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectException($"TLS handshake with {options.Host}:{options.Port} timed out");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectException($"TLS handshake with {options.Host}:{options.Port} failed: {failure ?? ex.Message}", null, ex);
        }
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        if (!File.Exists(path))
            throw new MqttConnectException($"CA certificate file '{path}' does not exist");
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            collection.Clear();
        }
        if (collection.Count == 0)
        {
            try { collection.Add(X509CertificateLoader.LoadCertificateFromFile(path)); }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new MqttConnectException($"CA certificate file '{path}' holds no PEM or DER certificate", null, ex);
            }
        }
        return collection;
    }

    /// <summary>
    /// Accepts the broker certificate when it is issued for <paramref name="target"/> and its chain ends at one of
    /// the CA certificates (custom root trust), or, without a CA file, when the system trusts it.
    /// </summary>
    private static bool ValidateServerCertificate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors,
        X509Certificate2Collection? ca, string? caFile, string target, out string? failure)
    {
        failure = null;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            failure = "the broker presented no certificate";
            return false;
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            failure = $"the broker certificate is not issued for '{target}' (name mismatch)";
            return false;
        }
        if (ca is null)
        {
            if (errors != SslPolicyErrors.None)
                failure = $"the broker certificate is not trusted by the system trust store ({errors})";
            return errors == SslPolicyErrors.None;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(leaf))
            return true;
        var status = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        failure = $"the broker certificate ('{leaf.Subject}') does not chain to the CA in '{caFile}' ({status})";
        return false;
    }

    /// <summary>Takes the write lock.</summary>
    public Task LockAsync(CancellationToken cancellationToken) => _writeLock.WaitAsync(cancellationToken);

    /// <summary>Releases the write lock.</summary>
    public void Unlock() => _writeLock.Release();

    /// <summary>Encodes a packet into the pipe; caller holds the write lock.</summary>
    /// <exception cref="MqttException">The packet exceeds the broker's maximum packet size; nothing was written.</exception>
    public void EncodeLocked(MqttPacket packet)
    {
        if (_closed)
            throw new OperationCanceledException("connection is closing");
        Encoder.Encode(packet, Writer, MaxOutgoingPacketSize);
    }

    /// <summary>Flushes the pipe to the socket; caller holds the write lock.</summary>
    public async ValueTask FlushLockedAsync(CancellationToken cancellationToken)
    {
        FlushStartedTicks = NowMs();
        try
        {
            var result = await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
                throw new IOException($"connection to {Endpoint} is closed");
        }
        finally
        {
            FlushStartedTicks = 0;
        }
        LastSentTicks = NowMs();
    }

    private InboundAckSequencer? _acks;

    /// <summary>True once this connection logged a tolerated Receive Maximum excess.</summary>
    public bool ReceiveMaximumWarned { get; set; }

    /// <summary>The connection's in-order PUBACK sequencer (created on first use).</summary>
    public InboundAckSequencer AckSequencer(Action<string> log, CancellationToken lifetime) =>
        _acks ??= new InboundAckSequencer(this, log, lifetime);

    /// <summary>Writes and flushes one packet under the write lock.</summary>
    public async ValueTask SendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EncodeLocked(packet);
            await FlushLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Sends a last packet (DISCONNECT) if the write lock can be had within <paramref name="timeout"/>, then refuses
    /// further writes. Never throws.
    /// </summary>
    public async Task<bool> TrySendFinalAsync(MqttPacket packet, TimeSpan timeout)
    {
        try
        {
            if (!await _writeLock.WaitAsync(timeout).ConfigureAwait(false)) return false;
            try
            {
                if (_closed) return false;
                using var cts = new CancellationTokenSource(timeout);
                Encoder.Encode(packet, Writer);
                _closed = true;
                await Writer.FlushAsync(cts.Token).ConfigureAwait(false);
                return true;
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Cancels all work on this connection.</summary>
    public void Cancel()
    {
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Cancel();
        try { await Reader.CompleteAsync().ConfigureAwait(false); } catch (Exception) { }
        try { await Writer.CompleteAsync().ConfigureAwait(false); } catch (Exception) { }
        try { await _stream.DisposeAsync().ConfigureAwait(false); } catch (Exception) { }
        try { _socket.Dispose(); } catch (Exception) { }
        _cts.Dispose();
    }
}
