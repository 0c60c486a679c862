using System.Globalization;

namespace Twin.FirmwareSim.Smu;

/// <summary>The command table of the simulated 2450 and the parameter parsing it uses.</summary>
public sealed partial class Keithley2450Simulator
{
    private List<Command> BuildCommands()
    {
        var list = new List<Command>();
        void Add(string pattern, Action<ScpiUnit>? set, Func<ScpiUnit, string>? query) =>
            list.Add(new Command(new ScpiHeaderPattern(pattern), set, query is null ? null : u => new Response(query(u), null)));
        void AddRaw(string pattern, Func<ScpiUnit, Response> query) => list.Add(new Command(new ScpiHeaderPattern(pattern), null, query));

        // IEEE 488.2 common commands
        Add("*IDN", null, u => { NoParams(u); return $"KEITHLEY INSTRUMENTS,MODEL 2450,{SerialNumber},{Firmware}"; });
        Add("*RST", u => { NoParams(u); ResetSettings(); ApplyToBench(); }, null);
        Add("*CLS", u => { NoParams(u); _status.Clear(); }, null);
        Add("*OPC", u => { NoParams(u); _status.SetEvent(ScpiStatusModel.Opc); }, u => { NoParams(u); return "1"; });
        Add("*WAI", u => NoParams(u), null);
        Add("*ESR", null, u => { NoParams(u); return Int(_status.ReadAndClearEsr()); });
        Add("*ESE", u => _status.Ese = Mask(u), u => { NoParams(u); return Int(_status.Ese); });
        Add("*SRE", u => _status.Sre = Mask(u) & ~ScpiStatusModel.Mss, u => { NoParams(u); return Int(_status.Sre); });
        Add("*STB", null, u => { NoParams(u); return Int(_status.StatusByte); });

        // SYSTem
        Add("SYSTem:ERRor:[NEXT]", null, u => { NoParams(u); var (code, text) = _status.Next(); return $"{Int(code)},\"{text}\""; });
        Add("SYSTem:ERRor:COUNt", null, u => { NoParams(u); return Int(_status.ErrorCount); });

        // SOURce
        Add("SOURce#:FUNCtion:[MODE]", u =>
        {
            var f = Choice(u, ("CURRent", SmuFunction.Current), ("VOLTage", SmuFunction.Voltage));
            if (f != _sourceFunction)
            {
                _sourceFunction = f;
                _output = false; // the 2450 turns the output off when the source function changes
                ApplyToBench();
            }
        }, u => { NoParams(u); return _sourceFunction == SmuFunction.Current ? "CURR" : "VOLT"; });
        Add("SOURce#:CURRent:[LEVel]:[IMMediate]:[AMPLitude]", u => { _sourceCurrentA = Number(u, -MaxCurrentA, MaxCurrentA); ApplyToBench(); }, u => Nr3Query(u, _sourceCurrentA));
        Add("SOURce#:CURRent:VLIMit:[LEVel]", u => { _voltageLimitV = Number(u, 0.02, MaxVoltageV); ApplyToBench(); }, u => Nr3Query(u, _voltageLimitV));
        Add("SOURce#:CURRent:VLIMit:[LEVel]:TRIPped", null, u => { NoParams(u); return Tripped(SmuFunction.Current); });
        Add("SOURce#:VOLTage:[LEVel]:[IMMediate]:[AMPLitude]", u => { _sourceVoltageV = Number(u, -MaxVoltageV, MaxVoltageV); ApplyToBench(); }, u => Nr3Query(u, _sourceVoltageV));
        Add("SOURce#:VOLTage:ILIMit:[LEVel]", u => { _currentLimitA = Number(u, 1e-9, MaxCurrentA); ApplyToBench(); }, u => Nr3Query(u, _currentLimitA));
        Add("SOURce#:VOLTage:ILIMit:[LEVel]:TRIPped", null, u => { NoParams(u); return Tripped(SmuFunction.Voltage); });
        Add("SOURce#:CURRent:RANGe:AUTO", u => _autoRangeSourceCurrent = Bool(u), u => BoolQuery(u, _autoRangeSourceCurrent));
        Add("SOURce#:VOLTage:RANGe:AUTO", u => _autoRangeSourceVoltage = Bool(u), u => BoolQuery(u, _autoRangeSourceVoltage));
        Add("SOURce#:CURRent:READ:BACK", u => _readbackCurrent = Bool(u), u => BoolQuery(u, _readbackCurrent));
        Add("SOURce#:VOLTage:READ:BACK", u => _readbackVoltage = Bool(u), u => BoolQuery(u, _readbackVoltage));

        // SENSe
        Add("SENSe#:FUNCtion:[ON]", u =>
        {
            string name = ScpiProgramParser.Unquote(Single(u)).ToUpperInvariant();
            _senseFunction = name switch
            {
                "VOLT" or "VOLTAGE" or "VOLT:DC" or "VOLTAGE:DC" => SmuFunction.Voltage,
                "CURR" or "CURRENT" or "CURR:DC" or "CURRENT:DC" => SmuFunction.Current,
                _ => throw new ScpiCommandError(-224, "Illegal parameter value"),
            };
        }, u => { NoParams(u); return _senseFunction == SmuFunction.Voltage ? "\"VOLT:DC\"" : "\"CURR:DC\""; });
        Add("SENSe#:VOLTage:[DC]:RANGe:AUTO", u => _autoRangeSenseVoltage = Bool(u), u => BoolQuery(u, _autoRangeSenseVoltage));
        Add("SENSe#:CURRent:[DC]:RANGe:AUTO", u => _autoRangeSenseCurrent = Bool(u), u => BoolQuery(u, _autoRangeSenseCurrent));
        Add("SENSe#:VOLTage:[DC]:RSENse", u => _remoteSense = Bool(u), u => BoolQuery(u, _remoteSense));
        Add("SENSe#:CURRent:[DC]:RSENse", u => _remoteSense = Bool(u), u => BoolQuery(u, _remoteSense));
        Add("SENSe#:VOLTage:[DC]:NPLCycles", u => _nplcVoltage = Number(u, 0.01, 10), u => Nr3Query(u, _nplcVoltage));
        Add("SENSe#:CURRent:[DC]:NPLCycles", u => _nplcCurrent = Number(u, 0.01, 10), u => Nr3Query(u, _nplcCurrent));

        // OUTPut
        Add("OUTPut#:[STATe]", u => { _output = Bool(u); ApplyToBench(); }, u => BoolQuery(u, _output));
        Action<ScpiUnit> setOffMode = u =>
        {
            _offMode = Choice(u, ("HIMPedance", OutputOffMode.HighImpedance), ("NORMal", OutputOffMode.Normal), ("ZERO", OutputOffMode.Zero));
            ApplyToBench();
        };
        Func<ScpiUnit, string> getOffMode = u => { NoParams(u); return _offMode switch { OutputOffMode.HighImpedance => "HIMP", OutputOffMode.Zero => "ZERO", _ => "NORM" }; };
        Add("OUTPut#:SMODe", setOffMode, getOffMode);
        Add("OUTPut#:CURRent:SMODe", setOffMode, getOffMode);
        Add("OUTPut#:VOLTage:SMODe", setOffMode, getOffMode);

        // measurements and the reading buffer
        AddRaw("READ", u => ReadingReply(u, 0, measure: true));
        AddRaw("FETCh", u => ReadingReply(u, 0, measure: false));
        AddRaw("MEASure:VOLTage:[DC]", u => { _senseFunction = SmuFunction.Voltage; return ReadingReply(u, 0, measure: true); });
        AddRaw("MEASure:CURRent:[DC]", u => { _senseFunction = SmuFunction.Current; return ReadingReply(u, 0, measure: true); });
        Add("TRACe:CLEar", u => { MaxParams(u, 1); Buffer(u.Parameters.Count > 0 ? u.Parameters[0] : "defbuffer1").Clear(); }, null);
        Add("TRACe:ACTual", null, u => { MaxParams(u, 1); return Int(Buffer(u.Parameters.Count > 0 ? u.Parameters[0] : "defbuffer1").Count); });
        AddRaw("TRACe:DATA", TraceData);
        Add("FORMat:[DATA]", u =>
        {
            MaxParams(u, 2); // the 2450 accepts an optional size for REAL; ignored
            _format = Choice(new ScpiUnit(u.Header, false, u.Parameters.Count > 0 ? [u.Parameters[0]] : [], u.Text),
                ("ASCii", DataFormat.Ascii), ("REAL", DataFormat.Real), ("SREal", DataFormat.SingleReal));
        }, u => { NoParams(u); return _format switch { DataFormat.Real => "REAL,64", DataFormat.SingleReal => "SRE,32", _ => "ASC" }; });
        Add("FORMat:BORDer", u => _swapped = Choice(u, ("NORMal", false), ("SWAPped", true)), u => { NoParams(u); return _swapped ? "SWAP" : "NORM"; });
        return list;
    }

    private string Tripped(SmuFunction function)
    {
        if (!_output || _sourceFunction != function) return "0";
        return Bench.Measure().InCompliance ? "1" : "0";
    }

    /// <summary>:READ? / :FETCh? / :MEASure:…? [bufferName[, elements…]].</summary>
    private Response ReadingReply(ScpiUnit u, int first, bool measure)
    {
        string bufferName = u.Parameters.Count > first ? u.Parameters[first] : "defbuffer1";
        var buffer = Buffer(bufferName);
        var elements = Elements(u, first + 1);
        BufferedReading reading;
        if (measure) reading = Measure(bufferName);
        else reading = _lastReading ?? throw new ScpiCommandError(-230, "Data corrupt or stale");
        return Render(buffer, [reading], elements);
    }

    /// <summary>:TRACe:DATA? start, end[, bufferName[, elements…]] (1-based, inclusive).</summary>
    private Response TraceData(ScpiUnit u)
    {
        if (u.Parameters.Count < 2) throw new ScpiCommandError(-109, "Missing parameter");
        int start = (int)Number(u.Parameters[0]);
        int end = (int)Number(u.Parameters[1]);
        var buffer = Buffer(u.Parameters.Count > 2 ? u.Parameters[2] : "defbuffer1");
        var elements = Elements(u, 3);
        if (start < 1 || end < start || end > buffer.Count) throw new ScpiCommandError(-222, "Data out of range");
        var readings = new BufferedReading[end - start + 1];
        for (int i = start; i <= end; i++) readings[i - start] = buffer[i];
        return Render(buffer, readings, elements);
    }

    private Response Render(ReadingBuffer buffer, IReadOnlyList<BufferedReading> readings, IReadOnlyList<BufferElement> elements)
    {
        if (_format == DataFormat.Ascii)
        {
            var parts = new List<string>(readings.Count * elements.Count);
            foreach (var r in readings)
                foreach (var e in elements) parts.Add(buffer.Format(r, e));
            return new Response(string.Join(',', parts), null);
        }
        var values = new List<double>(readings.Count * elements.Count);
        foreach (var r in readings)
            foreach (var e in elements) values.Add(buffer.Value(r, e));
        return new Response(null, ReadingBuffer.BinaryBlock(values, _format == DataFormat.SingleReal, _swapped));
    }

    private static List<BufferElement> Elements(ScpiUnit u, int first)
    {
        var list = new List<BufferElement>();
        for (int i = first; i < u.Parameters.Count; i++)
        {
            // elements may be given bare or quoted, and a quoted list may hold several
            foreach (string name in ScpiProgramParser.Unquote(u.Parameters[i]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!BufferElementParse(name, out var e)) throw new ScpiCommandError(-224, "Illegal parameter value");
                list.Add(e);
            }
        }
        if (list.Count > 14) throw new ScpiCommandError(-108, "Parameter not allowed");
        if (list.Count == 0) list.Add(BufferElement.Reading);
        return list;
    }

    private static bool BufferElementParse(string name, out BufferElement element) => ReadingBuffer.TryParseElement(name, out element);

    private static void NoParams(ScpiUnit u)
    {
        if (u.Parameters.Count > 0) throw new ScpiCommandError(-108, "Parameter not allowed");
    }

    private static void MaxParams(ScpiUnit u, int max)
    {
        if (u.Parameters.Count > max) throw new ScpiCommandError(-108, "Parameter not allowed");
    }

    private static string Single(ScpiUnit u)
    {
        if (u.Parameters.Count == 0 || u.Parameters[0].Length == 0) throw new ScpiCommandError(-109, "Missing parameter");
        if (u.Parameters.Count > 1) throw new ScpiCommandError(-108, "Parameter not allowed");
        return u.Parameters[0];
    }

    private static double Number(ScpiUnit u, double min, double max)
    {
        string text = Single(u).ToUpperInvariant();
        double value = text switch
        {
            "MIN" or "MINIMUM" => min,
            "MAX" or "MAXIMUM" => max,
            "DEF" or "DEFAULT" => Math.Clamp(0, min, max),
            _ => Number(text),
        };
        if (value < min || value > max) throw new ScpiCommandError(-222, "Data out of range");
        return value;
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new ScpiCommandError(-104, "Data type error");

    private static int Mask(ScpiUnit u)
    {
        double v = Number(u, 0, 255);
        return (int)Math.Round(v);
    }

    private static bool Bool(ScpiUnit u) => Single(u).ToUpperInvariant() switch
    {
        "ON" or "1" => true,
        "OFF" or "0" => false,
        _ => throw new ScpiCommandError(-224, "Illegal parameter value"),
    };

    private static T Choice<T>(ScpiUnit u, params (string Name, T Value)[] choices)
    {
        string text = Single(u);
        foreach (var (name, value) in choices)
        {
            int shortLength = 0;
            while (shortLength < name.Length && char.IsUpper(name[shortLength])) shortLength++;
            if (text.Equals(name[..shortLength], StringComparison.OrdinalIgnoreCase) || text.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new ScpiCommandError(-224, "Illegal parameter value");
    }

    private static string Nr3Query(ScpiUnit u, double value)
    {
        NoParams(u);
        return Nr3(value);
    }

    private static string BoolQuery(ScpiUnit u, bool value)
    {
        NoParams(u);
        return value ? "1" : "0";
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
