namespace Twin.Drivers.Protocol;

/// <summary>
/// Recursive-descent parser for one step line (grammar in <see cref="ProtocolParser"/>). Columns in errors
/// refer to the whole line, so a step inside an indented loop body is reported where it stands.
/// </summary>
internal sealed class StepParser
{
    private const string SetpointWhat = "a current (A, mA, µA), a C-rate (C/10, 0.5C) or a voltage (V, mV)";
    private const string LimitWhat = "a limit: a voltage (4.2 V), current (50 mA), C-rate (C/200), duration (2 hours) or c_Li 0.42";

    private readonly string _origin;
    private readonly int _line;
    private readonly string _lineText;
    private readonly List<Token> _tokens;
    private int _pos;

    private StepParser(string origin, int line, string lineText, int start, int end)
    {
        _origin = origin;
        _line = line;
        _lineText = lineText;
        _tokens = StepLexer.Tokenize(lineText, start, end);
    }

    /// <summary>Parses <paramref name="lineText"/>[<paramref name="start"/>..<paramref name="end"/>) as one step.</summary>
    /// <exception cref="ProtocolSyntaxException">The text is not a valid step.</exception>
    public static ProtocolStep Parse(string origin, int line, string lineText, int start, int end)
        => new StepParser(origin, line, lineText, start, end).ParseStep(lineText[start..end].Trim());

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[Math.Min(_pos++, _tokens.Count - 1)];

    private ProtocolSyntaxException Error(Token at, string reason) => Error(at.Start, reason);

    private ProtocolSyntaxException Error(int index, string reason)
        => new(_origin, _line, index + 1, _lineText, reason);

    private static string Describe(Token t) => t.Kind == TokenKind.End ? "end of step" : $"'{t.Text}'";

    private ProtocolStep ParseStep(string text)
    {
        Token head = Next();
        ProtocolAction action = head.Lower switch
        {
            "rest" when head.Kind == TokenKind.Word => ProtocolAction.Rest,
            "charge" when head.Kind == TokenKind.Word => ProtocolAction.Charge,
            "discharge" when head.Kind == TokenKind.Word => ProtocolAction.Discharge,
            "hold" when head.Kind == TokenKind.Word => ProtocolAction.Hold,
            "run" when head.Kind == TokenKind.Word => throw Error(head, "drive-cycle steps ('Run …') are not supported"),
            _ when head.Kind == TokenKind.End => throw Error(head, "empty step: expected Rest, Charge, Discharge or Hold"),
            _ => throw Error(head, $"unknown step {Describe(head)}: expected Rest, Charge, Discharge or Hold"),
        };

        StepSetpoint? setpoint = null;
        if (action == ProtocolAction.Rest)
        {
            if (Peek.IsWord("at"))
                throw Error(Peek, "a Rest step takes no setpoint: write 'Rest for 10 minutes'");
            if (!Peek.IsWord("for"))
                throw Error(Peek, $"a Rest step needs a duration: expected 'for' (as in 'Rest for 10 minutes'), got {Describe(Peek)}");
        }
        else
        {
            if (!Peek.IsWord("at"))
                throw Error(Peek, $"expected 'at' after '{head.Text}', got {Describe(Peek)}");
            Next();
            setpoint = ParseSetpoint(action);
        }

        var until = new List<StepLimit>();
        if (Peek.IsWord("for"))
        {
            Next();
            Token at = Peek;
            Quantity d = ParseQuantity("a duration such as '30 minutes'");
            if (d.Kind != LimitKind.Duration)
                throw Error(at, $"expected a duration after 'for' ({ProtocolUnits.TimeList}), got a {KindName(d.Kind)}");
            until.Add(new StepLimit(LimitKind.Duration, d.Value));
            if (Peek.IsWord("or"))
            {
                Next();
                if (Peek.IsWord("until")) Next();
                ParseLimits(action, until);
            }
            else if (!AtPeriodOrEnd())
            {
                throw Error(Peek, $"expected 'or until', '(… period)' or end of step after the duration, got {Describe(Peek)}");
            }
        }
        else if (Peek.IsWord("until"))
        {
            Next();
            ParseLimits(action, until);
        }
        else if (action == ProtocolAction.Rest)
        {
            throw Error(Peek, "a Rest step needs a duration: write 'Rest for 10 minutes'");
        }
        else if (Peek.Kind == TokenKind.End || Peek.IsSymbol('('))
        {
            throw Error(Peek, $"a {action} step needs a termination: 'until …' or 'for …'");
        }
        else
        {
            throw Error(Peek, $"expected 'until', 'for' or '(… period)' after the setpoint");
        }

        double? period = null;
        if (Peek.IsSymbol('('))
            period = ParsePeriod();
        if (Peek.Kind != TokenKind.End)
            throw Error(Peek, period is null
                ? $"expected 'or', '(… period)' or end of step after the limit, got {Describe(Peek)}"
                : $"unexpected {Describe(Peek)} after the sampling period");
        return new ProtocolStep(_line, text, action, setpoint, until, period);
    }

    private bool AtPeriodOrEnd() => Peek.Kind == TokenKind.End || Peek.IsSymbol('(');

    private StepSetpoint ParseSetpoint(ProtocolAction action)
    {
        Token at = Peek;
        Quantity q = ParseQuantity(action == ProtocolAction.Hold ? "a voltage such as '4.2 V'" : "a current (1 A, 500 mA) or a C-rate (C/10, 0.5C)");
        if (action == ProtocolAction.Hold)
        {
            if (q.Kind != LimitKind.Voltage)
                throw Error(at, $"a Hold step needs a voltage setpoint (as in 'Hold at 4.2 V'), got a {KindName(q.Kind)}");
        }
        else if (q.Kind == LimitKind.Voltage)
        {
            throw Error(at, $"a {action} step sources a current or C-rate, not a voltage; use 'Hold at … V' for constant voltage");
        }
        else if (q.Kind is not (LimitKind.Current or LimitKind.CRate))
        {
            throw Error(at, $"a {action} step needs a current or C-rate setpoint, got a {KindName(q.Kind)}");
        }
        return new StepSetpoint(q.Value, q.Kind);
    }

    private void ParseLimits(ProtocolAction action, List<StepLimit> until)
    {
        while (true)
        {
            Token at = Peek;
            Quantity q = ParseQuantity(LimitWhat);
            CheckLimitAllowed(action, q.Kind, at);
            if (until.Exists(l => l.Kind == q.Kind))
                throw Error(at, $"duplicate {KindName(q.Kind)} limit");
            until.Add(new StepLimit(q.Kind, q.Value));
            if (!Peek.IsWord("or")) return;
            Next();
            if (Peek.IsWord("until")) Next();
        }
    }

    private void CheckLimitAllowed(ProtocolAction action, LimitKind kind, Token at)
    {
        string? reason = action switch
        {
            ProtocolAction.Rest when kind != LimitKind.Duration
                => $"a Rest step ends only on a duration, not on a {KindName(kind)}",
            ProtocolAction.Charge or ProtocolAction.Discharge when kind is LimitKind.Current or LimitKind.CRate
                => $"a {action} step cannot end on a {KindName(kind)} (current limits are for Hold steps); use a voltage, duration or c_Li limit",
            ProtocolAction.Hold when kind == LimitKind.Voltage
                => "a Hold step cannot end on a voltage (it holds the voltage); use a current, C-rate, duration or c_Li limit",
            _ => null,
        };
        if (reason is not null) throw Error(at, reason);
    }

    private double ParsePeriod()
    {
        Next(); // '('
        Token at = Peek;
        Quantity q = ParseQuantity("a sampling period such as '(10 second period)'");
        if (q.Kind != LimitKind.Duration)
            throw Error(at, $"a sampling period is a duration ({ProtocolUnits.TimeList}), got a {KindName(q.Kind)}");
        if (!Peek.IsWord("period"))
            throw Error(Peek, $"expected 'period' in the sampling period (as in '(10 second period)'), got {Describe(Peek)}");
        Next();
        if (!Peek.IsSymbol(')'))
            throw Error(Peek, $"expected ')' to close the sampling period, got {Describe(Peek)}");
        Next();
        return q.Value;
    }

    private readonly record struct Quantity(LimitKind Kind, double Value);

    private Quantity ParseQuantity(string what)
    {
        Token t = Peek;
        if (t.IsWord("c_li"))
        {
            Next();
            if (Peek.IsSymbol('=')) Next();
            Token v = Peek;
            if (v.Kind != TokenKind.Number)
                throw Error(v, $"expected a lithium content after '{t.Text}', got {Describe(v)}");
            Next();
            double c = CheckPositive(v);
            if (c > 1)
                throw Error(v, $"lithium content must lie in (0, 1], got {v.Text}");
            return new Quantity(LimitKind.LithiumContent, c);
        }
        if (t.IsWord("c"))
        {
            Next();
            if (!Peek.IsSymbol('/'))
                throw Error(Peek, "expected '/' after 'C': C-rates are written C/10, 0.1C or 2C");
            Next();
            Token n = Peek;
            if (n.Kind != TokenKind.Number)
                throw Error(n, $"expected a number after 'C/', got {Describe(n)}");
            Next();
            return new Quantity(LimitKind.CRate, 1.0 / CheckPositive(n));
        }
        if (t.Kind == TokenKind.End)
            throw Error(t, $"missing value: expected {what}");
        if (t.Kind != TokenKind.Number)
            throw Error(t, $"expected {what}, got {Describe(t)}");
        Next();
        Token u = Peek;
        if (u.Kind != TokenKind.Word || u.IsWord("until") || u.IsWord("for") || u.IsWord("or") || u.IsWord("period"))
            throw Error(u, $"missing unit after '{t.Text}': expected V, mV, A, mA, µA, C (C-rate) or {ProtocolUnits.TimeList}");
        string unit = u.Lower;
        Next();
        LimitKind kind;
        double factor;
        if (ProtocolUnits.Voltage.TryGetValue(unit, out factor)) kind = LimitKind.Voltage;
        else if (ProtocolUnits.Current.TryGetValue(unit, out factor)) kind = LimitKind.Current;
        else if (ProtocolUnits.Time.TryGetValue(unit, out factor)) kind = LimitKind.Duration;
        else if (unit == "c") { kind = LimitKind.CRate; factor = 1; }
        else if (ProtocolUnits.Unsupported.TryGetValue(unit, out string? quantity))
            throw Error(t, $"{quantity} setpoints and limits ('{t.Text} {u.Text}') are not supported");
        else
            throw Error(u, $"unknown unit '{u.Text}': expected V, mV, A, mA, µA, C (C-rate) or {ProtocolUnits.TimeList}");
        double value = CheckPositive(t) * factor;
        return new Quantity(kind, value);
    }

    private double CheckPositive(Token number)
    {
        if (!double.IsFinite(number.Number))
            throw Error(number, $"value '{number.Text}' is not a finite number");
        if (number.Number <= 0)
            throw Error(number, $"values must be positive, got '{number.Text}'");
        return number.Number;
    }

    private static string KindName(LimitKind kind) => kind switch
    {
        LimitKind.Voltage => "voltage",
        LimitKind.Current => "current",
        LimitKind.CRate => "C-rate",
        LimitKind.Duration => "duration",
        _ => "lithium content",
    };
}
