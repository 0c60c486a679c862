namespace Twin.Data.Readers.Neware.Ndax;

/// <summary>
/// The records of a Neware <c>.ndc</c> record table, read forward only from the archive entry (memory: one page). The
/// first byte of the file is its file type (1 = the data records), the third its layout version; two layouts with
/// whole records are known (NewareNDA's reverse-engineered descriptions): version 2 — a 517-byte header, then 94-byte
/// records each starting with the same 8 bytes (the first record's) and the marker 0x55; version 5 — a 4096-byte
/// header, then 4096-byte pages, each holding 87-byte records from byte 125 to 56 bytes before the page's end, a record
/// in use when its byte 7 is 0x55. Later BTS versions (11, 14, 17) split the data over several tables
/// (<see cref="NdcSplitTables"/>).
/// </summary>
internal sealed class NdcRecordStream
{
    private const int Version2Header = 517, Version2Record = 94;
    private const int Version5First = 125, Version5Tail = 56, Version5Record = 87;

    private readonly Stream _source;
    private readonly int _version;
    private readonly byte[] _buffer;
    private readonly NdcPagedTable? _pages;
    private byte[] _identifier = [];
    private int _start, _end;
    private bool _eof;

    private NdcRecordStream(Stream source, int version, string entry)
    {
        _source = source;
        _version = version;
        _buffer = new byte[1 << 16];
        if (version == 5) _pages = new NdcPagedTable(source, Version5First, Version5Tail, Version5Record, entry);
    }

    /// <summary>Layout version of the table.</summary>
    public int Version => _version;

    /// <summary>Reads the table's header and prepares to read its records.</summary>
    /// <param name="source">The table's bytes (forward only).</param>
    /// <param name="entry">The table's name in the archive, for messages.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="FormatException">Not a data table, or a layout version this reader does not know; the message says which.</exception>
    public static NdcRecordStream Open(Stream source, string entry)
    {
        Span<byte> head = stackalloc byte[3];
        if (source.ReadAtLeast(head, 3, throwOnEndOfStream: false) < 3) throw new FormatException($"{entry} is empty: no record table");
        int fileType = head[0], version = head[2];
        if (fileType != 1) throw new FormatException($"{entry} is a table of file type {fileType}; expected 1 (data records)");
        if (version is not (2 or 5))
            throw new FormatException($"{entry} is a version {version} record table; with whole records in data.ndc this reader knows versions 2 and 5 "
                + "(BTS 8's versions 11, 14 and 17 come with data_runInfo.ndc and data_step.ndc, which this archive lacks): export the test from BTSDA as CSV and replay that");
        var reader = new NdcRecordStream(source, version, entry);
        if (version == 2 && reader.Skip(Version2Header - 3) < Version2Header - 3) throw new FormatException($"{entry} ends inside its {Version2Header}-byte header");
        return reader;
    }

    /// <summary>The next record in use.</summary>
    /// <param name="record">Its bytes (valid until the next call).</param>
    /// <returns>False at the end of the table.</returns>
    public bool TryNext(out ReadOnlySpan<byte> record) => _version == 2 ? NextVersion2(out record) : NextVersion5(out record);

    private bool NextVersion5(out ReadOnlySpan<byte> record)
    {
        while (_pages!.TryNext(out record))
        {
            if (record[7] == 0x55) return true;
        }
        return false;
    }

    private bool NextVersion2(out ReadOnlySpan<byte> record)
    {
        while (true)
        {
            if (!Fill(Version2Record))
            {
                record = default;
                return false;
            }
            var available = _buffer.AsSpan(_start, _end - _start);
            if (_identifier.Length == 0) _identifier = available[..8].ToArray();
            int at = available.IndexOf(_identifier);
            if (at < 0)
            {
                _start = Math.Max(_start, _end - (_identifier.Length - 1)); // keep what may be the start of an identifier
                if (_eof) { record = default; return false; }
                Compact();
                ReadMore();
                continue;
            }
            _start += at;
            if (!Fill(Version2Record))
            {
                record = default;
                return false;
            }
            var candidate = _buffer.AsSpan(_start, Version2Record);
            _start += Version2Record;
            if (candidate[0] == 0x55)
            {
                record = candidate;
                return true;
            }
        }
    }

    /// <summary>Makes <paramref name="count"/> bytes available from <see cref="_start"/>; false at the end.</summary>
    private bool Fill(int count)
    {
        while (_end - _start < count)
        {
            if (_eof) return false;
            Compact();
            ReadMore();
        }
        return true;
    }

    private void Compact()
    {
        if (_start == 0) return;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    private void ReadMore()
    {
        int n = _source.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }

    private long Skip(long count)
    {
        long done = 0;
        while (done < count)
        {
            int n = _source.Read(_buffer, 0, (int)Math.Min(_buffer.Length, count - done));
            if (n == 0) break;
            done += n;
        }
        return done;
    }
}
