using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Twin.FirmwareSim.Net;

/// <summary>
/// One client connection of a <see cref="LineServer"/>: a pipe reader splitting input into lines, and the reply sink
/// that adds the terminator and applies the link faults (slow replies, garbage).
/// </summary>
internal sealed class LineConnection : ILineReplySink
{
    private const int MaxLineBytes = 1 << 20;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly LineServer _server;
    private readonly byte[] _terminator;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _abort = new();

    public LineConnection(Socket socket, LineServer server)
    {
        _socket = socket;
        _server = server;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _terminator = Encoding.ASCII.GetBytes(server.Terminator);
    }

    public async Task RunAsync(CancellationToken serverStop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(serverStop, _abort.Token);
        var ct = linked.Token;
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (_server.Faults.ShouldDropOnLine())
                    {
                        Abort();
                        return;
                    }
                    if (_server.Faults.SwallowLine()) continue;
                    await _server.HandleLineAsync(Decode(line), this, ct).ConfigureAwait(false);
                }
                if (buffer.Length > MaxLineBytes) return; // a runaway line without terminator: drop the client
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var seqReader = new SequenceReader<byte>(buffer);
        if (seqReader.TryReadTo(out line, _terminator, advancePastDelimiter: true))
        {
            buffer = buffer.Slice(seqReader.Position);
            return true;
        }
        return false;
    }

    private static string Decode(ReadOnlySequence<byte> line)
    {
        if (line.Length > 0)
        {
            var last = line.Slice(line.Length - 1);
            if (last.FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
        }
        return Encoding.Latin1.GetString(line);
    }

    public async ValueTask SendLineAsync(string line, CancellationToken cancellationToken = default)
    {
        await _server.Faults.WaitBeforeReplyAsync(cancellationToken).ConfigureAwait(false);
        if (_server.Faults.WithholdReply()) return;
        int length = Encoding.Latin1.GetByteCount(line) + _terminator.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int n = Encoding.Latin1.GetBytes(line, rented);
            _terminator.CopyTo(rented, n);
            if (_server.Faults.TakeGarbage()) Corrupt(rented.AsSpan(0, n));
            await WriteAsync(rented.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Replaces some bytes (at least one, and always the first) with random bytes 0x80–0xFE.</summary>
    private static void Corrupt(Span<byte> text)
    {
        if (text.Length == 0) return;
        text[0] = (byte)Random.Shared.Next(0x80, 0xFF);
        for (int i = 1; i < text.Length; i++)
            if (Random.Shared.Next(3) == 0) text[i] = (byte)Random.Shared.Next(0x80, 0xFF);
    }

    public async ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _server.Faults.WaitBeforeReplyAsync(cancellationToken).ConfigureAwait(false);
        if (_server.Faults.WithholdReply()) return;
        await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Abort()
    {
        try { _abort.Cancel(); }
        catch (ObjectDisposedException) { }
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _stream.Dispose();
    }
}
