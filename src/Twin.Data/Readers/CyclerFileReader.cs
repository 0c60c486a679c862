using System.Collections;
using Twin.Core.Samples;
using Twin.Data.Readers.Arbin;
using Twin.Data.Readers.Bdf;
using Twin.Data.Readers.BioLogic;
using Twin.Data.Readers.BioLogic.Mpr;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Maccor;
using Twin.Data.Readers.Neware;
using Twin.Data.Readers.Neware.Ndax;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers;

/// <summary>
/// Reads a cycler export as a stream of <see cref="CyclerSample"/>s, normalised to this product's
/// conventions (current and charge positive on charge, time in seconds since the first sample).
/// </summary>
/// <remarks>
/// <para>
/// Opening reads only the file's header (format detection, column lookup, metadata); samples are parsed
/// lazily while enumerating, one row at a time, from a fixed-size buffer: memory stays constant whatever
/// the file size, and no memory is allocated per row. The samples can be enumerated once.
/// </para>
/// <example>
/// <code>
/// using var reader = CyclerFileReader.Open("cell.txt", new ReaderOptions { Lenient = true });
/// foreach (CyclerSample sample in reader) { ... }
/// Console.WriteLine($"{reader.Diagnostics.RowsRead} rows, {reader.Diagnostics.RowsSkipped} skipped");
/// </code>
/// </example>
/// </remarks>
public sealed class CyclerFileReader : IEnumerable<CyclerSample>, IDisposable
{
    private readonly ByteLineReader _lines;
    private readonly FormatParser? _parser;
    private readonly IRecordSource? _records;
    private readonly bool _lenient;
    private bool _enumerated;
    private bool _disposed;

    private CyclerFileReader(ByteLineReader lines, FormatParser? parser, IRecordSource? records, ReadDiagnostics diagnostics, bool lenient)
    {
        _lines = lines;
        _parser = parser;
        _records = records;
        Diagnostics = diagnostics;
        _lenient = lenient;
    }

    /// <summary>The file path or stream source name.</summary>
    public string SourceName => Diagnostics.Source;

    /// <summary>The format being read.</summary>
    public CyclerFormat Format => Diagnostics.Format;

    /// <summary>Metadata and row counts; the counts grow while enumerating.</summary>
    public ReadDiagnostics Diagnostics { get; }

    /// <summary>Opens a cycler file and reads its header.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Format override and lenient mode; null for the defaults.</param>
    /// <exception cref="CyclerDataException">The format cannot be detected or the header lacks a required column.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static CyclerFileReader Open(string path, ReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Open(stream, path, options, leaveOpen: false);
    }

    /// <summary>Opens a cycler export from a stream (read forward only; need not be seekable) and reads its header.</summary>
    /// <param name="stream">The bytes of the export.</param>
    /// <param name="sourceName">A name for messages, usually the file name.</param>
    /// <param name="options">Format override and lenient mode; null for the defaults.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <exception cref="CyclerDataException">The format cannot be detected or the header lacks a required column.</exception>
    public static CyclerFileReader Open(Stream stream, string sourceName, ReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= ReaderOptions.Default;
        long origin = stream.CanSeek ? stream.Position : -1;
        var lines = new ByteLineReader(stream, sourceName, leaveOpen);
        try
        {
            var head = lines.PeekHead(CyclerFormatDetector.HeadLength);
            if (BinaryFormat(head, options.Format, sourceName) is { } binaryFormat)
            {
                var binaryDiagnostics = new ReadDiagnostics(sourceName, binaryFormat) { FormatDetected = options.Format is null };
                IRecordSource records;
                if (binaryFormat == CyclerFormat.BioLogicMpr)
                {
                    records = new MprReader(lines, sourceName, binaryDiagnostics, stream as FileStream);
                }
                else
                {
                    if (origin >= 0) stream.Position = origin; // a ZIP is read by position from its start
                    records = new NdaxReader(stream, sourceName, binaryDiagnostics);
                }
                return new CyclerFileReader(lines, null, records, binaryDiagnostics, options.Lenient);
            }
            if (BinaryExports.Describe(head) is { } binary)
                throw new CyclerDataException(sourceName, 0, null, binary);
            CyclerFormat format = options.Format ?? CyclerFormatDetector.Detect(head, sourceName);
            var diagnostics = new ReadDiagnostics(sourceName, format) { FormatDetected = options.Format is null };
            FormatParser parser = CreateParser(format, sourceName, diagnostics);
            parser.ReadHeader(lines);
            return new CyclerFileReader(lines, parser, null, diagnostics, options.Lenient);
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    /// <summary>1-based line number of the row the last sample came from (0 before the first), for messages that name a line;
    /// in a binary file the record number (see <see cref="RowName"/>).</summary>
    public long LastLine { get; private set; }

    /// <summary>What <see cref="LastLine"/> counts: "line" in a text export, "record" in a binary one.</summary>
    public string RowName => _records is null ? "line" : "record";

    /// <summary>
    /// Enumerates the samples, parsing rows as they are requested. A malformed row throws
    /// <see cref="CyclerDataException"/> unless <see cref="ReaderOptions.Lenient"/> is set.
    /// </summary>
    /// <exception cref="InvalidOperationException">The samples were already enumerated (they can be read once).</exception>
    public IEnumerator<CyclerSample> GetEnumerator()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_enumerated)
        {
            throw new InvalidOperationException(
                $"The samples of '{SourceName}' were already enumerated; open the file again to read it again.");
        }

        _enumerated = true;
        return new Enumerator(this);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases the read buffer and closes the file (or the stream, unless left open).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _records?.Dispose();
            _lines.Dispose();
        }
    }

    /// <summary>The binary format a file is (EC-Lab .mpr, Neware .ndax), or null for text; checks a forced format against it.</summary>
    private static CyclerFormat? BinaryFormat(ReadOnlySpan<byte> head, CyclerFormat? forced, string sourceName)
    {
        CyclerFormat? found = head.StartsWith(MprModuleHeader.Signature) ? CyclerFormat.BioLogicMpr
            : head.StartsWith("PK\u0003\u0004"u8) ? CyclerFormat.NewareNdax
            : null;
        string Expected(CyclerFormat f) => f == CyclerFormat.BioLogicMpr
            ? "a binary EC-Lab .mpr (first bytes 'BIO-LOGIC MODULAR FILE'); an EC-Lab text export is read with --format biologic"
            : "a Neware BTS .ndax (a ZIP archive, first bytes 'PK'); a BTS CSV export is read with --format neware";
        string Found(CyclerFormat f) => f == CyclerFormat.BioLogicMpr ? "a binary EC-Lab .mpr file" : "a ZIP archive (a Neware .ndax is one)";
        if (found is { } f && forced is { } wanted && wanted != f)
            throw new CyclerDataException(sourceName, 0, null, $"this is {Found(f)}, not a {CyclerFormatNames.ToName(wanted)} export: leave --format out (or give --format {CyclerFormatNames.ToName(f)})");
        if (found is null && forced is CyclerFormat.BioLogicMpr or CyclerFormat.NewareNdax)
            throw new CyclerDataException(sourceName, 0, null, $"--format {CyclerFormatNames.ToName(forced.Value)}: expected {Expected(forced.Value)}");
        return found;
    }

    private static FormatParser CreateParser(CyclerFormat format, string source, ReadDiagnostics diagnostics) => format switch
    {
        CyclerFormat.BioLogicMpt => new MptParser(source, diagnostics),
        CyclerFormat.Maccor => new MaccorParser(source, diagnostics),
        CyclerFormat.Neware => new NewareParser(source, diagnostics),
        CyclerFormat.Arbin => new ArbinParser(source, diagnostics),
        CyclerFormat.Bdf => new BdfParser(source, diagnostics),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a cycler format"),
    };

    private bool MoveNext(out CyclerSample sample)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_records is not null) return MoveNextRecord(out sample);
        while (_lines.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (_parser!.IsBlank(line))
            {
                continue;
            }

            long lineNumber = _lines.LineNumber;
            if (_parser!.TryParseRow(line, lineNumber, out sample, out RowError error))
            {
                Diagnostics.RowsRead++;
                LastLine = lineNumber;
                return true;
            }

            if (!_lenient)
            {
                throw new CyclerDataException(SourceName, lineNumber, error.Column, error.Detail);
            }

            Diagnostics.RecordSkip(CyclerDataException.Compose(SourceName, lineNumber, error.Column, error.Detail));
        }

        sample = default;
        return false;
    }

    private bool MoveNextRecord(out CyclerSample sample)
    {
        while (_records!.TryRead(out sample, out RowError error) is { } good)
        {
            if (good)
            {
                Diagnostics.RowsRead++;
                LastLine = _records.Record;
                return true;
            }

            string detail = $"{_records.RecordName} {_records.Record:N0}: {error.Detail}";
            if (!_lenient)
            {
                throw new CyclerDataException(SourceName, 0, error.Column, detail);
            }

            Diagnostics.RecordSkip(CyclerDataException.Compose(SourceName, 0, error.Column, detail));
        }

        sample = default;
        return false;
    }

    private sealed class Enumerator(CyclerFileReader reader) : IEnumerator<CyclerSample>
    {
        private CyclerSample _current;

        public CyclerSample Current => _current;

        object IEnumerator.Current => _current;

        public bool MoveNext() => reader.MoveNext(out _current);

        public void Reset() => throw new NotSupportedException("The samples can be enumerated once; open the file again.");

        public void Dispose()
        {
        }
    }
}
