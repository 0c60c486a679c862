using Twin.Drivers.Protocol;

namespace Twin.Drivers.Tests.Protocol;

public class ProtocolFileTests
{
    private const string Formation = """
        # formation then ageing
        Rest for 1 hour

        Repeat 2 times:
            Charge at C/10 until 4.2 V   # CC
            Hold at 4.2 V until C/50     # CV
            Discharge at C/10 until 3.0 V
        Cycle 3 times:
            Charge at C/3 until c_Li 0.42 or 4.2 V (30 second period)
            Repeat 2 time:
                Rest for 5 minutes
            Discharge at C/3 until 2.8 V
        Rest for 10 minutes
        """;

    [Fact]
    public void Parses_steps_loops_and_comments()
    {
        CyclingProtocol p = ProtocolParser.Parse(Formation, "formation.txt");
        Assert.Equal("formation.txt", p.Origin);
        Assert.Equal(4, p.Nodes.Count);
        var rest = Assert.IsType<ProtocolStep>(p.Nodes[0]);
        Assert.Equal(2, rest.Line);
        var loop = Assert.IsType<ProtocolLoop>(p.Nodes[1]);
        Assert.Equal(4, loop.Line);
        Assert.Equal(2, loop.Count);
        Assert.Equal(3, loop.Body.Count);
        Assert.Equal("Charge at C/10 until 4.2 V", ((ProtocolStep)loop.Body[0]).Text);
        Assert.Equal(5, loop.Body[0].Line);
        var outer = Assert.IsType<ProtocolLoop>(p.Nodes[2]);
        Assert.Equal(3, outer.Count);
        var inner = Assert.IsType<ProtocolLoop>(outer.Body[1]);
        Assert.Equal(2, inner.Count);
        Assert.Single(inner.Body);
        Assert.IsType<ProtocolStep>(p.Nodes[3]);
    }

    [Fact]
    public void Flatten_numbers_steps_and_counts_outer_cycles()
    {
        CyclingProtocol p = ProtocolParser.Parse(Formation, "formation.txt");
        List<ScheduledStep> steps = p.Flatten().ToList();
        // 1 + 2*3 + 3*(1 + 2 + 1) + 1
        Assert.Equal(1 + 6 + 12 + 1, steps.Count);
        Assert.Equal(Enumerable.Range(1, steps.Count), steps.Select(s => s.Number));
        Assert.Equal(0, steps[0].Cycle);
        Assert.Equal(new[] { 1, 1, 1, 2, 2, 2 }, steps.Skip(1).Take(6).Select(s => s.Cycle));
        Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, steps.Skip(7).Take(12).Select(s => s.Cycle));
        Assert.Equal(0, steps[^1].Cycle);
        // Inner loop steps keep the outer cycle and appear twice per outer iteration.
        Assert.Equal(ProtocolAction.Rest, steps[8].Step.Action);
        Assert.Equal(ProtocolAction.Rest, steps[9].Step.Action);
        Assert.Equal(ProtocolAction.Discharge, steps[10].Step.Action);
        Assert.Equal(new[] { ProtocolAction.Charge, ProtocolAction.Hold, ProtocolAction.Discharge },
            steps.Skip(1).Take(3).Select(s => s.Step.Action));
    }

    [Fact]
    public void Tabs_and_crlf_are_accepted()
    {
        CyclingProtocol p = ProtocolParser.Parse("Repeat 2 times:\r\n\tCharge at 1 A until 4.2 V\r\n\tRest for 1 min\r\nRest for 1 s\r\n", "t");
        Assert.Equal(2, p.Nodes.Count);
        Assert.Equal(5, p.Flatten().Count());
    }

    [Fact]
    public void Flatten_is_repeatable()
    {
        CyclingProtocol p = ProtocolParser.Parse("Repeat 3 times:\n  Rest for 1 s\n", "t");
        Assert.Equal(p.Flatten().ToList(), p.Flatten().ToList());
        Assert.Equal(new[] { 1, 2, 3 }, p.Flatten().Select(s => s.Cycle));
    }

    private static ProtocolSyntaxException Fails(string text) =>
        Assert.Throws<ProtocolSyntaxException>(() => ProtocolParser.Parse(text, "protocol"));

    [Fact]
    public void Step_errors_inside_a_loop_report_the_raw_column_and_show_the_trimmed_line()
    {
        ProtocolSyntaxException e = Fails("Rest for 1 h\nRepeat 2 times:\n        Charge at C/5 untill 4.2 V\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(23, e.Column);
        Assert.Equal(
            "protocol line 3, column 23: expected 'until', 'for' or '(… period)' after the setpoint\n" +
            "  Charge at C/5 untill 4.2 V\n" +
            "                ^",
            e.Message);
    }

    [Theory]
    [InlineData("Repeat 2 times:\nRest for 1 h", 1, 16, "loop without body")]
    [InlineData("Rest for 1 h\nRepeat 2 times:", 2, 16, "loop without body")]
    [InlineData("Repeat 2 times:\n  # only a comment\n", 1, 16, "loop without body")]
    [InlineData("  Rest for 1 h", 1, 1, "the first line of the protocol must not be indented")]
    [InlineData("Rest for 1 h\n  Rest for 2 h", 2, 1, "unexpected indentation")]
    [InlineData("Repeat 2 times:\n    Rest for 1 h\n      Rest for 2 h", 3, 5, "unexpected indentation")]
    [InlineData("Repeat 2 times:\n    Rest for 1 h\n  Rest for 2 h", 3, 3, "unindent does not match any outer indentation level")]
    [InlineData("Repeat 2 times:\n    Rest for 1 h\n\tRest for 2 h", 3, 1, "inconsistent indentation: the protocol indents with spaces but this line uses a tab")]
    [InlineData("Repeat 2 times:\n \tRest for 1 h", 2, 2, "inconsistent indentation")]
    [InlineData("Repeat 0 times:\n  Rest for 1 h", 1, 8, "repeat count must be at least 1")]
    [InlineData("Repeat 2.5 times:\n  Rest for 1 h", 1, 8, "repeat count must be a whole number")]
    [InlineData("Repeat twice:\n  Rest for 1 h", 1, 8, "expected a repeat count after 'Repeat'")]
    [InlineData("Repeat 2 loops:\n  Rest for 1 h", 1, 10, "expected 'times' after the repeat count")]
    [InlineData("Repeat 2 times\n  Rest for 1 h", 1, 15, "expected ':' at the end of the loop header")]
    [InlineData("Repeat 2 times: Rest for 1 h\n  Rest for 1 h", 1, 17, "unexpected text after the loop header")]
    [InlineData("Rest for 1 h\nRepeat 2 times:\n  Charge at 2 W for 1 h", 3, 13, "power setpoints and limits")]
    [InlineData("", 1, 1, "the protocol contains no steps")]
    [InlineData("# nothing\n\n", 1, 1, "the protocol contains no steps")]
    [InlineData("Rest for 1 h\nRest for 1 hour or 4 V", 2, 20, "a Rest step ends only on a duration")]
    public void Bad_protocols_name_the_problem_line_and_column(string text, int line, int column, string reason)
    {
        ProtocolSyntaxException e = Fails(text);
        Assert.Contains(reason, e.Reason);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.StartsWith($"protocol line {line}, column {column}: {e.Reason}\n", e.Message);
    }

    [Fact]
    public void Deep_nesting_is_a_syntax_error_not_a_stack_overflow()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 40; i++) text.Append(new string(' ', i)).Append("Repeat 2 times:\n");
        text.Append(new string(' ', 40)).Append("Rest for 1 s\n");
        ProtocolSyntaxException e = Fails(text.ToString());
        Assert.Contains("nested deeper than 32 levels", e.Reason);
        Assert.Equal(32, e.Line);
    }

    [Fact]
    public void Indentation_errors_show_the_raw_line()
    {
        ProtocolSyntaxException e = Fails("Repeat 2 times:\n    Rest for 1 h\n  Rest for 2 h");
        Assert.Equal(
            "protocol line 3, column 3: unindent does not match any outer indentation level\n" +
            "    Rest for 2 h\n" +
            "    ^",
            e.Message);
    }
}
