namespace Twin.FirmwareSim.Firmata;

/// <summary>Which side sends the bytes a <see cref="FirmataDecoder"/> parses; the version command differs in length.</summary>
public enum FirmataDirection
{
    /// <summary>Host to board: 0xF9 is a request without data.</summary>
    HostToBoard,
    /// <summary>Board to host: 0xF9 is a report with major and minor version.</summary>
    BoardToHost,
}

/// <summary>
/// Incremental Firmata byte-stream decoder (the framing of firmata/protocol, protocol.md: MIDI-style messages whose
/// command byte has the high bit set and whose data bytes carry 7 bits; SysEx framed by 0xF0 … 0xF7). Bytes that do not
/// fit the framing (data without a command, an unknown command, a SysEx interrupted by another command or longer than
/// <see cref="MaxSysexBytes"/>) are dropped and counted in <see cref="DiscardedBytes"/>, as a receiver resynchronises on
/// the next command byte. Not thread-safe.
/// </summary>
public sealed class FirmataDecoder
{
    /// <summary>Longest SysEx payload accepted (feature id included). Modelling assumption: large enough for every
    /// core message of a 20-pin board, small enough that a lost 0xF7 does not swallow the stream for long.</summary>
    public const int MaxSysexBytes = 256;

    private readonly FirmataDirection _direction;
    private readonly List<byte> _data = new(16);
    private byte _command;
    private byte _channel;
    private int _expected = -1; // data bytes still needed; -1 = no command pending; int.MaxValue = inside SysEx
    private long _discarded;

    /// <summary>Creates a decoder.</summary>
    /// <param name="direction">Which side's bytes are decoded.</param>
    public FirmataDecoder(FirmataDirection direction) => _direction = direction;

    /// <summary>Bytes dropped because they did not fit the framing.</summary>
    public long DiscardedBytes => _discarded;

    /// <summary>Decodes bytes; every completed message is handed to <paramref name="onMessage"/> in order.</summary>
    /// <param name="bytes">Received bytes.</param>
    /// <param name="onMessage">Called per completed message.</param>
    public void Feed(ReadOnlySpan<byte> bytes, Action<FirmataMessage> onMessage)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        foreach (byte b in bytes)
        {
            if (b >= 0x80) StartCommand(b, onMessage);
            else AddData(b, onMessage);
        }
    }

    /// <summary>Decodes bytes and returns the completed messages.</summary>
    /// <param name="bytes">Received bytes.</param>
    /// <returns>The messages completed by these bytes.</returns>
    public IReadOnlyList<FirmataMessage> Feed(ReadOnlySpan<byte> bytes)
    {
        var list = new List<FirmataMessage>();
        Feed(bytes, list.Add);
        return list;
    }

    private void StartCommand(byte b, Action<FirmataMessage> onMessage)
    {
        if (_expected == int.MaxValue)
        {
            if (b == FirmataCommand.EndSysex)
            {
                var message = new FirmataMessage(FirmataCommand.StartSysex, 0, [.. _data]);
                Reset();
                onMessage(message);
                return;
            }
            _discarded += _data.Count + 1; // SysEx interrupted: drop it and its start byte
        }
        else if (_expected > 0)
        {
            _discarded += _data.Count + 1; // message cut short by a new command
        }
        Reset();
        if (b < 0xF0)
        {
            _command = (byte)(b & 0xF0);
            _channel = (byte)(b & 0x0F);
            _expected = _command switch
            {
                FirmataCommand.AnalogMessage or FirmataCommand.DigitalMessage => 2,
                FirmataCommand.ReportAnalog or FirmataCommand.ReportDigital => 1,
                _ => -1,
            };
        }
        else
        {
            _command = b;
            _channel = 0;
            _expected = b switch
            {
                FirmataCommand.StartSysex => int.MaxValue,
                FirmataCommand.SetPinMode or FirmataCommand.SetDigitalPinValue => 2,
                FirmataCommand.ReportVersion => _direction == FirmataDirection.BoardToHost ? 2 : 0,
                FirmataCommand.SystemReset => 0,
                _ => -1,
            };
        }
        if (_expected == -1) _discarded++;
        else if (_expected == 0) Complete(onMessage);
    }

    private void AddData(byte b, Action<FirmataMessage> onMessage)
    {
        if (_expected == -1)
        {
            _discarded++;
            return;
        }
        if (_expected == int.MaxValue)
        {
            if (_data.Count >= MaxSysexBytes)
            {
                _discarded += _data.Count + 2;
                Reset();
                return;
            }
            _data.Add(b);
            return;
        }
        _data.Add(b);
        if (--_expected == 0) Complete(onMessage);
    }

    private void Complete(Action<FirmataMessage> onMessage)
    {
        var message = new FirmataMessage(_command, _channel, [.. _data]);
        Reset();
        onMessage(message);
    }

    private void Reset()
    {
        _data.Clear();
        _expected = -1;
        _command = 0;
        _channel = 0;
    }
}
