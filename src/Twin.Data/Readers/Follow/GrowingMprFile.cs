using Microsoft.Win32.SafeHandles;
using Twin.Core.Samples;
using Twin.Data.Readers.BioLogic.Mpr;
using Twin.Data.Readers.Formats;

namespace Twin.Data.Readers.Follow;

/// <summary>
/// Follows an EC-Lab raw file (<c>.mpr</c>) while EC-Lab measures into it. EC-Lab grows the data module in place, whole
/// records of fixed size; at each poll the file's module chain is read again by position (<see cref="MprFileMap"/>) and
/// every whole record past those already handed out becomes a sample — a record still half written is left for the next
/// poll, and whether EC-Lab has updated the record count in the module header yet does not matter while the data module
/// is the file's last (the records are counted from the file's length); once a module follows it (EC-Lab writes the log
/// module at the end), the header's count holds. A file that shrinks below what was read or whose bytes before the data
/// module change (a new experiment under the same name) fails with <see cref="FollowedFileChangedException"/>.
/// Memory is one batch of records, whatever the file's size.
/// </summary>
public sealed class GrowingMprFile : IDisposable
{
    private const int BatchRecords = 4096;

    private readonly string _path;
    private readonly FollowOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stop;
    private readonly SafeFileHandle _file;
    private byte[] _head = [];
    private MprRecordDecoder? _decoder;
    private MprFileMap? _first;
    private long _handedOut;
    private long _lengthSeen;
    private long _lastGrowth;

    /// <summary>Opens a raw file to follow.</summary>
    /// <param name="path">The file; it must exist (EC-Lab may not yet have written its data module).</param>
    /// <param name="options">Polling interval, idle exit, end condition.</param>
    /// <param name="time">Clock of the idle exit (default: the system clock).</param>
    /// <param name="stop">Ends the samples at the next poll.</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public GrowingMprFile(string path, FollowOptions options, TimeProvider? time = null, CancellationToken stop = default)
    {
        options.Validate();
        _path = path;
        _options = options;
        _time = time ?? TimeProvider.System;
        _stop = stop;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _lastGrowth = _time.GetTimestamp();
        Diagnostics = new ReadDiagnostics(path, CyclerFormat.BioLogicMpr) { FormatDetected = true };
    }

    /// <summary>Bytes of the raw-file signature: a file shorter than this cannot yet be told from a text export.</summary>
    public static int SignatureLength => MprModuleHeader.Signature.Length;

    /// <summary>True when a file starts with the raw-file signature (<c>BIO-LOGIC MODULAR FILE</c>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>Whether to follow it as a raw file.</returns>
    public static bool IsRawFile(string path)
    {
        using var f = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> head = stackalloc byte[MprModuleHeader.Signature.Length];
        return RandomAccess.Read(f, head, 0) == head.Length && head.SequenceEqual(MprModuleHeader.Signature);
    }

    /// <summary>What identifies the file followed: its bytes before the data module (signature and settings, which EC-Lab does
    /// not change while it measures), at most 4 KiB; empty until the data module's header is on disk.</summary>
    public ReadOnlySpan<byte> Head => _head;

    /// <summary>Columns, notes and start time (once the file holds them), rows read and skipped.</summary>
    public ReadDiagnostics Diagnostics { get; }

    /// <summary>1-based number of the record last handed out.</summary>
    public long LastRecord => _handedOut;

    /// <summary>
    /// The samples, now and as they are written, until <see cref="FollowOptions.IdleExit"/> passes without growth,
    /// <see cref="FollowOptions.EndWhen"/> says the file is complete, or the stop token fires.
    /// </summary>
    /// <param name="lenient">Skip a record that cannot be a sample (counted in <see cref="Diagnostics"/>) instead of failing.</param>
    /// <returns>The samples in record order.</returns>
    /// <exception cref="CyclerDataException">A damaged file, an unknown layout, or (not lenient) a bad record.</exception>
    /// <exception cref="FollowedFileChangedException">The file was truncated or replaced.</exception>
    public IEnumerable<CyclerSample> Samples(bool lenient = false)
    {
        byte[] batch = [];
        while (true)
        {
            MprFileMap? map = Poll();
            long available = map?.RecordsInFile ?? 0;
            if (map is not null && available > _handedOut)
            {
                int size = map.Layout.RecordSize;
                int count = (int)Math.Min(BatchRecords, available - _handedOut);
                if (batch.Length < count * size) batch = new byte[BatchRecords * size];
                int got = RandomAccess.Read(_file, batch.AsSpan(0, count * size), map.FirstRecordOffset + _handedOut * size);
                count = got / size;
                for (int i = 0; i < count; i++)
                {
                    _handedOut++;
                    if (_decoder!.TryDecode(batch.AsSpan(i * size, size), out CyclerSample sample, out RowError error))
                    {
                        Diagnostics.RowsRead++;
                        yield return sample;
                        continue;
                    }
                    string detail = $"record {_handedOut:N0}: {error.Detail}";
                    if (!lenient) throw new CyclerDataException(_path, 0, error.Column, detail);
                    Diagnostics.RecordSkip(CyclerDataException.Compose(_path, 0, error.Column, detail));
                }
                if (count > 0) continue;
            }
            if (_options.EndWhen?.Invoke() == true || _stop.IsCancellationRequested) yield break;
            if (_options.IdleExit is { } idle && _time.GetElapsedTime(_lastGrowth) >= idle) yield break;
            _options.OnIdle?.Invoke();
            _stop.WaitHandle.WaitOne(_options.PollInterval);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private MprFileMap? Poll()
    {
        long length = RandomAccess.GetLength(_file);
        if (length < _lengthSeen)
            throw new FollowedFileChangedException($"{_path} shrank to {length:N0} bytes while it was followed ({_lengthSeen:N0} seen, {_handedOut:N0} records read): EC-Lab rewrote it; restart to go on (the same experiment resumes after the samples already sent, a new one is published from its first sample)");
        if (length > _lengthSeen)
        {
            _lengthSeen = length;
            _lastGrowth = _time.GetTimestamp();
        }
        MprFileMap? map = MprFileMap.Read(_file, _path);
        if (map is null) return null;
        if (_first is null)
        {
            _first = map;
            _head = new byte[(int)Math.Min(4096, map.DataModuleOffset)];
            RandomAccess.Read(_file, _head, 0);
            _decoder = new MprRecordDecoder(map.Layout, Diagnostics);
        }
        else
        {
            // The path, opened anew: the cycler may have put another file under the name (the handle still reads the old one).
            Span<byte> now = stackalloc byte[_head.Length];
            int got;
            try
            {
                using var current = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                got = RandomAccess.Read(current, now, 0);
            }
            catch (FileNotFoundException)
            {
                throw new FollowedFileChangedException($"{_path} was deleted or renamed while it was followed ({_handedOut:N0} records read); restart to follow the new file");
            }
            if (got < _head.Length || !now.SequenceEqual(_head) || map.FirstRecordOffset != _first.FirstRecordOffset
                || map.Layout.RecordSize != _first.Layout.RecordSize)
                throw new FollowedFileChangedException($"{_path} was replaced while it was followed: its settings or record layout changed ({_handedOut:N0} records of the old file read); restart to publish the new file from its first sample");
        }
        if (map.Start is { } start) Diagnostics.StartTime = start;
        return map;
    }
}
