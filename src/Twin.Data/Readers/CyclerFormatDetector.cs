using System.Text;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers;

/// <summary>
/// Tells which cycler wrote a file from its first bytes (header lines and column names), not from its
/// file extension.
/// </summary>
public static class CyclerFormatDetector
{
    /// <summary>How many bytes from the start of a file are looked at.</summary>
    public const int HeadLength = 64 * 1024;

    /// <summary>How many lines from the start may hold the column header row.</summary>
    private const int HeaderSearchLines = 60;

    private const string Expected =
        "expected one of: a BioLogic EC-Lab text export (first line 'EC-Lab ASCII FILE') or raw file (.mpr, 'BIO-LOGIC MODULAR FILE'); "
        + "a Maccor export (a header row starting with 'Rec#' and a tab, or 'Rec' and a comma: MaccorExport CSV); "
        + "a Neware CSV (header with 'Step Type', 'Current(A)' or 'Current(mA)', 'Voltage(V)'); "
        + "an Arbin CSV (header with 'Data_Point' or 'Test_Time(s)', 'Current(A)', 'Voltage(V)'); "
        + "a BDF CSV (header with 'Test Time / s', 'Voltage / V', 'Current / A', or their machine-readable names test_time_second, voltage_volt, current_ampere)";

    /// <summary>Detects the format of the file at <paramref name="path"/> from its first bytes.</summary>
    /// <exception cref="CyclerDataException">No known format matches; the message says what was expected.</exception>
    public static CyclerFormat Detect(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Detect(stream, path);
    }

    /// <summary>
    /// Detects the format of a seekable stream from its first bytes and puts the position back where it was.
    /// (A forward-only stream can be read with <see cref="CyclerFileReader.Open(Stream, string, ReaderOptions?, bool)"/>, which detects by itself.)
    /// </summary>
    /// <exception cref="NotSupportedException">The stream cannot seek.</exception>
    /// <exception cref="CyclerDataException">No known format matches.</exception>
    public static CyclerFormat Detect(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new NotSupportedException("Format detection on a stream needs a seekable stream; use CyclerFileReader.Open, which detects as it reads.");
        }

        long position = stream.Position;
        byte[] head = new byte[HeadLength];
        int length = 0;
        int read;
        while (length < head.Length && (read = stream.Read(head, length, head.Length - length)) > 0)
        {
            length += read;
        }

        stream.Position = position;
        return Detect(head.AsSpan(0, length), sourceName);
    }

    /// <summary>Detects the format from the first bytes of a file (about <see cref="HeadLength"/> of them).</summary>
    /// <exception cref="CyclerDataException">No known format matches; the message names the source and what was expected.</exception>
    public static CyclerFormat Detect(ReadOnlySpan<byte> head, string sourceName)
    {
        if (TryDetect(head, out CyclerFormat format))
        {
            return format;
        }

        if (BinaryExports.Describe(head) is { } binary)
        {
            throw new CyclerDataException(sourceName, 0, null, binary);
        }

        string firstLine = BinaryExports.Printable(FirstLines(head).FirstOrDefault(l => l.Trim().Length > 0) ?? string.Empty);

        string found = firstLine.Length == 0 ? "the file is empty" : $"its first line is '{firstLine}'";
        throw new CyclerDataException(sourceName, 0, null,
            $"cannot tell which cycler wrote this file: {found}; {Expected}. "
            + $"Name the format explicitly (accepted: {string.Join(", ", CyclerFormatNames.Accepted)}).");
    }

    /// <summary>Detects the format from the first bytes of a file; false when nothing matches.</summary>
    public static bool TryDetect(ReadOnlySpan<byte> head, out CyclerFormat format)
    {
        if (head.StartsWith(BioLogic.Mpr.MprModuleHeader.Signature))
        {
            format = CyclerFormat.BioLogicMpr;
            return true;
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            format = CyclerFormat.NewareNdax;
            return true;
        }

        List<string> lines = FirstLines(head);
        format = default;
        if (lines.Count == 0)
        {
            return false;
        }

        string first = lines[0].TrimStart();
        if (first.StartsWith("EC-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase)
            || first.StartsWith("BT-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase))
        {
            format = CyclerFormat.BioLogicMpt;
            return true;
        }

        int searched = 0;
        foreach (string line in lines)
        {
            if (++searched > HeaderSearchLines)
            {
                break;
            }

            if (Maccor.MaccorParser.IsTableHeader(Encoding.UTF8.GetBytes(line.Trim())))
            {
                format = CyclerFormat.Maccor;
                return true;
            }

            if (IsMptColumnRow(line))
            {
                format = CyclerFormat.BioLogicMpt; // an EC-Lab text export without its header block
                return true;
            }

            if (TryClassifyHeader(line, out format))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for EC-Lab's tab-separated column row: <c>time/s</c>, a working-electrode or cell voltage and a current in mA.</summary>
    private static bool IsMptColumnRow(string line)
    {
        if (!line.Contains('\t')) return false;
        var cells = line.Split('\t').Select(c => c.Trim()).ToHashSet(StringComparer.Ordinal);
        return cells.Contains("time/s")
            && (cells.Contains("Ewe/V") || cells.Contains("<Ewe>/V") || cells.Contains("Ecell/V"))
            && (cells.Contains("I/mA") || cells.Contains("<I>/mA"));
    }

    /// <summary>Classifies one candidate column header row of a CSV-like export.</summary>
    internal static bool TryClassifyHeader(string line, out CyclerFormat format)
    {
        format = default;
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        byte delimiter = DelimiterGuess.FromHeader(bytes);
        List<string> cells = FieldSplitter.SplitToStrings(bytes, delimiter);
        if (cells.Count < 3)
        {
            return false;
        }

        var bdf = new HashSet<string>(cells.Select(c => ColumnMap.Split(c, HeaderStyle.SpacedSlash).Key + "|" + ColumnMap.Split(c, HeaderStyle.SpacedSlash).Unit.ToLowerInvariant()));
        if (bdf.Contains("voltage|v") && bdf.Contains("current|a") && bdf.Any(k => k.StartsWith("testtime|", StringComparison.Ordinal)))
        {
            format = CyclerFormat.Bdf;
            return true;
        }

        var keys = new HashSet<string>(cells.Select(c => ColumnMap.Split(c, HeaderStyle.Parenthesized).Key));
        bool hasVoltage = keys.Contains("voltage");
        bool hasCurrent = keys.Contains("current") || keys.Contains("cur");
        if (!hasVoltage || !hasCurrent)
        {
            return false;
        }

        bool stepType = keys.Contains("steptype") || keys.Contains("status");
        bool newareOnly = keys.Contains("chgcap") || keys.Contains("dchgcap") || keys.Contains("totaltime") || keys.Contains("recordid");
        if (stepType || newareOnly)
        {
            format = CyclerFormat.Neware;
            return true;
        }

        if (keys.Contains("datapoint") || keys.Contains("testtime") || keys.Contains("cycleindex"))
        {
            format = CyclerFormat.Arbin;
            return true;
        }

        return false;
    }

    private static List<string> FirstLines(ReadOnlySpan<byte> head)
    {
        bool truncated = head.Length >= HeadLength;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        // Only the lines that may hold a header are decoded; a partial last line is dropped when the
        // head was cut short.
        int end = 0;
        for (int lines = 0; lines < HeaderSearchLines && end < head.Length; lines++)
        {
            int newline = head[end..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                end = truncated && lines > 0 ? end : head.Length;
                break;
            }

            end += newline + 1;
        }

        head = head[..end];
        string text = Encoding.UTF8.GetString(head);
        return [.. text.Split('\n').Select(l => l.TrimEnd('\r'))];
    }
}
