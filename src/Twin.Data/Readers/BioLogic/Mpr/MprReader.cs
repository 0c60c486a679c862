using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// Reads the records of an EC-Lab <c>.mpr</c> forward only, one at a time from the read buffer: memory does not grow
/// with the file. The modules before the data module are passed over (the settings module's date is kept as a note);
/// the records are read as many as the data module's header counts. The acquisition start comes from the log module,
/// which follows the data: it is read by position first when the file is on disk.
/// </summary>
internal sealed class MprReader : IRecordSource
{
    private readonly ByteLineReader _source;
    private readonly string _name;
    private readonly MprRecordDecoder _decoder;
    private readonly byte[] _record;
    private readonly long _records;
    private long _read;

    /// <summary>Reads the signature and the modules up to the first record.</summary>
    /// <param name="source">The bytes (the signature not yet consumed).</param>
    /// <param name="name">The file name for messages.</param>
    /// <param name="diagnostics">Receives columns, notes and the start time.</param>
    /// <param name="onDisk">The file itself when it is on disk (for the log module's start time), else null.</param>
    /// <exception cref="CyclerDataException">Not an <c>.mpr</c>, no data module, an unknown layout or column id; the message says which.</exception>
    public MprReader(ByteLineReader source, string name, ReadDiagnostics diagnostics, FileStream? onDisk)
    {
        _source = source;
        _name = name;
        try
        {
            Span<byte> header = stackalloc byte[MprModuleHeader.NewSize];
            ReadOnlySpan<byte> magic = MprModuleHeader.FileMagic;
            if (source.ReadRaw(header[..magic.Length]) < magic.Length || !header[..magic.Length].SequenceEqual(magic))
                throw new FormatException("expected an EC-Lab .mpr (first bytes 'BIO-LOGIC MODULAR FILE', then 0x1A, blanks and four zero bytes)");
            long offset = magic.Length;
            while (true)
            {
                int got = source.ReadRaw(header[..MprModuleHeader.OldSize]);
                if (got == 0) throw new FormatException("the file has no data module ('VMP data'): nothing was measured, or EC-Lab has not yet written it");
                if (got < MprModuleHeader.OldSize) throw new FormatException($"the file ends inside the module header at byte {offset:N0}");
                if (MprModuleHeader.IsNewLayout(header) && source.ReadRaw(header[MprModuleHeader.OldSize..]) < MprModuleHeader.NewSize - MprModuleHeader.OldSize)
                    throw new FormatException($"the file ends inside the module header at byte {offset:N0}");
                var module = MprModuleHeader.Parse(header, offset);
                offset += module.HeaderSize;
                if (module.ShortName == MprModuleHeader.DataModule)
                {
                    (_decoder, _records) = ReadLayout(module, diagnostics);
                    break;
                }
                if (module.ShortName == "VMP Set") diagnostics.AddNote($"EC-Lab settings module dated {module.Date} (MM/dd/yy)");
                if (source.SkipRaw(module.Length) < module.Length)
                    throw new FormatException($"the file ends inside module '{module.ShortName}' (it announces {module.Length:N0} bytes from byte {offset:N0})");
                offset += module.Length;
            }
            if (onDisk is not null) diagnostics.StartTime = MprFileMap.Read(onDisk.SafeFileHandle, name)?.Start;
            if (diagnostics.StartTime is null) diagnostics.AddNote("no acquisition start time in the file's log module: samples are timed from the first record");
        }
        catch (FormatException e)
        {
            throw new CyclerDataException(name, 0, null, e.Message);
        }
        _record = new byte[_decoder.RecordSize];
    }

    /// <inheritdoc/>
    public long Record => _read;

    /// <inheritdoc/>
    public string RecordName => "record";

    /// <inheritdoc/>
    /// <exception cref="CyclerDataException">The file ends inside the records it announces.</exception>
    public bool? TryRead(out CyclerSample sample, out RowError error)
    {
        sample = default;
        error = default;
        if (_read >= _records) return null;
        int got = _source.ReadRaw(_record);
        if (got < _record.Length)
            throw new CyclerDataException(_name, 0, null,
                $"the file ends inside record {_read + 1:N0} of the {_records:N0} its data module announces ({got} of {_record.Length} bytes): it is incomplete (EC-Lab still writing? follow it with twin publish --follow)");
        _read++;
        return _decoder.TryDecode(_record, out sample, out error);
    }

    /// <summary>Nothing to release: the bytes belong to the caller's reader.</summary>
    public void Dispose()
    {
    }

    private (MprRecordDecoder, long) ReadLayout(MprModuleHeader module, ReadDiagnostics diagnostics)
    {
        Span<byte> start = stackalloc byte[6];
        if (_source.ReadRaw(start) < 6) throw new FormatException("the file ends inside the data module's header");
        int dataOffset = MprDataLayout.FirstRecord(module.Version, start[5]);
        byte[] prefix = new byte[Math.Max(dataOffset, 6)];
        start.CopyTo(prefix);
        if (dataOffset > 6 && _source.ReadRaw(prefix.AsSpan(6)) < dataOffset - 6) throw new FormatException("the file ends inside the data module's header");
        var layout = MprDataLayout.Parse(module.Version, prefix);
        if (module.Length < layout.DataOffset + layout.Records * layout.RecordSize)
            throw new FormatException($"the data module announces {layout.Records:N0} records of {layout.RecordSize} bytes but holds {module.Length:N0} bytes: the file is damaged or still being written (follow it with twin publish --follow)");
        return (new MprRecordDecoder(layout, diagnostics), layout.Records);
    }
}
