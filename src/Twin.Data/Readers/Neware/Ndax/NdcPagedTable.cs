namespace Twin.Data.Readers.Neware.Ndax;

/// <summary>
/// The paged layout of Neware <c>.ndc</c> tables from layout version 5 on: a 4096-byte header, then 4096-byte pages, each
/// holding fixed-size slots from a first byte up to a tail of unused bytes (offsets per table type and version, as
/// NewareNDA documents them). Read forward only, one page in memory.
/// </summary>
internal sealed class NdcPagedTable
{
    /// <summary>Bytes of the header and of each page.</summary>
    public const int PageSize = 4096;

    private readonly Stream _source;
    private readonly int _first, _end, _slot;
    private readonly byte[] _page = new byte[PageSize];
    private int _at;
    private bool _loaded;

    /// <summary>Reads past the header (the 3 bytes of type and version already read).</summary>
    /// <param name="source">The table's bytes after its first 3.</param>
    /// <param name="first">Offset of the first slot in a page.</param>
    /// <param name="tail">Bytes after the last slot of a page.</param>
    /// <param name="slot">Bytes of a slot.</param>
    /// <param name="entry">The table's name, for messages.</param>
    /// <exception cref="FormatException">The table ends inside its header.</exception>
    public NdcPagedTable(Stream source, int first, int tail, int slot, string entry)
    {
        _source = source;
        _first = first;
        _slot = slot;
        _end = first + (PageSize - tail - first) / slot * slot;
        if (source.ReadAtLeast(_page.AsSpan(0, PageSize - 3), PageSize - 3, throwOnEndOfStream: false) < PageSize - 3)
            throw new FormatException($"{entry} ends inside its {PageSize}-byte header");
    }

    /// <summary>The next slot (valid until the next call), whether in use or not.</summary>
    /// <param name="slot">Its bytes.</param>
    /// <returns>False at the end of the table (a partial last page is not a page).</returns>
    public bool TryNext(out ReadOnlySpan<byte> slot)
    {
        if (!_loaded || _at + _slot > _end)
        {
            if (_source.ReadAtLeast(_page, PageSize, throwOnEndOfStream: false) < PageSize)
            {
                slot = default;
                return false;
            }
            _loaded = true;
            _at = _first;
        }
        slot = _page.AsSpan(_at, _slot);
        _at += _slot;
        return true;
    }
}
